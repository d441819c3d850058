import type { ButtonPress, ButtonReply, ChatHandler, ChatMessage } from '../../bridge/chat.js';

/**
 * A stand-in for the dispatcher in transport tests: records what the transport hands
 * over and answers as the test scripts it.
 */
export class RecordingHandler implements ChatHandler {
  readonly messages: ChatMessage[] = [];
  readonly presses: ButtonPress[] = [];
  onMessageDo: (message: ChatMessage) => Promise<void> = async () => undefined;
  onButtonDo: (press: ButtonPress) => Promise<ButtonReply> | ButtonReply = () => ({});
  private readonly waiters = new Set<() => void>();

  async onMessage(message: ChatMessage): Promise<void> {
    this.messages.push(message);
    this.wake();
    await this.onMessageDo(message);
  }

  async onButton(press: ButtonPress): Promise<ButtonReply> {
    this.presses.push(press);
    this.wake();
    return this.onButtonDo(press);
  }

  /** Resolves once `test` holds (checked after every call), or fails after `ms` naming `what`. */
  waitFor(test: () => boolean, what = 'the handler', ms = 10_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!test()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.text))}`));
      }, ms);
      this.waiters.add(check);
    });
  }

  /** `waitFor` without naming what. */
  until(condition: () => boolean): Promise<void> {
    return this.waitFor(condition);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
