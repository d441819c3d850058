import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentContext } from '../../../extension/core/agents/agent.js';
import { git, makeRepo, writeFiles } from '../../helpers/gitRepos.js';
import { dispatch } from './cliIo.js';
import { Harness, job, ScriptedAgent, waitForEnd } from './harness.js';
import { waitForReadyPool } from './warmPool.js';

interface Seen {
  worktree: string;
  branch: string;
  head: string;
  marker: boolean;
  /** `git worktree list --porcelain` as the session saw it. */
  listed: string;
}

/** An agent that notes where it was started: folder, branch, HEAD, and whether the pool's marker file is there. */
function observer(seen: Seen[]): ScriptedAgent {
  return new ScriptedAgent('observer', async function* (context: AgentContext) {
    seen.push({
      worktree: context.worktree,
      branch: git(context.worktree, ['rev-parse', '--abbrev-ref', 'HEAD']).trim(),
      head: git(context.worktree, ['rev-parse', 'HEAD']).trim(),
      marker: existsSync(path.join(context.worktree, 'warm.log')),
      listed: git(context.worktree, ['worktree', 'list', '--porcelain']),
    });
    yield { kind: 'outcome', outcome: { status: 'completed', summary: 'looked around', commitChanges: false } };
  });
}

function branches(repo: string): string[] {
  return git(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/heads/']).trim().split('\n');
}

describe('warm worktree pool', function () {
  this.timeout(60_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  /** A repository (ignoring *.log) and a runner with a pool of one, its entry ready and marked with an ignored file. */
  async function pooled() {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), { 'README.md': '# app\n', '.gitignore': '*.log\n', 'src/app/main.ts': 'export {};\n' });
    const home = h.temp.make('dispatch-home-');
    const seen: Seen[] = [];
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }], worktreePool: 1, warmPoolDelayMs: 0, defaultAgent: 'observer' }, [observer(seen)]);
    await runner.start();
    const entry = await waitForReadyPool(home);
    // An ignored file: the entry stays clean, and a session that finds it was given this entry.
    writeFileSync(path.join(entry.worktree, 'warm.log'), 'built by the pool\n');
    return { repo, home, runner, entry, seen };
  }

  it('a new session takes the ready worktree: moved to its own folder, branch renamed to dispatch/<id>-<slug>, HEAD at the base', async () => {
    const { repo, home, runner, entry, seen } = await pooled();
    const base = git(repo, ['rev-parse', 'HEAD']).trim();
    const { sessionId } = await runner.submit(job('look around please'));
    const end = await waitForEnd(runner, sessionId);
    assert.equal(end.state, 'completed', end.result?.summary);
    const [started] = seen;
    assert.equal(started?.marker, true, 'the session got the pool entry');
    assert.equal(started?.head, base);
    assert.match(started?.branch ?? '', /^dispatch\/[a-z0-9]{4,8}-look-around-please$/);
    assert.equal(started?.worktree, path.join(home, 'worktrees', 'app', started?.branch.slice('dispatch/'.length).split('-')[0] ?? ''));
    assert.equal(existsSync(entry.worktree), false, 'the entry folder moved');
    assert.ok(!branches(repo).includes(entry.branch), 'the pool branch was renamed');
    // git knew the worktree at its new place (the move rewrote its pointer back) …
    assert.ok(started?.listed.includes(`worktree ${started.worktree}\nHEAD ${base}\nbranch refs/heads/${started.branch}\n`), started?.listed);
    // … and so removed it there after the turn, as it changed nothing.
    assert.equal(existsSync(started?.worktree ?? ''), false);
    assert.ok(!branches(repo).includes(started?.branch ?? ''));
    // Idle again: the pool is topped up with a new entry at the base.
    const next = await waitForReadyPool(home);
    assert.notEqual(next.worktree, entry.worktree);
    assert.equal(next.baseCommit, base);
  });

  it('an entry whose base moved is thrown away, never used: the session starts at the new commit', async () => {
    const { repo, runner, entry, seen } = await pooled();
    writeFileSync(path.join(repo, 'CHANGELOG.md'), 'moved on\n');
    git(repo, ['add', 'CHANGELOG.md']);
    git(repo, ['commit', '--quiet', '-m', 'move the base']);
    const moved = git(repo, ['rev-parse', 'HEAD']).trim();
    const { sessionId } = await runner.submit(job('look around please'));
    assert.equal((await waitForEnd(runner, sessionId)).state, 'completed');
    assert.equal(seen[0]?.head, moved);
    assert.equal(seen[0]?.marker, false, 'not the stale entry');
    // The refill after the session throws the old entry away and builds one at the new base.
    const deadline = Date.now() + 20_000;
    while ((existsSync(entry.worktree) || branches(repo).includes(entry.branch)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal(existsSync(entry.worktree), false, 'the moved entry is removed');
    assert.ok(!branches(repo).includes(entry.branch), 'and its branch deleted');
  });

  it('a dirty entry is thrown away, never used', async () => {
    const { repo, runner, entry, seen } = await pooled();
    writeFileSync(path.join(entry.worktree, 'README.md'), '# changed behind the pool’s back\n');
    const { sessionId } = await runner.submit(job('look around please'));
    assert.equal((await waitForEnd(runner, sessionId)).state, 'completed');
    assert.equal(seen[0]?.marker, false);
    assert.equal(existsSync(entry.worktree), false);
    assert.ok(!branches(repo).includes(entry.branch));
  });

  it('an entry with a new file deep inside, or a commit of its own, is thrown away, never used', async () => {
    const { repo, home, runner, entry, seen } = await pooled();
    writeFiles(entry.worktree, { 'src/app/notes.md': 'left here by hand\n' });
    const first = await runner.submit(job('look around please'));
    assert.equal((await waitForEnd(runner, first.sessionId)).state, 'completed');
    assert.equal(seen[0]?.marker, false, 'not the entry with an untracked file');
    assert.equal(existsSync(entry.worktree), false);

    // A commit changes no file in the tree, only HEAD.
    const next = await waitForReadyPool(home);
    git(next.worktree, ['commit', '--quiet', '--allow-empty', '-m', 'behind the pool’s back']);
    const second = await runner.submit(job('look around please'));
    assert.equal((await waitForEnd(runner, second.sessionId)).state, 'completed');
    assert.equal(seen[1]?.head, git(repo, ['rev-parse', 'HEAD']).trim(), 'the session starts at the base');
    assert.notEqual(seen[1]?.worktree, undefined);
    assert.equal(existsSync(next.worktree), false, 'the entry with a commit is thrown away');
  });

  it('`dispatch runner prune` removes the warm worktrees and says so; a pool of 0 builds none', async () => {
    const { repo, home, runner, entry } = await pooled();
    await runner.stop();
    const pruned = await dispatch(['runner', 'prune'], { DISPATCH_HOME: home, DISPATCH_REPOS: `app=${repo}`, PATH: process.env.PATH }, repo);
    assert.equal(pruned.code, 0, pruned.stderr);
    assert.match(pruned.stdout, new RegExp(`removed warm worktree ${entry.worktree.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(pruned.stdout, /0 dependency cache items and 1 warm worktree removed\./);
    assert.equal(existsSync(entry.worktree), false);
    assert.deepEqual(branches(repo), ['main']);

    const offHome = h.temp.make('dispatch-home-');
    const off = h.runner({ home: offHome, repos: [{ name: 'app', path: repo }], worktreePool: 0 });
    await off.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(branches(repo), ['main']);
    assert.equal(existsSync(path.join(offHome, 'worktrees', '.pool')), false);
  });
});
