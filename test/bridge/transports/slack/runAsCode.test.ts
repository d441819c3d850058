import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SlackTransport } from '../../../../bridge/transports/slack/slackTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { buttonLabels, FakeSlack, latestText, type BotMessage } from '../../../helpers/fakeSlack.js';
import { makeRepo, TempDirs } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { APP_TOKEN, BOT_TOKEN } from './slackHarness.js';

const ALICE = 'UALICE';
const BOB = 'UBOB';

describe('Slack: "Run as a Code session" on a Cowork reply, through Bolt', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let fake: FakeSlack;
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await fake.close();
    temp.cleanup();
  });

  async function bridge(home: string, repo: string): Promise<LiveBridge> {
    const slack = new SlackTransport({ botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.url, httpPort: 0, logger: silentLogger, socketPingTimeoutMs: 500 });
    return startLiveBridge({
      home,
      repos: [{ name: 'api', path: repo }],
      transports: [slack],
      pairedUsers: [{ platform: 'slack', userId: ALICE }, { platform: 'slack', userId: BOB }],
      withRunner: false,
    });
  }

  it('survives a bridge restart, refuses another person ephemerally, and starts a Code session in the same thread for the asker', async () => {
    fake = await FakeSlack.start();
    const home = temp.make();
    const repo = makeRepo(join(temp.make(), 'api'));
    live = await bridge(home, repo);

    const question = fake.dm(ALICE, 'write a short note to the team about the offsite on friday');
    const hasButton = (message: BotMessage) => buttonLabels(message).includes('Run as a Code session');
    await fake.waitFor(() => fake.inThread(question.channel, question.ts).some(hasButton), 'the Cowork reply with its button');
    const reply = fake.inThread(question.channel, question.ts).find(hasButton)!;
    assert.match(latestText(reply), /no model is configured/);

    // The bridge restarts between the reply and the press.
    await live.stop();
    live = await bridge(home, repo);

    const bobPress = fake.press(BOB, reply, 'Run as a Code session');
    await fake.waitFor(() => fake.responses.length === 1, 'the answer to Bob');
    await fake.waitForAck(bobPress);
    assert.deepEqual(fake.responses[0], { response_type: 'ephemeral', replace_original: false, text: 'Only the person who asked can run this as a Code session.' });
    assert.equal((await live.bridge.store.listJobs({})).length, 0);
    assert.equal(reply.versions.length, 0, 'the reply is untouched');

    fake.press(ALICE, reply, 'Run as a Code session');
    await fake.waitFor(() => fake.inThread(question.channel, question.ts).some((message) => /Code session [0-9a-f]{8}/.test(latestText(message)) && message !== reply), 'the status message');
    const [job] = await live.bridge.store.listJobs({ owner: { platform: 'slack', userId: ALICE } });
    assert.equal(job?.task, 'write a short note to the team about the offsite on friday');
    assert.equal(job?.forced, true);
    assert.deepEqual(job?.thread, { platform: 'slack', channelId: question.channel, threadId: question.ts });
    await fake.waitFor(() => reply.versions.length === 1, 'the pressed reply updated');
    assert.deepEqual(buttonLabels(reply), []);
    assert.match(latestText(reply), /Re-run as Code session [0-9a-f]{8}/);
  });
});
