import type { types } from '@slack/bolt';
import type { Button, Field, OutgoingMessage } from '../../chat.js';
import { escapeMrkdwn, LIMITS, markdownToMrkdwn, neutraliseBroadcasts, splitText, truncate } from './slackText.js';

type Block = types.KnownBlock;

/** What chat.postMessage / chat.update get: Block Kit plus the fallback text notifications show. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Every button's action_id starts with this, so one listener catches all of ours. */
export const ACTION_PREFIX = 'dispatch_button_';

/** Text sections at most: 12 × 3,000 characters, well inside the 50-block limit. */
const MAX_TEXT_SECTIONS = 12;
const TRUNCATED = '\n… (cut here: Slack shows at most about 36,000 characters. The full output is in the session log on your machine.)';

const TONE_EMOJI: Record<NonNullable<OutgoingMessage['tone']>, string> = {
  info: '',
  success: ':white_check_mark: ',
  warning: ':warning: ',
  error: ':x: ',
};

/**
 * Renders the platform-neutral message as Block Kit: a header for the title, the text in
 * sections of at most 3,000 characters, the fields two columns wide, the buttons in
 * actions blocks. The fallback `text` is always set (it is what a phone notification shows).
 */
export function renderMessage(message: OutgoingMessage): SlackMessage {
  const mention = mentionOf(message);
  const body = escapeMrkdwn(markdownToMrkdwn(message.text));
  const blocks: Block[] = [];

  if (message.title) {
    const emoji = TONE_EMOJI[message.tone ?? 'info'];
    blocks.push({ type: 'header', text: { type: 'plain_text', text: truncate(emoji + neutraliseBroadcasts(message.title), LIMITS.headerText), emoji: true } });
  }
  blocks.push(...textSections(mention ? `${mention} ${body}` : body));
  blocks.push(...fieldSections(message.fields ?? []));
  blocks.push(...actionBlocks(message.buttons ?? []));

  const title = message.title ? `${neutraliseBroadcasts(message.title)}\n` : '';
  const fallback = `${mention ? `${mention} ` : ''}${escapeMrkdwn(title)}${body}`;
  return { text: truncate(fallback.trim() === '' ? ' ' : fallback, LIMITS.messageText, '…'), blocks };
}

/** `<@U…>` for a Slack user, so the phone buzzes; nothing for other platforms or odd ids. */
function mentionOf(message: OutgoingMessage): string | undefined {
  const user = message.mention;
  if (!user || user.platform !== 'slack' || !/^[UW][A-Z0-9]{2,}$/.test(user.userId)) return undefined;
  return `<@${user.userId}>`;
}

function textSections(mrkdwn: string): Block[] {
  if (mrkdwn.trim() === '') return [];
  let chunks = splitText(mrkdwn, LIMITS.sectionText);
  if (chunks.length > MAX_TEXT_SECTIONS) {
    chunks = chunks.slice(0, MAX_TEXT_SECTIONS);
    chunks[MAX_TEXT_SECTIONS - 1] = truncate(chunks[MAX_TEXT_SECTIONS - 1]!, LIMITS.sectionText - TRUNCATED.length, '') + TRUNCATED;
  }
  return chunks.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

function fieldSections(fields: Field[]): Block[] {
  const blocks: Block[] = [];
  // Two sections of ten at most; more fields than that is not a chat message any more.
  for (let start = 0; start < Math.min(fields.length, 2 * LIMITS.fieldsPerSection); start += LIMITS.fieldsPerSection) {
    const slice = fields.slice(start, start + LIMITS.fieldsPerSection);
    blocks.push({
      type: 'section',
      fields: slice.map((field) => ({ type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(field.label)}*\n${escapeMrkdwn(field.value)}`, LIMITS.fieldText) })),
    });
  }
  return blocks;
}

function actionBlocks(buttons: Button[]): Block[] {
  const usable = buttons.filter((button) => button.value.length <= LIMITS.buttonValue);
  const blocks: Block[] = [];
  for (let start = 0; start < Math.min(usable.length, 2 * LIMITS.buttonsPerActions); start += LIMITS.buttonsPerActions) {
    blocks.push({
      type: 'actions',
      elements: usable.slice(start, start + LIMITS.buttonsPerActions).map((button, index) => ({
        type: 'button',
        // Unique within the message; the meaning travels in `value`, which the dispatcher validates.
        action_id: `${ACTION_PREFIX}${start + index}`,
        text: { type: 'plain_text', text: truncate(neutraliseBroadcasts(button.label), LIMITS.buttonText), emoji: true },
        value: button.value,
        ...(button.style ? { style: button.style } : {}),
      })),
    });
  }
  return blocks;
}

/** The App Home tab: what Dispatch is and how to talk to it. */
export function homeView(recentSessions?: string): types.HomeView {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Dispatch' } },
      ...(recentSessions
        ? [
            { type: 'section' as const, text: { type: 'mrkdwn' as const, text: `*Your recent sessions*\n${escapeMrkdwn(recentSessions).slice(0, 2_900)}` } },
            { type: 'divider' as const },
          ]
        : []),
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'Text me a coding task and a session runs it on your own machine, in its own git worktree, and reports back in the thread. Reply in that thread to follow up.',
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: [
            '*Getting started*',
            '1. On your machine run `dispatch pair` and send me `pair CODE` in a DM.',
            '2. DM me a task, e.g. _run the tests in the api repo_, or mention me in a channel.',
            '3. Approve or deny what the session asks for with the buttons; only you can press them.',
            '',
            '*Commands* (DM me, or use `/dispatch …`): `status`, `sessions`, `cancel [id]`, `machines`, `repos`, `help`.',
          ].join('\n'),
        },
      },
    ],
  };
}
