import type { ChatMessage } from '../../../../bridge/chat.js';
import { RecordingHandler } from '../../../helpers/recordingHandler.js';
import { SlackTransport } from '../../../../bridge/transports/slack/slackTransport.js';
import { silentLogger, type Logger } from '../../../../shared/logger.js';
import { FakeSlack } from '../../../helpers/fakeSlack.js';

export const BOT_TOKEN = 'xoxb-test-bot-token';
export const APP_TOKEN = 'xapp-test-app-token';
export const SIGNING_SECRET = 'test-signing-secret-0123456789';


/** A fake Slack, the real transport (Bolt) connected to it, and a recording handler. */
export async function slackHarness(mode: 'socket' | 'http' = 'socket', logger: Logger = silentLogger) {
  const fake = await FakeSlack.start();
  const handler = new RecordingHandler();
  const transport = new SlackTransport({
    botToken: BOT_TOKEN,
    ...(mode === 'socket' ? { appToken: APP_TOKEN } : { signingSecret: SIGNING_SECRET }),
    apiUrl: fake.url,
    httpPort: 0,
    httpHost: '127.0.0.1',
    logger,
    // Reconnects after a `disconnect` envelope within ~0.5 s instead of Bolt's 5 s.
    socketPingTimeoutMs: 500,
  });
  await transport.start(handler);
  return {
    fake,
    handler,
    transport,
    /** Resolves once the handler has seen `count` messages. */
    async messages(count: number): Promise<ChatMessage[]> {
      await fake.waitFor(() => handler.messages.length >= count, `${count} message(s) at the handler`);
      return handler.messages;
    },
    async dispose(): Promise<void> {
      await transport.stop();
      await fake.close();
    },
  };
}
export type SlackHarness = Awaited<ReturnType<typeof slackHarness>>;
