/**
 * Text handling for Discord: what the agent or the user wrote must never ping anyone by
 * accident, and must fit Discord's limits (2,000 characters of content, 4,096 of embed
 * description, 6,000 across an embed).
 */

export const LIMITS = {
  content: 2_000,
  title: 256,
  description: 4_096,
  fieldName: 256,
  fieldValue: 1_024,
  fields: 25,
  embedTotal: 6_000,
  buttonLabel: 80,
  customId: 100,
  buttonsPerRow: 5,
  rows: 5,
  threadName: 100,
} as const;

const ZERO_WIDTH_SPACE = '\u200b';

/**
 * Breaks @everyone / @here so they render as text. allowed_mentions already stops the
 * ping; this also keeps them from looking like one, and covers text that ends up in
 * `content` (where a missing allowed_mentions would otherwise ping).
 */
export function neutralizeBroadcasts(text: string): string {
  return text.replace(/@(everyone|here)/gi, `@${ZERO_WIDTH_SPACE}$1`);
}

/** Also breaks user, role and channel mentions: for text placed in `content`. */
export function neutralizeAllMentions(text: string): string {
  return neutralizeBroadcasts(text).replace(/<([@#])/g, `<$1${ZERO_WIDTH_SPACE}`);
}

/** Cuts `text` to `max` characters, ending with a note saying how much was left out. */
export function truncate(text: string, max: number, pointer = 'the full output is in the session log on your machine'): string {
  if (text.length <= max) return text;
  const note = (omitted: number) => `\n… (${omitted} more characters not shown; ${pointer})`;
  // The note's own length depends on the count; one pass with a generous estimate is enough.
  let keep = max - note(text.length).length;
  if (keep < 0) return text.slice(0, max);
  // Do not cut a surrogate pair in half.
  if (/[\uD800-\uDBFF]/.test(text.charAt(keep - 1))) keep -= 1;
  return text.slice(0, keep) + note(text.length - keep);
}

/** Hard cut for short fields (titles, labels) where a note would not fit. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Removes mentions of the bot (`<@id>`, `<@!id>`) from what a user wrote. */
export function stripBotMention(content: string, botId: string, botRoleId?: string): string {
  return content.replace(new RegExp(botMention(botId, botRoleId), 'g'), ' ').replace(/[ \t]+/g, ' ').trim();
}

/**
 * Whether the message text mentions the bot: the bot user, or its managed role (Discord's
 * autocomplete often offers the role of the same name, and people pick it).
 */
export function mentionsBot(content: string, botId: string, botRoleId?: string): boolean {
  return new RegExp(botMention(botId, botRoleId)).test(content);
}

function botMention(botId: string, botRoleId: string | undefined): string {
  return botRoleId ? `<@!?${botId}>|<@&${botRoleId}>` : `<@!?${botId}>`;
}

/** A thread name from the task's first line (Discord allows 1–100 characters). */
export function threadName(task: string): string {
  const firstLine = task.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'task';
  return clip(`Dispatch: ${firstLine}`, LIMITS.threadName);
}
