import type { ButtonPress, ButtonReply, ChatHandler, ChatMessage } from '../../../../bridge/chat.js';
import { DiscordTransport } from '../../../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { FakeDiscord } from '../../../helpers/fakeDiscord.js';

export const TOKEN = 'fake-discord-bot-token';

/** A ChatHandler that records what the transport hands over; tests script its answers. */
export class RecordingHandler implements ChatHandler {
  readonly messages: ChatMessage[] = [];
  readonly presses: ButtonPress[] = [];
  onMessageDo: (message: ChatMessage) => Promise<void> = async () => undefined;
  onButtonDo: (press: ButtonPress) => Promise<ButtonReply> = async () => ({});
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

  waitFor(test: () => boolean, what: string, ms = 10_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!test()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => (this.waiters.delete(check), reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.text))}`))), ms);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** A fake Discord, the real DiscordTransport (real discord.js) connected to it, and a recording handler. */
export async function startDiscord(options: { guildId?: boolean; buttonAckMs?: number } = {}) {
  const fake = await FakeDiscord.start();
  const transport = new DiscordTransport({ token: TOKEN, apiUrl: fake.apiUrl, logger: silentLogger, ...(options.guildId ? { guildId: fake.guildId } : {}), ...(options.buttonAckMs ? { buttonAckMs: options.buttonAckMs } : {}) });
  const handler = new RecordingHandler();
  await transport.start(handler);
  const rig = {
    fake,
    /** Replaceable, e.g. by a test that restarts the transport; stop() stops whichever is current. */
    transport,
    handler,
    async stop(): Promise<void> {
      await rig.transport.stop();
      await fake.close();
    },
  };
  return rig;
}
export type DiscordRig = Awaited<ReturnType<typeof startDiscord>>;
