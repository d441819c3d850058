import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Runner } from '../../../extension/core/runner.js';
import { createAgentFactory } from '../../../extension/core/agents/registry.js';
import { git, hashCheckout, makeRepo } from '../../helpers/gitRepos.js';
import { Harness, job, ScriptedAgent, waitForEnd } from './harness.js';

// It leaves a file, so its branch is kept (an unchanged session leaves nothing behind).
const quick = new ScriptedAgent('quick', async function* (context) {
  writeFileSync(path.join(context.worktree, 'out.txt'), 'ok\n');
  yield { kind: 'outcome', outcome: { status: 'completed', summary: 'ok' } };
});

describe('bad input: a clear error and nothing else changed', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  /** Asserts the runner made no session, no worktree and no journal entry. */
  function assertNothingCreated(runner: Runner, home: string) {
    assert.deepEqual(runner.sessions(), []);
    assert.deepEqual(runner.unacknowledged(), []);
    assert.ok(!existsSync(path.join(home, 'worktrees')) || readdirSync(path.join(home, 'worktrees')).length === 0);
    const journal = path.join(home, 'journal', 'sessions');
    assert.ok(!existsSync(journal) || readdirSync(journal).length === 0);
  }

  it('a path that is not a git repository', async () => {
    const home = h.temp.make();
    const plain = h.temp.make('not-a-repo-');
    const runner = h.runner({ home, repos: [{ name: 'plain', path: plain }] });
    await assert.rejects(runner.submit(job('run the tests')), { code: 'not_a_repository', message: /is not a git repository/ });
    await assert.rejects(
      h.runner({ home: h.temp.make(), repos: [{ name: 'gone', path: path.join(plain, 'missing') }] }).submit(job('run the tests')),
      { code: 'not_a_repository', message: /does not exist/ },
    );
    assertNothingCreated(runner, home);
    assert.deepEqual(readdirSync(plain), []);
  });

  it('a repository with no commits', async () => {
    const home = h.temp.make();
    const empty = makeRepo(path.join(h.temp.make(), 'empty'), {}, false);
    const before = hashCheckout(empty);
    const runner = h.runner({ home, repos: [{ name: 'empty', path: empty }] });
    await assert.rejects(runner.submit(job('run the tests')), { code: 'empty_repository', message: /has no commits yet/ });
    assertNothingCreated(runner, home);
    assert.equal(hashCheckout(empty), before);
  });

  it('a task of 100 KB', async () => {
    const home = h.temp.make();
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const runner = h.runner({ home, repos: [{ name: 'r', path: repo }] });
    await assert.rejects(runner.submit(job('x'.repeat(100_000))), {
      code: 'bad_input',
      message: 'The task is 100,000 characters long; the limit is 20,000.',
    });
    await assert.rejects(runner.submit(job('   ')), { code: 'bad_input', message: 'The task is empty.' });
    assertNothingCreated(runner, home);
  });

  it('a repository name that is not configured lists the known ones', async () => {
    const home = h.temp.make();
    const base = h.temp.make();
    const runner = h.runner({
      home,
      repos: [
        { name: 'backend', path: makeRepo(path.join(base, 'b')) },
        { name: 'web', path: makeRepo(path.join(base, 'w')) },
      ],
    });
    await assert.rejects(runner.submit(job('run the tests', { repo: 'mobile' })), {
      code: 'not_found',
      message: 'Unknown repository "mobile". Known repositories: backend, web.',
    });
    await assert.rejects(runner.submit(job('run the tests', { agent: 'gpt' })), { code: 'not_found', message: /Unknown agent "gpt"/ });
    assertNothingCreated(runner, home);
  });

  it('branch-name injection in the task and the repository name is sanitized', async () => {
    const base = h.temp.make();
    const repo = makeRepo(path.join(base, 'r'));
    const before = hashCheckout(repo);
    const home = h.temp.make();
    const runner = h.runner({ home, repos: [{ name: '../../etc', path: repo }], defaultAgent: 'quick' }, [quick]);
    const tasks = ['--upload-pack=x', '../../etc/passwd', '-c core.pager=evil\nsecond line', '\u0007\u001b[31m;rm -rf /'];
    const snapshots = await Promise.all(tasks.map((task, i) => runner.submit(job(task, { jobId: `--upload-pack=${i}` }))));
    const ends = await Promise.all(snapshots.map((s) => waitForEnd(runner, s.sessionId)));
    for (const end of ends) {
      assert.equal(end.state, 'completed');
      assert.match(end.branch ?? '', /^dispatch\/[a-z0-9]{4,8}-[a-z0-9-]{1,40}(-\d+)?$/);
      assert.ok(!end.branch?.includes('..'));
      assert.equal(path.dirname(path.dirname(end.worktree ?? '')), path.join(home, 'worktrees'), 'worktrees stay under the home');
    }
    assert.deepEqual(
      // Same sanitized short id four times: later ones get a numeric suffix.
      ends.map((e) => e.branch?.replace(/^dispatch\/[a-z0-9]+-/, '').replace(/-\d$/, '')),
      ['upload-pack-x', 'etc-passwd', 'c-core-pager-evil', '31m-rm-rf'],
    );
    assert.deepEqual(readdirSync(path.join(home, 'worktrees')), ['etc']);
    assert.equal(hashCheckout(repo), before);
    assert.ok(!existsSync(path.join(base, 'etc')));
    // Git still reads the branch list fine: every name is a plain ref.
    assert.equal(git(repo, ['branch', '--list', 'dispatch/*']).trim().split('\n').length, 4);
  });

  it('a base branch that looks like an option is refused when the runner is configured', () => {
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    for (const base of ['--upload-pack=x', '../../etc', 'main..other']) {
      assert.throws(
        () => new Runner({ home: h.temp.make(), repos: [{ name: 'r', path: repo, base }], agents: createAgentFactory() }),
        { code: 'bad_config', message: /is not a plain branch name/ },
      );
    }
  });
});
