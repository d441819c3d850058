import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SlackTransport } from '../../../../bridge/transports/slack/slackTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { buttonLabels, FakeSlack, latestText, type BotMessage } from '../../../helpers/fakeSlack.js';
import { makeRepo, nodeTestProject, TempDirs } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { APP_TOKEN, BOT_TOKEN } from './slackHarness.js';

const ALICE = 'UALICE';

describe('Slack through Bolt: "Approve 30 min" covers the next DM task, says so, and End grant ends it', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let fake: FakeSlack;
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await fake.close();
    temp.cleanup();
  });

  it('the second task posts the grant notice with End grant; pressing it makes the third task ask', async () => {
    fake = await FakeSlack.start();
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const slack = new SlackTransport({ botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.url, httpPort: 0, logger: silentLogger, socketPingTimeoutMs: 500 });
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [slack], pairedUsers: [{ platform: 'slack', userId: ALICE }] });
    const said = (task: { channel: string; ts: string }, pattern: RegExp): BotMessage | undefined => fake.inThread(task.channel, task.ts).find((message) => pattern.test(latestText(message)));
    const waitSaid = async (task: { channel: string; ts: string }, pattern: RegExp, what: string): Promise<BotMessage> => {
      await fake.waitFor(() => said(task, pattern) !== undefined, what, 30_000);
      return said(task, pattern)!;
    };

    const first = fake.dm(ALICE, 'run the tests');
    const approval = await waitSaid(first, /Approval needed/, 'the approval request');
    fake.press(ALICE, approval, 'Approve 30 min');
    await fake.waitFor(() => approval.versions.length === 1, 'the pressed message updated');
    assert.match(latestText(approval), /Approved for 30 min by/);
    assert.deepEqual(buttonLabels(approval), ['End grant']);
    await waitSaid(first, /Session [0-9a-f]{8} completed/, 'the first session to end');

    const second = fake.dm(ALICE, 'run the tests');
    const notice = await waitSaid(second, /Approved by your 30-minute grant from \d\d:\d\d \((29|30) min left\)/, 'the grant notice');
    assert.deepEqual(buttonLabels(notice), ['End grant']);
    await waitSaid(second, /Session [0-9a-f]{8} completed/, 'the second session to end');
    assert.equal(said(second, /Approval needed/), undefined, 'the second task never asked');

    fake.press(ALICE, notice, 'End grant');
    await fake.waitFor(() => notice.versions.length === 1, 'the notice updated');
    assert.match(latestText(notice), /Grant ended by/);
    assert.deepEqual(buttonLabels(notice), []);

    const third = fake.dm(ALICE, 'run the tests');
    await waitSaid(third, /Approval needed/, 'the third task to ask again');
  });
});
