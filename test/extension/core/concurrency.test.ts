import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo } from '../../helpers/gitRepos.js';
import { Harness, job, latch, ScriptedAgent, waitForEnd } from './harness.js';

describe('concurrency', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('three sessions with a limit of 2: the third waits, says so, and all finish', async () => {
    const gate = latch();
    const started: string[] = [];
    const holder = new ScriptedAgent('holder', async function* (context) {
      started.push(context.sessionId);
      await gate.promise;
      writeFileSync(path.join(context.worktree, 'out.txt'), 'held\n'); // kept: it changed something
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'held and released' } };
    });
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const runner = h.runner({ repos: [{ name: 'r', path: repo }], maxSessions: 2, defaultAgent: 'holder' }, [holder]);
    const sessions = [];
    for (const task of ['one', 'two', 'three']) sessions.push(await runner.submit(job(task)));
    const [a, b, c] = sessions.map((s) => s.sessionId) as [string, string, string];

    for (let i = 0; i < 100 && started.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(started.sort(), [a, b].sort());
    assert.equal(runner.session(c)?.state, 'queued');
    const waiting = h.eventsOf(c).find((e) => e.kind === 'progress');
    assert.equal(waiting?.kind === 'progress' && waiting.text, 'waiting: 1 session ahead (limit 2)');

    gate.open();
    const ends = await Promise.all([a, b, c].map((id) => waitForEnd(runner, id)));
    assert.deepEqual(ends.map((s) => s.state), ['completed', 'completed', 'completed']);
    assert.equal(new Set(ends.map((s) => s.worktree)).size, 3, 'a worktree each');
  });

  it('serializes worktree creation per repository but runs different repositories in parallel', async () => {
    const base = h.temp.make();
    const repos = ['x', 'y'].map((name) => ({ name, path: makeRepo(path.join(base, name)) }));
    const quick = new ScriptedAgent('quick', async function* (context) {
      writeFileSync(path.join(context.worktree, 'out.txt'), 'ok\n'); // kept: it changed something
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'ok' } };
    });
    const runner = h.runner({ repos, maxSessions: 4, defaultAgent: 'quick' }, [quick]);
    const submitted = await Promise.all(
      ['x', 'x', 'y', 'y'].map((repo, i) => runner.submit(job(`same slug`, { repo, jobId: `aaaaaaaa-${i}` }))),
    );
    const ends = await Promise.all(submitted.map((s) => waitForEnd(runner, s.sessionId)));
    assert.deepEqual(ends.map((s) => s.state), ['completed', 'completed', 'completed', 'completed']);
    // Same short id and slug twice in one repository: the second gets a suffix instead of failing.
    const branches = ends.map((s) => s.branch);
    assert.equal(new Set(branches.slice(0, 2)).size, 2);
    assert.match(branches[1] ?? '', /^dispatch\/aaaaaaaa-same-slug(-2)?$/);
  });
});
