import type { OutgoingMessage, ThreadRef } from '../../chat.js';
import type { WebMessage } from '../../../shared/protocol/webChat.js';

/** The web chat has one channel: every thread lives in it. */
export const WEB_CHANNEL = 'web';

export function webThread(threadId: string): ThreadRef {
  return { platform: 'web', channelId: WEB_CHANNEL, threadId };
}

/** A bot message as the page shows it. Optional parts are left out, not set to undefined, so frames stay small. */
export function botMessage(id: string, threadId: string, out: OutgoingMessage, at: number): WebMessage {
  const message: WebMessage = { id, threadId, author: 'bot', text: out.text, at };
  if (out.title !== undefined) message.title = out.title;
  if (out.fields !== undefined && out.fields.length > 0) message.fields = out.fields.map(({ label, value }) => ({ label, value }));
  if (out.buttons !== undefined && out.buttons.length > 0) {
    message.buttons = out.buttons.map(({ label, value, style }) => (style === undefined ? { label, value } : { label, value, style }));
  }
  if (out.tone !== undefined) message.tone = out.tone;
  if (out.session !== undefined) message.session = { ...out.session };
  // There is one person in the web chat, so any mention is of them.
  if (out.mention !== undefined) message.mention = true;
  return message;
}

export function userMessage(id: string, threadId: string, text: string, at: number): WebMessage {
  return { id, threadId, author: 'user', text, at };
}
