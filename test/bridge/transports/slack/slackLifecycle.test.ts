import assert from 'node:assert/strict';
import { SlackTransport } from '../../../../bridge/transports/slack/slackTransport.js';
import { slackApiUrl } from '../../../../bridge/transports/slack/boltApp.js';
import { DispatchError } from '../../../../shared/errors.js';
import { silentLogger, type LogFields, type Logger } from '../../../../shared/logger.js';
import { FakeSlack } from '../../../helpers/fakeSlack.js';
import { RecordingHandler } from '../../../helpers/recordingHandler.js';
import { APP_TOKEN, BOT_TOKEN, slackHarness } from './slackHarness.js';

/** Every line logged, at every level, with its fields. */
function recordingLogger(lines: string[]): Logger {
  const record = (level: string) => (message: string, fields?: LogFields) => void lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error'), child: () => logger };
  return logger;
}

describe('the Slack transport’s life cycle', () => {
  it('refuses to start with a token Slack rejects, saying which setting to check', async () => {
    const fake = await FakeSlack.start();
    fake.rejectedTokens.add(BOT_TOKEN);
    const transport = new SlackTransport({ botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.url, httpPort: 0, logger: silentLogger });
    try {
      await assert.rejects(transport.start(new RecordingHandler()), (error: unknown) => {
        assert.ok(error instanceof DispatchError);
        assert.equal(error.code, 'bad_config');
        assert.match(error.message, /SLACK_BOT_TOKEN/);
        assert.doesNotMatch(error.message, /xoxb-/);
        return true;
      });
      assert.equal(fake.connections, 0);
    } finally {
      await transport.stop();
      await fake.close();
    }
  });

  it('needs an app token or a signing secret besides the bot token', () => {
    assert.throws(() => new SlackTransport({ botToken: BOT_TOKEN, httpPort: 0, logger: silentLogger }), /SLACK_APP_TOKEN.*SLACK_SIGNING_SECRET/);
  });

  it('points the Web API at DISPATCH_SLACK_API_URL, with the /api/ path Slack’s client expects', () => {
    assert.equal(slackApiUrl(undefined), 'https://slack.com/api/');
    assert.equal(slackApiUrl('http://127.0.0.1:9000'), 'http://127.0.0.1:9000/api/');
    assert.equal(slackApiUrl('http://127.0.0.1:9000/api'), 'http://127.0.0.1:9000/api/');
    assert.equal(slackApiUrl('https://proxy.example/slack/api/'), 'https://proxy.example/slack/api/');
  });

  it('never logs a token, even at debug level through a whole conversation', async () => {
    const lines: string[] = [];
    const h = await slackHarness('socket', recordingLogger(lines));
    try {
      const { channel, ts } = h.fake.dm('UALICE', 'run the tests');
      const [message] = await h.messages(1);
      await h.transport.post(message!.thread, { text: 'On it.', buttons: [{ label: 'Cancel', value: 'cancel:job-1' }] });
      h.handler.onButtonDo = () => ({ ephemeral: 'Cancelling…' });
      h.fake.press('UALICE', h.fake.inThread(channel, ts)[0]!, 'Cancel');
      await h.fake.waitFor(() => h.fake.responses.length === 1, 'the ephemeral reply');
    } finally {
      await h.dispose();
    }
    assert.ok(lines.length > 0, 'something was logged');
    for (const line of lines) assert.doesNotMatch(line, /xox[a-z]-|xapp-/, line);
  });

  it('stops cleanly: the client closes its socket, without waiting out a close handshake', async () => {
    const h = await slackHarness();
    assert.equal(h.fake.openSockets, 1);
    const started = performance.now();
    await h.transport.stop();
    await h.fake.waitFor(() => h.fake.openSockets === 0, 'the client’s close');
    await h.fake.close();
    assert.equal(h.fake.connections, 1, 'it did not reconnect');
    assert.ok(performance.now() - started < 3_000, 'no close-handshake timeout');
  });
});
