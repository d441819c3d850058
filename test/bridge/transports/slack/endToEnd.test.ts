import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SlackTransport } from '../../../../bridge/transports/slack/slackTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { BOT_USER_ID, buttonLabels, FakeSlack, latestText, type BotMessage } from '../../../helpers/fakeSlack.js';
import { makeRepo, nodeTestProject, TempDirs } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { APP_TOKEN, BOT_TOKEN } from './slackHarness.js';

const ALICE = 'UALICE';
const BOB = 'UBOB';

describe('end to end over Slack: DM → bridge → runner → worktree → thread replies', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let fake: FakeSlack;
  let live: LiveBridge | undefined;

  beforeEach(async () => {
    fake = await FakeSlack.start();
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const slack = new SlackTransport({ botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.url, httpPort: 0, logger: silentLogger, socketPingTimeoutMs: 500 });
    live = await startLiveBridge({
      repos: [{ name: 'api', path: repo }],
      transports: [slack],
      pairedUsers: [
        { platform: 'slack', userId: ALICE },
        { platform: 'slack', userId: BOB },
      ],
    });
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await fake.close();
    temp.cleanup();
  });

  /** Bot messages in the thread whose newest text matches. */
  const said = (channel: string, threadTs: string, pattern: RegExp): BotMessage[] => fake.inThread(channel, threadTs).filter((message) => pattern.test(latestText(message)));
  const aliceJobs = () => live!.bridge.store.listJobs({ owner: { platform: 'slack', userId: ALICE } });

  it('runs a DM task through approval to a final mention, across a reconnect, and takes a follow-up in the thread', async () => {
    const task = fake.dm(ALICE, 'run the tests');

    // The immediate reply: the status message, in the thread of Alice's message.
    await fake.waitFor(() => said(task.channel, task.ts, /Code session/).length === 1, 'the status message');
    const status = said(task.channel, task.ts, /Code session/)[0]!;
    assert.match(latestText(status), /On it — session [0-9a-f]{8} on laptop, repo api/);
    assert.deepEqual(buttonLabels(status), ['Cancel']);

    // The approval request: a new message that mentions Alice, with three buttons; the status was edited meanwhile.
    await fake.waitFor(() => said(task.channel, task.ts, /Approval needed/).length === 1, 'the approval request');
    const approval = said(task.channel, task.ts, /Approval needed/)[0]!;
    assert.match(approval.text, new RegExp(`^<@${ALICE}> `));
    assert.match(latestText(approval), /npm test/);
    assert.deepEqual(buttonLabels(approval), ['Approve once', 'Approve 30 min', 'Deny']);
    await fake.waitFor(() => status.versions.some((version) => /waiting for your approval/.test(JSON.stringify(version))), 'the status edited by chat.update');

    // Slack recycles the connection mid-job and delivers Alice's DM again; Bob presses while the bot is away.
    fake.disconnect([task.envelopeId]);
    const bobPress = fake.press(BOB, approval, 'Approve once');
    await fake.waitFor(() => fake.connections === 2 && fake.ackCounts.get(task.envelopeId) === 2, 'the reconnect and the redelivered DM acknowledged');
    await fake.waitFor(() => fake.responses.length === 1, 'the answer to Bob');
    await fake.waitForAck(bobPress);
    assert.deepEqual(fake.responses[0], { response_type: 'ephemeral', replace_original: false, text: 'Only the requester can do that.' });
    const [job] = await aliceJobs();
    assert.equal((await live!.bridge.store.getJob(job!.id))?.state, 'waiting_for_approval', 'a refused press changes nothing');
    assert.equal(approval.versions.length, 0, 'the approval message is untouched');

    // Alice approves once: the pressed message shows who decided, the session runs to the end.
    fake.press(ALICE, approval, 'Approve once');
    await fake.waitFor(() => approval.versions.length === 1, 'the pressed message updated');
    assert.match(latestText(approval), /Approved once by ualice/);
    assert.deepEqual(buttonLabels(approval), []);
    await fake.waitFor(() => said(task.channel, task.ts, /Session [0-9a-f]{8} completed/).length === 1, 'the final message', 20_000);
    const final = said(task.channel, task.ts, /Session [0-9a-f]{8} completed/)[0]!;
    assert.match(final.text, new RegExp(`^<@${ALICE}> `), 'the final message mentions Alice');
    assert.match(latestText(final), /Tests passed: \d+ passed, 0 failed/);
    await fake.waitFor(() => /completed/.test(latestText(status)), 'the status message completed');
    assert.deepEqual(buttonLabels(status), [], 'no Cancel on a finished session');

    // Nothing was lost or doubled by the reconnect: one job, one approval request, one ending, no follow-up from the redelivery.
    assert.equal((await aliceJobs()).length, 1);
    assert.equal(said(task.channel, task.ts, /Follow-up sent/).length, 0);
    assert.equal(fake.inThread(task.channel, task.ts).length, 3, 'status, approval request, final message');

    // A reply in the thread continues the same session in the same worktree.
    fake.dm(ALICE, 'run the tests again', task.ts);
    await fake.waitFor(() => said(task.channel, task.ts, /Follow-up sent to the same session/).length === 1, 'the follow-up acknowledgement');
    assert.equal((await aliceJobs()).length, 1, 'no new job for a reply in the thread');
  });

  it('answers a mention in a channel in a thread, and `cancel` there cancels the waiting session', async () => {
    const task = fake.mention(ALICE, 'CENG', `<@${BOT_USER_ID}> run the tests`);
    await fake.waitFor(() => said('CENG', task.ts, /Approval needed/).length === 1, 'the approval request in the channel thread');
    const status = said('CENG', task.ts, /Code session/)[0]!;
    assert.equal(status.threadTs, task.ts);

    fake.mention(ALICE, 'CENG', `<@${BOT_USER_ID}> cancel`, task.ts);
    await fake.waitFor(() => said('CENG', task.ts, /Session [0-9a-f]{8} cancelled/).length === 1, 'the cancelled ending');
    assert.equal((await aliceJobs())[0]?.state, 'cancelled');
    await fake.waitFor(() => /cancelled/.test(latestText(status)), 'the status message cancelled');
    assert.equal(fake.messages.filter((message) => message.channel === 'CENG' && message.threadTs === undefined).length, 0, 'nothing posted outside the thread');
  });
});
