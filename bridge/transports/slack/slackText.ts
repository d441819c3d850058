/**
 * Text in and out of Slack's markup ("mrkdwn"). Outgoing text may come from an agent or
 * a model, so it is escaped and cannot ping a channel; incoming text has Slack's own
 * escapes and link syntax turned back into plain words for the dispatcher.
 */

/** Slack's limits (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
export const LIMITS = {
  /** The top-level `text` of chat.postMessage / chat.update. */
  messageText: 40_000,
  sectionText: 3_000,
  fieldText: 2_000,
  fieldsPerSection: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2_000,
  buttonsPerActions: 25,
  blocksPerMessage: 50,
} as const;

const BROADCASTS = /@(channel|here|everyone)\b/gi;

/**
 * Escapes `&`, `<` and `>` (so `<!channel>`, `<@U…>` and links written by an agent are
 * shown, not obeyed) and breaks `@channel`/`@here`/`@everyone` with a zero-width space,
 * for clients and bots that turn the bare word into a broadcast.
 */
export function escapeMrkdwn(text: string): string {
  return neutraliseBroadcasts(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/** For plain_text objects, which Slack shows literally: only the broadcast words need care. */
export function neutraliseBroadcasts(text: string): string {
  return text.replace(BROADCASTS, '@\u200B$1');
}

/** Common Markdown that Slack spells differently: `**bold**` is `*bold*` in mrkdwn. */
export function markdownToMrkdwn(text: string): string {
  return text.replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, '*$1*');
}

/** Cuts to at most `max` characters, ending with `note` when anything was cut. */
export function truncate(text: string, max: number, note = '…'): string {
  if (text.length <= max) return text;
  return backOffEntity(text, max - note.length).trimEnd() + note;
}

/**
 * Splits escaped mrkdwn into chunks of at most `max` characters, preferring line breaks,
 * then spaces, and never cutting inside an `&amp;`-style entity.
 */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = backOffEntity(rest, max).length;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest !== '' || chunks.length === 0) chunks.push(rest);
  return chunks;
}

/** `text.slice(0, end)`, moved back so it does not end inside an HTML entity or a surrogate pair. */
function backOffEntity(text: string, end: number): string {
  let cut = Math.max(0, end);
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp >= cut - 6 && /^&(amp|lt|gt);/.test(text.slice(amp)) && text.indexOf(';', amp) >= cut) cut = amp;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut);
}

/**
 * Turns the text of a Slack message into what the person typed: the bot's own mention
 * removed, other mentions and links as readable words, Slack's escapes undone.
 */
export function plainFromSlack(text: string, botUserId: string | undefined): string {
  const withoutBot = botUserId ? text.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ') : text;
  const readable = withoutBot.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) return label ? `@${label}` : target;
    if (target.startsWith('#')) return label ? `#${label}` : target;
    if (target.startsWith('!')) return `@${label ?? target.slice(1).split('^')[0]}`;
    if (target.startsWith('mailto:')) return label ?? target.slice('mailto:'.length);
    return target;
  });
  return readable
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
