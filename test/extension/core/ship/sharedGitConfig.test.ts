import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DispatchError } from '../../../../shared/errors.js';
import { pushConfigChanges, steersPush } from '../../../../extension/core/ship/sharedGitConfig.js';
import { git, makeRepo, TempDirs } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { RecordingLogger } from '../../../helpers/recordingLogger.js';
import { RecordingTransport, type Posted } from '../../../helpers/recordingTransport.js';
import { Harness, job, ScriptedAgent, waitForEnd } from '../harness.js';

const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };
const requester = { platform: 'slack', name: 'alice' };
const SECRET = 'hunter2-session-secret-0123456789';

/** A user's repository with a bare `origin` that has `main`. */
function repoWithRemote(temp: TempDirs): { root: string; repo: string; bare: string } {
  const root = temp.make();
  const repo = makeRepo(path.join(root, 'api'), { 'README.md': '# api\n' });
  const bare = path.join(root, 'remote.git');
  git(root, ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  git(repo, ['remote', 'add', 'origin', bare]);
  git(repo, ['push', '--quiet', 'origin', 'main']);
  return { root, repo, bare };
}

/** An agent that commits a file and, from inside its worktree, runs the given git config commands. */
function configChanger(name: string, commands: string[][]): ScriptedAgent {
  return new ScriptedAgent(name, async function* (context) {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(context.worktree, 'NOTES.md'), '# notes\n');
    for (const args of commands) git(context.worktree, args);
    yield { kind: 'outcome', outcome: { status: 'completed', summary: 'Wrote NOTES.md.' } };
  });
}

const branchesOf = (bare: string) => git(bare, ['for-each-ref', '--format=%(refname)', 'refs/heads']).trim().split('\n').filter(Boolean);
const titled = (pattern: RegExp) => (posted: Posted) => pattern.test(RecordingTransport.latest(posted).title ?? '');

