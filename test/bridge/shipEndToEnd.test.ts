import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ScriptedAgent } from '../extension/core/harness.js';
import { FakeGitHub } from '../helpers/fakeGitHub.js';
import { git, hashCheckout, makeRepo, TempDirs } from '../helpers/gitRepos.js';
import { WEB_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';
import type { WebMessage, WebServerFrame } from '../../shared/protocol/webChat.js';
import { ChatClient, signIn } from './transports/web/webHarness.js';
import { RecordingLogger } from '../helpers/recordingLogger.js';
import { RecordingTransport, type Posted } from '../helpers/recordingTransport.js';

const TOKEN = 'ghp_endToEndToken0123456789abcdefghijklmn';
const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };
const bob = { platform: 'slack' as const, userId: 'UBOB', displayName: 'bob' };
const carol = { platform: 'slack' as const, userId: 'UCAROL', displayName: 'carol' };

const writer = new ScriptedAgent('writer', async function* (context) {
  writeFileSync(join(context.worktree, 'NOTES.md'), '# 2.4\n\n- faster builds\n');
  yield { kind: 'outcome', outcome: { status: 'completed', summary: 'Wrote NOTES.md for 2.4.' } };
});

const titled = (pattern: RegExp) => (posted: Posted) => pattern.test(RecordingTransport.latest(posted).title ?? '');
const button = (posted: Posted, label: string) => RecordingTransport.latest(posted).buttons?.find((b) => b.label === label)?.value ?? assert.fail(`no ${label} button`);

