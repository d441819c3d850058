import type { ButtonPress, ButtonReply, ChatHandler, ChatMessage, ChatUser, MessageRef, OutgoingMessage, Platform, ThreadRef, Transport } from '../../bridge/chat.js';

export interface Posted {
  ref: MessageRef;
  message: OutgoingMessage;
  edits: OutgoingMessage[];
}

/**
 * A chat transport for tests: records what the bot posts and edits, and lets a test say
 * things and press buttons as a user would.
 */
export class RecordingTransport implements Transport {
  readonly canEdit = true;
  readonly posted: Posted[];
  private handler: ChatHandler | undefined;
  private readonly board: { counter: number; waiters: { test: () => boolean; resolve: () => void }[] };

  /** `sameChat`: another bridge's transport into the same chat (one workspace): posts, ids and waits are shared. */
  constructor(
    readonly platform: Platform = 'web',
    sameChat?: RecordingTransport,
  ) {
    this.posted = sameChat?.posted ?? [];
    this.board = sameChat?.board ?? { counter: 0, waiters: [] };
  }

  async start(handler: ChatHandler): Promise<void> {
    this.handler = handler;
  }

  async stop(): Promise<void> {}

  async post(thread: ThreadRef, message: OutgoingMessage): Promise<MessageRef> {
    const ref = { thread, messageId: `m${++this.board.counter}` };
    this.posted.push({ ref, message, edits: [] });
    this.wake();
    return ref;
  }

  async edit(ref: MessageRef, message: OutgoingMessage): Promise<void> {
    const entry = this.posted.find((posted) => posted.ref.messageId === ref.messageId);
    if (!entry) throw new Error(`edit of unknown message ${ref.messageId}`);
    entry.edits.push(message);
    this.wake();
  }

  /** A user sends `text`; a new thread unless `thread` is given. `addressed: false`: said in the thread without naming the bot. */
  async say(user: ChatUser, text: string, thread?: ThreadRef, options: { addressed?: boolean } = {}): Promise<ThreadRef> {
    const messageId = `u${++this.board.counter}`;
    const where = thread ?? { platform: this.platform, channelId: 'C1', threadId: messageId };
    const message: ChatMessage = { user, thread: where, messageId, text, isDirect: options.addressed !== false, ...(options.addressed === false ? { addressed: false } : {}) };
    await this.handler!.onMessage(message);
    return where;
  }

  async press(user: ChatUser, posted: Posted, value: string): Promise<ButtonReply> {
    const press: ButtonPress = { user, message: posted.ref, value };
    return this.handler!.onButton(press);
  }

  /** Messages posted in a thread, in order. */
  inThread(thread: ThreadRef): Posted[] {
    return this.posted.filter((posted) => posted.ref.thread.threadId === thread.threadId && posted.ref.thread.channelId === thread.channelId);
  }

  /** The latest content of a posted message (after edits). */
  static latest(posted: Posted): OutgoingMessage {
    return posted.edits.at(-1) ?? posted.message;
  }

  /** Resolves once `test` holds (checked after every post or edit), or fails after `ms`. */
  waitFor(test: () => boolean, what: string, ms = 15_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; posted: ${JSON.stringify(this.posted.map((p) => RecordingTransport.latest(p).title ?? RecordingTransport.latest(p).text.slice(0, 80)))}`)), ms);
      this.board.waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private wake(): void {
    for (const waiter of [...this.board.waiters]) {
      if (waiter.test()) {
        this.board.waiters.splice(this.board.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
