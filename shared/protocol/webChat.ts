import { z } from 'zod';
import { SessionStateSchema } from '../sessions.js';

/**
 * The local web chat: the page talks to the bridge over one WebSocket (`/chat`),
 * authenticated by the login cookie the token URL sets. Every frame is one JSON object.
 */
export const WEB_CHAT_PATH = '/chat';

const FieldSchema = z.object({ label: z.string(), value: z.string() });
const ButtonSchema = z.object({ label: z.string(), value: z.string(), style: z.enum(['primary', 'danger']).optional() });

/** A message as the page shows it. Bot messages can be edited (same id, new content). */
export const WebMessageSchema = z.object({
  id: z.string(),
  threadId: z.string(),
  author: z.enum(['user', 'bot']),
  text: z.string(),
  title: z.string().optional(),
  fields: z.array(FieldSchema).optional(),
  buttons: z.array(ButtonSchema).optional(),
  tone: z.enum(['info', 'success', 'warning', 'error']).optional(),
  /** The message mentions the user: the page raises a notification. */
  mention: z.boolean().optional(),
  /** A session's status message: its short id, state and one line for the thread list. */
  session: z.object({ id: z.string().max(100), state: SessionStateSchema, line: z.string().max(300) }).optional(),
  at: z.number(),
});
export type WebMessage = z.infer<typeof WebMessageSchema>;

/** Page → bridge. */
export const WebClientFrameSchema = z.discriminatedUnion('type', [
  /**
   * A new message; without threadId it starts a thread. clientId (random, one per message)
   * matches the echo, and makes a resend of the same message a no-op on the bridge.
   */
  z.object({
    type: z.literal('send'),
    clientId: z.string().max(100),
    threadId: z.string().max(100).optional(),
    text: z.string().min(1).max(20_000),
  }),
  z.object({ type: z.literal('press'), messageId: z.string().max(100), value: z.string().max(500) }),
]);
export type WebClientFrame = z.infer<typeof WebClientFrameSchema>;

/** Bridge → page. */
export type WebServerFrame =
  | { type: 'snapshot'; user: { id: string; name: string }; messages: WebMessage[] }
  /** With `clientId`: the bridge has handled that send (stored its job, or answered); the page may clear its input. */
  | { type: 'message'; message: WebMessage; clientId?: string }
  | { type: 'edit'; message: WebMessage }
  /** With `clientId`: that send was not taken (the bridge is starting); the page keeps the text for another try. */
  | { type: 'notice'; text: string; threadId?: string; clientId?: string }
  /** With `clientId`: that send was refused as it is. */
  | { type: 'error'; text: string; clientId?: string };
