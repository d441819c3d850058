import { RecordingHandler } from '../../../helpers/recordingHandler.js';
import { DiscordTransport } from '../../../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { FakeDiscord } from '../../../helpers/fakeDiscord.js';

export const TOKEN = 'fake-discord-bot-token';


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
