import type { WebMessage } from '../../../shared/protocol/webChat.js';

/** The web chat's own message history, kept durably so a reload or restart shows every thread. */
export interface WebChatHistory {
  /** Adds a message, or replaces the one with the same id (an edit). */
  save(message: WebMessage): void;
  /** The newest `limit` messages, oldest first. */
  recent(limit: number): WebMessage[];
  get(id: string): WebMessage | undefined;
  /** Whether any message is in the thread. */
  hasThread(threadId: string): boolean;
}