describe('a session must not change the shared .git/config before its push', function () {
  this.timeout(60_000);

  it('the settings that steer a push are the ones compared', () => {
    for (const key of ['remote.origin.url', 'remote.origin.pushurl', 'remote.pushdefault', 'url.https://evil.example/.insteadof', 'url.git@x:.pushinsteadof', 'core.hookspath', 'core.sshcommand', 'credential.helper', 'credential.https://github.com.helper', 'include.path', 'includeif.gitdir:~/x/.path']) {
      assert.ok(steersPush(key), key);
    }
    for (const key of ['user.email', 'core.autocrlf', 'branch.main.merge', 'dispatch.forge', 'url.https://x/.other']) assert.ok(!steersPush(key), key);
    assert.deepEqual(pushConfigChanges({ 'remote.origin.url': 'a', 'core.hookspath': 'b' }, { 'remote.origin.url': 'c', 'url.https://u:tok@evil.example/.insteadof': 'd' }), [
      'removed core.hookspath',
      'changed remote.origin.url',
      'added url.https://evil.example/.insteadof',
    ]);
  });

  describe('in the chat thread', () => {
    const temp = new TempDirs();
    let live: LiveBridge | undefined;
    afterEach(async () => {
      await live?.stop();
      live = undefined;
      temp.cleanup();
    });

    it('a session that added url.https://evil.example/.insteadOf: Push branch is refused, the thread names the key, nothing is pushed or put back', async () => {
      const { repo, bare } = repoWithRemote(temp);
      const chat = new RecordingTransport('slack');
      const evil = configChanger('evil', [['config', 'url.https://evil.example/.insteadOf', bare]]);
      live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice], agents: () => evil, shipEnv: { PATH: '/usr/bin:/bin', HOME: temp.make() } });
      const thread = await chat.say(alice, 'open a Code session and write the notes');
      await chat.waitFor(() => chat.inThread(thread).some(titled(/^Session [0-9a-f]{8} completed/)), 'the final message');
      const final = chat.inThread(thread).find(titled(/^Session [0-9a-f]{8} completed/))!;
      const push = RecordingTransport.latest(final).buttons?.find((b) => b.label === 'Push branch')?.value ?? assert.fail('no Push branch button');

      await chat.press(alice, final, push);
      await chat.waitFor(() => chat.inThread(thread).some((p) => /^Could not push the branch: /.test(p.message.text)), 'the refusal');
      const refusal = chat.inThread(thread).find((p) => /^Could not push/.test(p.message.text))!.message.text;
      assert.match(refusal, /Not pushed: since session [0-9a-f]{8} started, the repository's git config \(shared by every worktree\) changed where a push goes or what runs during it — added url\.https:\/\/evil\.example\/\.insteadof\. Dispatch changed nothing back\./);
      assert.ok(!refusal.includes(bare), 'the value is not shown');
      assert.deepEqual(branchesOf(bare), ['refs/heads/main'], 'nothing pushed');
      assert.equal(git(repo, ['config', '--get', 'url.https://evil.example/.insteadOf']).trim(), bare, 'the setting is left for the user to see');
      assert.equal(live.runner.sessions()[0]!.result?.shipped, undefined);
    });
  });

  describe('on the runner', () => {
    const h = new Harness();
    afterEach(() => h.cleanup());

    async function finished(repo: string, agent: ScriptedAgent, logger = new RecordingLogger()) {
      const home = h.temp.make('dispatch-home-');
      const runner = h.runner({ home, repos: [{ name: 'api', path: repo }], defaultAgent: agent.name, shipEnv: { PATH: '/usr/bin:/bin', HOME: h.temp.make() }, logger }, [agent]);
      const snapshot = await runner.submit(job('write the notes'));
      const ended = await waitForEnd(runner, snapshot.sessionId);
      assert.equal(ended.state, 'completed');
      return { runner, home, sessionId: snapshot.sessionId, logger };
    }

    it('a redirect to another repository on disk lands nothing there, and the refusal lists every changed key', async () => {
      const { root, repo, bare } = repoWithRemote(h.temp);
      const elsewhere = path.join(root, 'elsewhere.git');
      git(root, ['init', '--quiet', '--bare', '--initial-branch=main', elsewhere]);
      const agent = configChanger('redirector', [
        ['config', `url.${elsewhere}.insteadOf`, bare],
        ['config', 'credential.helper', `!echo password=${SECRET}`],
        ['config', 'extensions.worktreeConfig', 'true'],
        ['config', '--worktree', 'core.hooksPath', '.hooks'],
      ]);
      const { runner, home, sessionId, logger } = await finished(repo, agent);
      await assert.rejects(runner.ship(sessionId, { action: 'push', draft: false, requester }), (error: DispatchError) => {
        assert.equal(error.code, 'forbidden');
        for (const key of ['added core.hookspath', 'added credential.helper', 'added extensions.worktreeconfig', `added url.${elsewhere}.insteadof`]) {
          assert.ok(error.message.includes(key), `${key} in: ${error.message}`);
        }
        return true;
      });
      assert.deepEqual(branchesOf(elsewhere), [], 'nothing reached the other repository');
      assert.deepEqual(branchesOf(bare), ['refs/heads/main']);
      const journal = path.join(home, 'journal', 'sessions');
      const written = JSON.stringify([logger.lines, h.events, readdirSync(journal).map((name) => readFileSync(path.join(journal, name), 'utf8'))]);
      assert.ok(!written.includes(SECRET), 'no setting value in the journal, events or log');
      assert.ok(logger.lines.some((line) => line.message === 'refused a push: the shared git config changed during the session'));
    });

    it('a session that changed settings which do not steer a push (user.email) still pushes', async () => {
      const { repo, bare } = repoWithRemote(h.temp);
      const { runner, sessionId } = await finished(repo, configChanger('polite', [['config', 'user.email', 'bot@example.com']]));
      const outcome = await runner.ship(sessionId, { action: 'push', draft: false, requester });
      assert.deepEqual(branchesOf(bare).sort(), [`refs/heads/${outcome.shipped.branch}`, 'refs/heads/main'].sort());
    });
  });
});
