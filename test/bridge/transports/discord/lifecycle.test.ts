import assert from 'node:assert/strict';
import { DiscordTransport } from '../../../../bridge/transports/discord/discordTransport.js';
import { DispatchError } from '../../../../shared/errors.js';
import type { Logger } from '../../../../shared/logger.js';
import { FakeDiscord } from '../../../helpers/fakeDiscord.js';
import { RecordingHandler } from '../../../helpers/recordingHandler.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-bot-token';

/** A logger that keeps every line, to check what reaches the logs. */
function capturingLogger(lines: string[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

describe('Discord transport: start and stop', () => {
  let fake: FakeDiscord;
  let transport: DiscordTransport | undefined;
  afterEach(async () => {
    await transport?.stop();
    transport = undefined;
    await fake.close();
  });

  it('a wrong token fails start with a fix to apply, and the token is in no message or log line', async () => {
    fake = await FakeDiscord.start({ token: TOKEN });
    const lines: string[] = [];
    const wrong = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.wrong-bot-token';
    const candidate = new DiscordTransport({ token: wrong, apiUrl: fake.apiUrl, logger: capturingLogger(lines) });
    await assert.rejects(candidate.start(new RecordingHandler()), (error: unknown) => {
      assert.ok(error instanceof DispatchError);
      assert.equal(error.code, 'bad_config');
      assert.match(error.message, /DISCORD_BOT_TOKEN/);
      assert.doesNotMatch(error.message, /wrong-bot-token/);
      return true;
    });
    assert.ok(lines.every((line) => !line.includes('wrong-bot-token')));
  });

  it('a bot without the Message Content intent enabled fails start saying where to enable it', async () => {
    fake = await FakeDiscord.start({ token: TOKEN, disallowedIntents: 1 << 15 });
    const candidate = new DiscordTransport({ token: TOKEN, apiUrl: fake.apiUrl, logger: capturingLogger([]) });
    await assert.rejects(candidate.start(new RecordingHandler()), /Message Content Intent/);
  });

  it('a whole conversation logs nothing containing the token, and stop closes the gateway', async () => {
    fake = await FakeDiscord.start({ token: TOKEN });
    const lines: string[] = [];
    const handler = new RecordingHandler();
    transport = new DiscordTransport({ token: TOKEN, apiUrl: fake.apiUrl, logger: capturingLogger(lines) });
    await transport.start(handler);
    handler.onMessageDo = async (message) => void (await transport!.post(message.thread, { text: 'On it.' }));
    fake.dm(fake.user('alice'), 'run the tests');
    await fake.waitFor(() => fake.botMessages().length === 1, 'the reply');
    fake.reconnect();
    await fake.waitFor(() => fake.resumes.length === 1, 'the resume');

    await transport.stop();
    transport = undefined;
    assert.ok(lines.some((line) => line.includes('discord connected')));
    assert.ok(lines.every((line) => !line.includes(TOKEN) && !line.includes('secret-bot-token')));
    assert.equal(fake.resumes[0].token, TOKEN, 'the fake saw the token (so the check above means something)');
    await fake.waitFor(() => fake.openSockets === 0, 'the gateway socket to close');
  });
});
