import type { WebMessage } from '../../../shared/protocol/webChat.js';

/** The web chat's own message history, kept durably so a reload or restart shows every thread. */
export interface WebChatHistory {
  /** Adds a message, or replaces the one with the same id (an edit). */
  save(message: WebMessage): Promise<void>;
  /** The newest `limit` messages, oldest first. */
  recent(limit: number): Promise<WebMessage[]>;
  get(id: string): Promise<WebMessage | undefined>;
  /** Whether any message is in the thread. */
  hasThread(threadId: string): Promise<boolean>;
}
