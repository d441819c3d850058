import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DispatchError } from '../../../../shared/errors.js';
import type { Runner } from '../../../../extension/core/runner.js';
import { FakeGitHub } from '../../../helpers/fakeGitHub.js';
import { git, hashCheckout, makeRepo } from '../../../helpers/gitRepos.js';
import { RecordingLogger } from '../../../helpers/recordingLogger.js';
import { Harness, job, ScriptedAgent, waitForEnd, waitForEvent } from '../harness.js';

const TOKEN = 'ghp_fakeTokenForTests0123456789abcdefABCD';
const alice = { platform: 'slack', name: 'alice' };
const THREAD = 'https://slack.com/archives/C123/p1700000000000100';

const writer = new ScriptedAgent('writer', async function* (context) {
  writeFileSync(path.join(context.worktree, 'notes.md'), '# Notes\n\nAdded by the session.\n');
  yield { kind: 'outcome', outcome: { status: 'completed', summary: 'Added notes.md with the release notes.' } };
});

describe('shipping a session: push its dispatch/* branch and open its pull request from the machine', function () {
  this.timeout(30_000);
  const h = new Harness();
  let github: FakeGitHub;
  let logger: RecordingLogger;

  beforeEach(async () => {
    github = new FakeGitHub(TOKEN);
    await github.start();
    logger = new RecordingLogger();
  });
  afterEach(async () => {
    await h.cleanup();
    await github.stop();
  });

  /** A user's repository with a bare repository as its `origin`, which has `main`. */
  function repoWithRemote(options: { remote?: boolean; forge?: boolean } = {}) {
    const root = h.temp.make();
    const repo = makeRepo(path.join(root, 'api'), { 'README.md': '# api\n' });
    const bare = path.join(root, 'remote.git');
    git(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
    if (options.remote !== false) {
      git(repo, ['remote', 'add', 'origin', bare]);
      git(repo, ['push', '--quiet', 'origin', 'main']);
    }
    if (options.forge !== false) git(repo, ['config', 'dispatch.forge', 'github:acme/api']);
    return { root, repo, bare };
  }

  function shipEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { PATH: '/usr/bin:/bin', HOME: h.temp.make('dispatch-ship-home-'), DISPATCH_GITHUB_API_URL: github.url, ...extra };
  }

  let home: string;
  async function finishedSession(repo: string, env: Record<string, string>, task = 'Write release notes for 2.4\n\nFrom the commits since 2.3.') {
    home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'api', path: repo }], defaultAgent: 'writer', shipEnv: env, logger }, [writer]);
    const snapshot = await runner.submit(job(task));
    const ended = await waitForEnd(runner, snapshot.sessionId);
    assert.equal(ended.state, 'completed');
    return { runner, sessionId: snapshot.sessionId, branch: ended.result!.branch };
  }

  const branches = (bare: string) => git(bare, ['for-each-ref', '--format=%(refname)', 'refs/heads']).trim().split('\n').filter(Boolean).sort();
  const tip = (bare: string, ref: string) => git(bare, ['rev-parse', ref]).trim();

  /** Every event, log line and journal file the runner wrote, as one text. */
  function everythingWritten(runner: Runner, home: string): string {
    const journal = path.join(home, 'journal', 'sessions');
    const files = readdirSync(journal).map((name) => readFileSync(path.join(journal, name), 'utf8'));
    const logs = readdirSync(path.join(home, 'logs')).map((name) => readFileSync(path.join(home, 'logs', name), 'utf8'));
    return JSON.stringify([h.events, logger.lines, runner.sessions(), files, logs]);
  }

  it('the result says the branch has commits and a push remote, so the chat can offer the buttons', async () => {
    const { repo } = repoWithRemote();
    const { runner, sessionId } = await finishedSession(repo, shipEnv());
    assert.deepEqual(runner.session(sessionId)?.result?.ship, { commits: 1, remote: 'origin' });
  });

  it('opens a draft pull request: only the dispatch/* branch lands on the remote, the checkout is untouched, the token stays out of every log and event', async () => {
    const { repo, bare } = repoWithRemote();
    const mainBefore = tip(bare, 'refs/heads/main');
    const { runner, sessionId, branch } = await finishedSession(repo, shipEnv({ GITHUB_TOKEN: TOKEN }));
    const checkout = hashCheckout(repo);

    const outcome = await runner.ship(sessionId, { action: 'pr', draft: true, threadUrl: THREAD, requester: alice });

    assert.match(branch, /^dispatch\//);
    assert.deepEqual(branches(bare), ['refs/heads/dispatch/' + branch.slice('dispatch/'.length), 'refs/heads/main'].sort());
    assert.equal(tip(bare, `refs/heads/${branch}`), git(repo, ['rev-parse', `refs/heads/${branch}`]).trim());
    assert.equal(tip(bare, 'refs/heads/main'), mainBefore, 'main on the remote is unchanged');
    assert.equal(hashCheckout(repo), checkout, "the user's checkout is untouched");

    assert.equal(outcome.notice, undefined);
    assert.deepEqual(outcome.shipped.pullRequest, { number: 42, url: 'https://github.com/acme/api/pull/42', draft: true, existing: false });
    const post = github.requests.find((request) => request.method === 'POST')!;
    assert.equal(post.authorization, `token ${TOKEN}`);
    assert.equal(post.path, '/repos/acme/api/pulls');
    const sent = post.body as { head: string; base: string; title: string; body: string; draft: boolean };
    assert.equal(sent.head, branch);
    assert.equal(sent.base, 'main', "the repository's default branch, asked of the API");
    assert.equal(sent.title, 'Write release notes for 2.4');
    assert.equal(sent.draft, true);
    assert.match(sent.body, /Added notes\.md with the release notes\./);
    assert.match(sent.body, /No tests were run/);
    assert.match(sent.body, /notes\.md \| 3 \+\+\+/);
    assert.match(sent.body, /Agent: writer/);
    assert.match(sent.body, /Dispatched from Slack by `@alice`\./);
    assert.ok(sent.body.includes(THREAD), 'links back to the chat thread');

    const kept = runner.session(sessionId)?.result?.shipped;
    assert.equal(kept?.pullRequest?.number, 42, 'the session keeps the pull request');
    assert.equal(kept?.by, 'alice');
    const written = everythingWritten(runner, home);
    assert.ok(!written.includes(TOKEN), 'no token in any event, log line or journal file');
  });

  it('the session keeps its pull request across a follow-up', async () => {
    const { repo } = repoWithRemote();
    const { runner, sessionId } = await finishedSession(repo, shipEnv({ GITHUB_TOKEN: TOKEN }));
    await runner.ship(sessionId, { action: 'pr', draft: true, requester: alice });
    const shippedAt = runner.session(sessionId)!.lastSeq;
    await runner.followUp(sessionId, 'also mention the faster builds');
    await waitForEvent(runner, (event) => event.sessionId === sessionId && event.seq > shippedAt && event.kind === 'state' && event.state === 'completed');
    const again = runner.session(sessionId)!;
    assert.equal(again.result?.shipped?.pullRequest?.number, 42);
    assert.deepEqual(again.result?.ship, { commits: 1, remote: 'origin' }, 'still offered: a push after a follow-up updates the pull request');
  });

  it('a second request links the pull request that is already open (GitHub answers 422)', async () => {
    const { repo } = repoWithRemote();
    const { runner, sessionId } = await finishedSession(repo, shipEnv({ GH_TOKEN: TOKEN }));
    const first = await runner.ship(sessionId, { action: 'pr', draft: true, requester: alice });
    const second = await runner.ship(sessionId, { action: 'pr', draft: false, requester: alice });
    assert.equal(github.pulls.length, 1);
    assert.deepEqual(second.shipped.pullRequest, { ...first.shipped.pullRequest!, existing: true });
    assert.ok(github.requests.some((request) => request.method === 'GET' && request.path.includes(`head=${encodeURIComponent(`acme:${first.shipped.branch}`)}`)), 'looked it up by head');
  });

  it('an API refusal (403) leaves the branch pushed and says what to do, with the compare link', async () => {
    github.forbid = true;
    const { repo, bare } = repoWithRemote();
    const { runner, sessionId, branch } = await finishedSession(repo, shipEnv({ GITHUB_TOKEN: TOKEN }));
    const outcome = await runner.ship(sessionId, { action: 'pr', draft: true, requester: alice });
    assert.equal(outcome.shipped.pullRequest, undefined);
    assert.match(outcome.notice ?? '', /GitHub did not open the pull request \(HTTP 403\): Resource not accessible by personal access token/);
    assert.match(outcome.notice ?? '', /pull requests: write/);
    assert.equal(outcome.shipped.compareUrl, `https://github.com/acme/api/compare/${branch}?expand=1`);
    assert.ok(branches(bare).includes(`refs/heads/${branch}`));
    assert.ok(!JSON.stringify([h.events, logger.lines]).includes(TOKEN));
  });

  it('a forge error that repeats the token reaches neither the thread nor a log', async () => {
    github.forbid = true;
    github.forbidMessage = 'Proxy refused request with $AUTHORIZATION';
    const { repo } = repoWithRemote();
    const { runner, sessionId } = await finishedSession(repo, shipEnv({ GITHUB_TOKEN: TOKEN }));
    const outcome = await runner.ship(sessionId, { action: 'pr', draft: true, requester: alice });
    assert.match(outcome.notice ?? '', /Proxy refused request with token \[secret\]/);
    assert.ok(!JSON.stringify([outcome, h.events, logger.lines, runner.sessions()]).includes(TOKEN));
  });

  it('without a token the branch is still pushed and the chat gets the compare link', async () => {
    const { repo, bare } = repoWithRemote();
    const { runner, sessionId, branch } = await finishedSession(repo, shipEnv());
    const outcome = await runner.ship(sessionId, { action: 'pr', draft: true, requester: alice });
    assert.ok(branches(bare).includes(`refs/heads/${branch}`));
    assert.equal(github.requests.length, 0, 'no API call without a token');
    assert.match(outcome.notice ?? '', /no GitHub token on this machine \(GITHUB_TOKEN or GH_TOKEN/);
    assert.ok(outcome.notice?.includes(`https://github.com/acme/api/compare/${branch}?expand=1`), outcome.notice);
  });

  it('Push branch pushes and opens nothing', async () => {
    const { repo, bare } = repoWithRemote();
    const { runner, sessionId, branch } = await finishedSession(repo, shipEnv({ GITHUB_TOKEN: TOKEN }));
    const outcome = await runner.ship(sessionId, { action: 'push', draft: true, requester: alice });
    assert.ok(branches(bare).includes(`refs/heads/${branch}`));
    assert.equal(outcome.shipped.pullRequest, undefined);
    assert.equal(github.requests.length, 0);
  });

  it('no remote: a plain message, nothing pushed, the session as it was', async () => {
    const { repo } = repoWithRemote({ remote: false });
    const { runner, sessionId } = await finishedSession(repo, shipEnv({ GITHUB_TOKEN: TOKEN }));
    assert.deepEqual(runner.session(sessionId)?.result?.ship, { commits: 1 }, 'no remote in the readiness');
    const before = runner.session(sessionId);
    await assert.rejects(runner.ship(sessionId, { action: 'pr', draft: true, requester: alice }), (error: DispatchError) => /api has no remote to push to/.test(error.message));
    assert.deepEqual(runner.session(sessionId), before);
  });

  it('a remote branch with commits the session lacks is refused, never forced', async () => {
    const { root, repo, bare } = repoWithRemote();
    const { runner, sessionId, branch } = await finishedSession(repo, shipEnv());
    // Someone else pushed to the same branch name meanwhile.
    const other = path.join(root, 'other');
    git(root, ['clone', '--quiet', bare, other]);
    writeFileSync(path.join(other, 'theirs.txt'), 'theirs\n');
    git(other, ['add', '--all']);
    git(other, ['commit', '--quiet', '-m', 'theirs']);
    git(other, ['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`]);
    const theirs = tip(bare, `refs/heads/${branch}`);
    const before = runner.session(sessionId);
    await assert.rejects(runner.ship(sessionId, { action: 'push', draft: true, requester: alice }), (error: DispatchError) => error.code === 'conflict' && /not a fast-forward\). Dispatch never force-pushes/.test(error.message));
    assert.equal(tip(bare, `refs/heads/${branch}`), theirs, 'their commit stays');
    assert.deepEqual(runner.session(sessionId), before);
  });

  for (const [kind, said, expected] of [
    ['protected', 'GH006: Protected branch update failed for refs/heads/dispatch.', /is protected there/],
    ['no permission', 'Permission to acme/api.git denied to alice.', /no permission to push there/],
  ] as const) {
    it(`a push the remote rejects (${kind}) gets a plain message and changes nothing`, async () => {
      const { repo, bare } = repoWithRemote();
      const hook = path.join(bare, 'hooks', 'pre-receive');
      writeFileSync(hook, `#!/bin/sh\necho "${said}" >&2\nexit 1\n`);
      chmodSync(hook, 0o755);
      const { runner, sessionId } = await finishedSession(repo, shipEnv({ GITHUB_TOKEN: TOKEN }));
      await assert.rejects(runner.ship(sessionId, { action: 'pr', draft: true, requester: alice }), (error: DispatchError) => expected.test(error.message) && error.message.includes(said));
      assert.deepEqual(branches(bare), ['refs/heads/main']);
      assert.equal(github.requests.length, 0, 'no pull request for a branch that is not there');
    });
  }
});