describe('end to end: from the result in the thread to a pull request, with the machine’s own credentials', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let github: FakeGitHub;
  let chat: RecordingTransport;
  let bridgeLog: RecordingLogger;

  beforeEach(async () => {
    github = new FakeGitHub(TOKEN);
    await github.start();
    chat = new RecordingTransport('slack');
    bridgeLog = new RecordingLogger();
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await github.stop();
    temp.cleanup();
  });

  function repoWithRemote(remote = true) {
    const root = temp.make();
    const repo = makeRepo(join(root, 'api'), { 'README.md': '# api\n' });
    const bare = join(root, 'remote.git');
    git(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    if (remote) {
      git(repo, ['remote', 'add', 'origin', bare]);
      git(repo, ['push', '--quiet', 'origin', 'main']);
      git(repo, ['config', 'dispatch.forge', 'github:acme/api']);
    }
    return { repo, bare };
  }

  async function start(repo: string) {
    live = await startLiveBridge({
      repos: [{ name: 'api', path: repo }],
      transports: [chat],
      pairedUsers: [alice, bob],
      agents: () => writer,
      logger: bridgeLog,
      env: { DISPATCH_ADMINS: 'slack:UCAROL' },
      shipEnv: { PATH: '/usr/bin:/bin', HOME: temp.make(), GITHUB_TOKEN: TOKEN, DISPATCH_GITHUB_API_URL: github.url },
    });
    const thread = await chat.say(alice, 'open a Code session and write the release notes for 2.4');
    await chat.waitFor(() => chat.inThread(thread).some(titled(/^Session [0-9a-f]{8} completed/)), 'the final message');
    const final = chat.inThread(thread).find(titled(/^Session [0-9a-f]{8} completed/))!;
    return { thread, final, job: (await live.bridge.store.listJobs({ owner: alice }))[0]! };
  }

  it('offers the buttons, refuses a stranger, asks before a follow-up ships, opens the draft pull request once, and status shows it', async () => {
    const { repo, bare } = repoWithRemote();
    const { thread, final, job } = await start(repo);
    const checkout = hashCheckout(repo);
    assert.deepEqual(RecordingTransport.latest(final).buttons?.map((b) => b.label), ['Push branch', 'Open pull request']);

    const refused = await chat.press(bob, final, button(final, 'Open pull request'));
    assert.equal(refused.ephemeral, 'Only the requester can do that.');
    assert.deepEqual(git(bare, ['for-each-ref', '--format=%(refname)', 'refs/heads']).trim(), 'refs/heads/main', 'nothing pushed for bob');

    // A follow-up is not an approval: it gets buttons, and nothing happens until one is pressed.
    const before = chat.inThread(thread).length;
    await chat.say(alice, 'open a PR', thread);
    const ask = chat.inThread(thread).slice(before).find(titled(/^Ship session/))!;
    assert.ok(ask, 'the bot asks');
    assert.match(ask.message.text, /open a draft pull request/);
    assert.equal(github.requests.length, 0);
    assert.equal(live!.runner.session(job.id)?.state, 'completed', 'no follow-up turn ran');

    await chat.press(alice, ask, button(ask, 'Open draft pull request'));
    await chat.waitFor(() => chat.inThread(thread).some(titled(/^Opened draft pull request #42/)), 'the pull request in the thread');
    const opened = chat.inThread(thread).find(titled(/^Opened draft pull request #42/))!;
    assert.match(opened.message.text, /https:\/\/github\.com\/acme\/api\/pull\/42/);
    assert.deepEqual(opened.message.mention, alice);

    const branch = (await live!.bridge.store.getJob(job.id))!.result!.branch;
    assert.deepEqual(git(bare, ['for-each-ref', '--format=%(refname)', 'refs/heads']).trim().split('\n').sort(), [`refs/heads/${branch}`, 'refs/heads/main'].sort());
    assert.equal(hashCheckout(repo), checkout, "the user's checkout is untouched");
    const sent = github.requests.find((request) => request.method === 'POST')!.body as { body: string; title: string };
    assert.equal(sent.title, 'write the release notes for 2.4');
    assert.match(sent.body, /Dispatched from Slack by `@alice`\./);
    assert.ok(sent.body.includes(`https://slack.com/archives/${thread.channelId}/p${thread.threadId.replace('.', '')}`), sent.body);

    // The admin may press too; the pull request is already open, so it is linked, not opened twice.
    await chat.press(carol, final, button(final, 'Open pull request'));
    await chat.waitFor(() => chat.inThread(thread).some(titled(/^Pull request #42 was already open/)), 'the existing pull request');
    assert.equal(github.pulls.length, 1);

    const db = new Database(join(live!.home, 'bridge.db'), { readonly: true });
    const audit = db.prepare("SELECT actor, action FROM audit_log WHERE action LIKE 'ship%' ORDER BY id").all() as { actor: string; action: string }[];
    db.close();
    assert.deepEqual(audit.map((row) => `${row.actor} ${row.action}`), ['slack:UALICE ship_pr', 'slack:UCAROL ship_pr']);

    await chat.say(alice, 'status', thread);
    assert.match(chat.inThread(thread).at(-1)!.message.text, /PR #42 https:\/\/github\.com\/acme\/api\/pull\/42/);

    const everything = JSON.stringify([bridgeLog.lines, await live!.bridge.store.events(job.id), await live!.bridge.store.getJob(job.id), chat.inThread(thread)]);
    assert.ok(!everything.includes(TOKEN), 'the bridge never sees the token');
  });

  it('a push the remote refuses is said plainly in the thread, and the session stays as it was', async () => {
    const { repo, bare } = repoWithRemote();
    const hook = join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "GH006: Protected branch update failed." >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const { thread, final, job } = await start(repo);
    const before = (await live!.bridge.store.getJob(job.id))!;
    await chat.press(alice, final, button(final, 'Push branch'));
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Could not push the branch: /.test(p.message.text)), 'the refusal');
    const refusal = chat.inThread(thread).find((p) => /^Could not push/.test(p.message.text))!;
    assert.match(refusal.message.text, /^Could not push the branch: origin refused the push: dispatch\/\S+ is protected there\. Nothing was changed\. The remote said: .*GH006: Protected branch update failed\./);
    assert.equal(refusal.message.tone, 'error');
    const after = (await live!.bridge.store.getJob(job.id))!;
    assert.equal(after.state, before.state);
    assert.equal(after.result?.shipped, undefined);
    assert.equal(live!.runner.session(job.id)?.result?.shipped, undefined);
  });

  it('without a push remote there are no buttons, and "push it" gets a plain answer', async () => {
    const { repo } = repoWithRemote(false);
    const { thread, final } = await start(repo);
    assert.equal(RecordingTransport.latest(final).buttons, undefined);
    await chat.say(alice, 'push it', thread);
    assert.match(chat.inThread(thread).at(-1)!.message.text, /has no remote to push to/);
  });
});

describe('end to end through the real web chat: Open pull request links the PR back to the web thread', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let github: FakeGitHub;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await github?.stop();
    temp.cleanup();
  });

  it('a press in the web chat opens the draft pull request, and its body links the web thread', async () => {
    github = new FakeGitHub(TOKEN);
    await github.start();
    const root = temp.make();
    const repo = makeRepo(join(root, 'api'), { 'README.md': '# api\n' });
    const bare = join(root, 'remote.git');
    git(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    git(repo, ['remote', 'add', 'origin', bare]);
    git(repo, ['config', 'dispatch.forge', 'github:acme/api']);
    live = await startLiveBridge({
      repos: [{ name: 'api', path: repo }],
      web: true,
      pairedUsers: [{ platform: 'web', userId: 'local' }],
      agents: () => writer,
      shipEnv: { PATH: '/usr/bin:/bin', HOME: temp.make(), GITHUB_TOKEN: TOKEN, DISPATCH_GITHUB_API_URL: github.url },
    });
    const client = await ChatClient.open(live.bridge.url, await signIn(live.bridge.url, WEB_TOKEN));
    const seen: WebMessage[] = [];
    client.socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as WebServerFrame;
      if (frame.type === 'message' || frame.type === 'edit') seen.push(frame.message);
    });
    const until = async (test: (message: WebMessage) => boolean, what: string): Promise<WebMessage> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const found = seen.find(test);
        if (found) return found;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(seen.map((m) => m.title ?? m.text))}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    };
    try {
      client.send({ type: 'send', clientId: 'c1', text: 'open a Code session and write the release notes for 2.4' });
      const final = await until((m) => /^Session [0-9a-f]{8} completed/.test(m.title ?? ''), 'the final message');
      const press = final.buttons?.find((b) => b.label === 'Open pull request');
      assert.ok(press, 'the web chat shows the button');
      client.send({ type: 'press', messageId: final.id, value: press.value });
      const opened = await until((m) => /^Opened draft pull request #42/.test(m.title ?? ''), 'the pull request');
      assert.equal(opened.threadId, final.threadId);
      const body = (github.requests.find((r) => r.method === 'POST')!.body as { body: string }).body;
      assert.ok(body.includes(`${live.bridge.url}/?thread=${encodeURIComponent(final.threadId)}`), body);
      assert.match(body, /Dispatched from the web chat by `@/);
    } finally {
      await client.close();
    }
  });
});
