import type { ButtonPress, ChatMessage, ThreadRef } from '../../chat.js';
import { ACTION_PREFIX } from './blockKit.js';
import { plainFromSlack } from './slackText.js';

/**
 * Slack payloads → the chat vocabulary. Pure functions over the few fields used, so the
 * rules (what is a task, what is ignored, which thread replies go to) are tested alone.
 */

/** The fields of a `message` or `app_mention` event this transport reads. */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  edited?: unknown;
}

/** Subtypes that are still a person saying something new. Edits, joins, bot posts… are not. */
const SPOKEN_SUBTYPES = new Set([undefined, 'thread_broadcast', 'file_share']);

/** Replies go into the thread of the person's message: its thread, or a new one under it. */
export function slackThread(channelId: string, ts: string, threadTs?: string): ThreadRef {
  return { platform: 'slack', channelId, threadId: threadTs ?? ts };
}

/**
 * A DM (`message` in an `im`), a mention in a channel (`app_mention`), or a reply in a
 * channel thread without a mention (unaddressed: the dispatcher takes it only as a
 * session's follow-up) as a ChatMessage; undefined for anything to ignore: other bots,
 * the bot itself, edits, other subtypes, top-level channel chatter.
 */
export function chatMessageFromEvent(event: SlackMessageEvent, botUserId: string | undefined): ChatMessage | undefined {
  if (event.type !== 'message' && event.type !== 'app_mention') return undefined;
  const inChannelThread = event.type === 'message' && (event.channel_type === 'channel' || event.channel_type === 'group') && Boolean(event.thread_ts);
  if (event.type === 'message' && event.channel_type !== 'im' && !inChannelThread) return undefined;
  // A channel message that mentions the bot also arrives as app_mention: take that one only.
  if (inChannelThread && botUserId && (event.text ?? '').includes(`<@${botUserId}`)) return undefined;
  if (!SPOKEN_SUBTYPES.has(event.subtype) || event.bot_id || event.edited) return undefined;
  if (!event.user || !event.channel || !event.ts || event.user === botUserId) return undefined;
  return {
    user: { platform: 'slack', userId: event.user },
    thread: slackThread(event.channel, event.ts, event.thread_ts),
    messageId: event.ts,
    text: plainFromSlack(event.text ?? '', botUserId),
    isDirect: event.type === 'message' && !inChannelThread,
    ...(inChannelThread ? { addressed: false } : {}),
  };
}

/** The fields of a `block_actions` payload this transport reads. */
export interface BlockActionsBody {
  type: string;
  user?: { id?: string; username?: string; name?: string };
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string; thread_ts?: string };
  message?: { ts?: string; thread_ts?: string };
  actions?: { action_id?: string; value?: string }[];
}

/** A press on one of our buttons as a ButtonPress; undefined when it is not ours or incomplete. */
export function buttonPressFromBody(body: BlockActionsBody): ButtonPress | undefined {
  if (body.type !== 'block_actions') return undefined;
  const action = body.actions?.[0];
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const ts = body.message?.ts ?? body.container?.message_ts;
  const userId = body.user?.id;
  if (!action?.action_id?.startsWith(ACTION_PREFIX) || typeof action.value !== 'string' || !channelId || !ts || !userId) return undefined;
  const displayName = body.user?.username ?? body.user?.name;
  return {
    user: { platform: 'slack', userId, ...(displayName ? { displayName } : {}) },
    message: { thread: slackThread(channelId, ts, body.message?.thread_ts ?? body.container?.thread_ts), messageId: ts },
    value: action.value,
  };
}

/**
 * The key under which a delivery is remembered, so a redelivered envelope (after a
 * Socket Mode reconnect, or Slack's HTTP retries) is processed once: the event id for
 * events, the trigger id for presses and slash commands, and the envelope id if any.
 */
export function deliveryKeys(body: unknown, envelopeId: unknown): string[] {
  const keys: string[] = [];
  if (typeof envelopeId === 'string' && envelopeId !== '') keys.push(`envelope:${envelopeId}`);
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record.event_id === 'string') keys.push(`event:${record.event_id}`);
    if (typeof record.trigger_id === 'string') keys.push(`trigger:${record.trigger_id}`);
  }
  return keys;
}
