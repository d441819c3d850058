import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SlackTransport } from '../../../../bridge/transports/slack/slackTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { ScriptedAgent } from '../../../extension/core/harness.js';
import { FakeGitHub } from '../../../helpers/fakeGitHub.js';
import { buttonLabels, FakeSlack, latestText, type BotMessage } from '../../../helpers/fakeSlack.js';
import { git, makeRepo, TempDirs } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { APP_TOKEN, BOT_TOKEN } from './slackHarness.js';

const ALICE = 'UALICE';
const BOB = 'UBOB';
const TOKEN = 'ghp_slackPathToken0123456789abcdefghijklm';

const writer = new ScriptedAgent('writer', async function* (context) {
  writeFileSync(join(context.worktree, 'NOTES.md'), '# 2.4\n');
  yield { kind: 'outcome', outcome: { status: 'completed', summary: 'Wrote NOTES.md.' } };
});

describe('end to end over Slack (@slack/bolt against the fake): ship the session from its thread', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let fake: FakeSlack;
  let github: FakeGitHub;
  let live: LiveBridge | undefined;
  let bare: string;

  beforeEach(async () => {
    fake = await FakeSlack.start();
    github = new FakeGitHub(TOKEN);
    await github.start();
    const root = temp.make();
    const repo = makeRepo(join(root, 'api'), { 'README.md': '# api\n' });
    bare = join(root, 'remote.git');
    git(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    git(repo, ['remote', 'add', 'origin', bare]);
    git(repo, ['config', 'dispatch.forge', 'github:acme/api']);
    const slack = new SlackTransport({ botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.url, httpPort: 0, logger: silentLogger, socketPingTimeoutMs: 500 });
    live = await startLiveBridge({
      repos: [{ name: 'api', path: repo }],
      transports: [slack],
      pairedUsers: [{ platform: 'slack', userId: ALICE }, { platform: 'slack', userId: BOB }],
      agents: () => writer,
      shipEnv: { PATH: '/usr/bin:/bin', HOME: temp.make(), GITHUB_TOKEN: TOKEN, DISPATCH_GITHUB_API_URL: github.url },
    });
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await fake.close();
    await github.stop();
    temp.cleanup();
  });

  const said = (channel: string, ts: string, pattern: RegExp): BotMessage[] => fake.inThread(channel, ts).filter((message) => pattern.test(latestText(message)));

  it('the result has the buttons, Bob cannot press them, "open a PR" asks first, and the press opens the draft pull request with a permalink back', async () => {
    const task = fake.dm(ALICE, 'open a Code session and write the release notes');
    await fake.waitFor(() => said(task.channel, task.ts, /Session [0-9a-f]{8} completed/).length === 1, 'the final message', 20_000);
    const final = said(task.channel, task.ts, /Session [0-9a-f]{8} completed/)[0]!;
    assert.deepEqual(buttonLabels(final), ['Push branch', 'Open pull request']);

    await fake.waitForAck(fake.press(BOB, final, 'Open pull request'));
    await fake.waitFor(() => fake.responses.length === 1, 'the answer to Bob');
    assert.deepEqual(fake.responses[0], { response_type: 'ephemeral', replace_original: false, text: 'Only the requester can do that.' });
    assert.equal(git(bare, ['for-each-ref', 'refs/heads']).trim(), '', 'nothing pushed');

    fake.dm(ALICE, 'open a PR', task.ts);
    await fake.waitFor(() => said(task.channel, task.ts, /Press to push/).length === 1, 'the question');
    const ask = said(task.channel, task.ts, /Press to push/)[0]!;
    assert.deepEqual(buttonLabels(ask), ['Open draft pull request', 'Push branch only']);
    assert.equal(github.requests.length, 0, 'a message is not an approval');

    fake.press(ALICE, ask, 'Open draft pull request');
    await fake.waitFor(() => said(task.channel, task.ts, /Opened draft pull request #42/).length === 1, 'the pull request in the thread');
    assert.match(latestText(said(task.channel, task.ts, /Opened draft pull request #42/)[0]!), /github\.com\/acme\/api\/pull\/42/);
    const body = (github.requests.find((request) => request.method === 'POST')!.body as { body: string }).body;
    assert.ok(body.includes(`https://slack.com/archives/${task.channel}/p${task.ts.replace('.', '')}`), body);
    assert.match(body, /Dispatched from Slack by `@/);
    assert.ok(!JSON.stringify(fake.messages).includes(TOKEN), 'the token never reaches Slack');
  });
});
