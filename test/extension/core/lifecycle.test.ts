import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../../extension/core/processTree.js';
import { git, makeRepo } from '../../helpers/gitRepos.js';
import { FakeClock, Harness, job, latch, MINUTE, ScriptedAgent, waitForEnd, waitForEvent } from './harness.js';

// It changes a file, so its worktree and branch are kept (an unchanged session leaves nothing behind).
const quick = new ScriptedAgent('quick', async function* (context) {
  writeFileSync(path.join(context.worktree, 'note.txt'), 'done\n');
  yield { kind: 'progress', text: 'working' };
  yield { kind: 'outcome', outcome: { status: 'completed', summary: 'done' } };
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A killed orphan may linger as a zombie until init reaps it: that is dead too.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const start = Date.now(); !condition(); ) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('session lifecycle', function () {
  this.timeout(30_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('emits numbered events in order: queued … workspace … result, then the final state', async () => {
    const runner = h.runner({ repos: [{ name: 'r', path: makeRepo(path.join(h.temp.make(), 'r')) }], defaultAgent: 'quick' }, [quick]);
    const { sessionId } = await runner.submit(job('do it'));
    await waitForEnd(runner, sessionId);
    const events = h.eventsOf(sessionId);
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
    assert.deepEqual(
      events.map((e) => (e.kind === 'state' ? e.state : e.kind)),
      ['queued', 'preparing', 'workspace', 'running', 'progress', 'result', 'completed'],
    );
    const workspace = events[2];
    assert.equal(workspace?.kind === 'workspace' && existsSync(workspace.worktree), true, 'workspace is emitted once the worktree exists');
  });

  it('journals every event before any listener hears of it', async () => {
    const home = h.temp.make();
    const runner = h.runner({ home, repos: [{ name: 'r', path: makeRepo(path.join(h.temp.make(), 'r')) }], defaultAgent: 'quick' }, [quick]);
    const unjournaled: number[] = [];
    runner.onEvent((event) => {
      const dir = path.join(home, 'journal', 'sessions');
      const records = readdirSync(dir).map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { snapshot: { lastSeq: number } });
      if (!records.some((record) => record.snapshot.lastSeq === event.seq)) unjournaled.push(event.seq);
    });
    const { sessionId } = await runner.submit(job('do it'));
    await waitForEnd(runner, sessionId);
    assert.deepEqual(unjournaled, []);
  });

  it('a second submit of the same job id returns the same session and runs nothing twice', async () => {
    let runs = 0;
    const counting = new ScriptedAgent('counting', async function* () {
      runs += 1;
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'counted' } };
    });
    const runner = h.runner({ repos: [{ name: 'r', path: makeRepo(path.join(h.temp.make(), 'r')) }], defaultAgent: 'counting' }, [counting]);
    const spec = job('count');
    const [a, b] = await Promise.all([runner.submit(spec), runner.submit(spec)]);
    assert.equal(a.sessionId, b.sessionId);
    await waitForEnd(runner, a.sessionId);
    const again = await runner.submit(spec);
    assert.equal(again.state, 'completed');
    assert.equal(runs, 1);
    assert.equal(runner.sessions().length, 1);
  });

  it('cancel kills the agent process tree promptly and keeps the worktree and branch', async () => {
    const pidFile = path.join(h.temp.make(), 'pids');
    const spawner = new ScriptedAgent('spawner', async function* (context) {
      const script = `const { spawn } = require('node:child_process');
        const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + ' ' + child.pid);
        setInterval(() => {}, 1000);`;
      yield { kind: 'progress', text: 'starting a long process' };
      await runProcess([process.execPath, '-e', script], { cwd: context.worktree, signal: context.signal });
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'should not get here' } };
    });
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const runner = h.runner({ repos: [{ name: 'r', path: repo }], defaultAgent: 'spawner' }, [spawner]);
    const { sessionId } = await runner.submit(job('spawn forever'));
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').includes(' '));
    const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
    assert.ok(pids.every(alive));

    const started = Date.now();
    await runner.cancel(sessionId);
    assert.ok(Date.now() - started < 1_000, `cancel returned after ${Date.now() - started} ms`);
    const snapshot = runner.session(sessionId);
    assert.equal(snapshot?.state, 'cancelled');
    await until(() => !pids.some(alive), 3_000);
    assert.ok(existsSync(snapshot?.worktree ?? ''), 'worktree kept');
    assert.ok(git(repo, ['branch', '--list', snapshot?.branch ?? '']).includes(snapshot?.branch ?? '?'), 'branch kept');
    assert.equal(snapshot?.result?.summary, 'Cancelled. The worktree and branch are kept.');
    const kinds = h.eventsOf(sessionId).map((e) => (e.kind === 'state' ? e.state : e.kind));
    assert.deepEqual(kinds.slice(-2), ['result', 'cancelled']);
  });

  it('a queued session can be cancelled before it starts', async () => {
    const gate = latch();
    const holder = new ScriptedAgent('holder', async function* (context) {
      await gate.promise;
      writeFileSync(path.join(context.worktree, 'held.txt'), 'held\n');
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'held' } };
    });
    const runner = h.runner({ repos: [{ name: 'r', path: makeRepo(path.join(h.temp.make(), 'r')) }], maxSessions: 1, defaultAgent: 'holder' }, [holder]);
    const first = await runner.submit(job('first'));
    const second = await runner.submit(job('second'));
    await runner.cancel(second.sessionId);
    assert.equal(runner.session(second.sessionId)?.state, 'cancelled');
    gate.open();
    assert.equal((await waitForEnd(runner, first.sessionId)).state, 'completed');
    assert.equal(runner.session(second.sessionId)?.worktree, undefined, 'never started');
  });

  it('a follow-up continues the same session in the same worktree and conversation', async () => {
    const seen: { task: string; conversationId?: string; worktree: string }[] = [];
    const convo = new ScriptedAgent('convo', async function* (context) {
      seen.push({ task: context.task, worktree: context.worktree, ...(context.conversationId ? { conversationId: context.conversationId } : {}) });
      writeFileSync(path.join(context.worktree, `turn-${seen.length}.txt`), `${context.task}\n`);
      yield { kind: 'outcome', outcome: { status: 'completed', summary: `turn ${seen.length}`, conversationId: `conv-${seen.length}` } };
    });
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const runner = h.runner({ repos: [{ name: 'r', path: repo }], defaultAgent: 'convo' }, [convo]);
    const { sessionId } = await runner.submit(job('first step'));
    const first = await waitForEnd(runner, sessionId);
    await assert.rejects(runner.followUp(sessionId, ''), { code: 'bad_input' });
    await runner.followUp(sessionId, 'second step');
    const second = await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'state' && e.state === 'completed' && e.seq > first.lastSeq);
    assert.ok(second);
    const end = runner.session(sessionId);
    assert.equal(end?.worktree, first.worktree);
    assert.deepEqual(seen.map((s) => s.conversationId), [undefined, 'conv-1']);
    assert.deepEqual(seen.map((s) => s.task), ['first step', 'second step']);
    assert.deepEqual(end?.result?.filesChanged.map((f) => f.path), ['turn-1.txt', 'turn-2.txt']);
    assert.equal(git(repo, ['log', '-1', '--format=%s', end?.branch ?? '']).trim(), 'second step');
    assert.equal(h.eventsOf(sessionId).filter((e) => e.kind === 'workspace').length, 1);
  });

  it('journals unacknowledged events; acknowledge forgets them, also for the next runner', async () => {
    const home = h.temp.make();
    const repos = [{ name: 'r', path: makeRepo(path.join(h.temp.make(), 'r')) }];
    const runner = h.runner({ home, repos, defaultAgent: 'quick' }, [quick]);
    const { sessionId } = await runner.submit(job('do it'));
    await waitForEnd(runner, sessionId);
    assert.deepEqual(runner.unacknowledged().map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7]);
    runner.acknowledge(sessionId, 4);
    await runner.stop();
    const next = h.runner({ home, repos, defaultAgent: 'quick' }, [quick]);
    assert.deepEqual(next.unacknowledged().map((e) => e.seq), [5, 6, 7]);
    assert.equal(next.session(sessionId)?.state, 'completed');
  });

  it('prune removes old finished worktrees, never a running one, and keeps branches unless asked', async () => {
    const clock = new FakeClock();
    const gate = latch();
    const holder = new ScriptedAgent('holder', async function* (context) {
      await gate.promise;
      writeFileSync(path.join(context.worktree, 'held.txt'), 'held\n');
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'held' } };
    });
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const runner = h.runner({ repos: [{ name: 'r', path: repo }], clock, defaultAgent: 'quick' }, [quick, holder]);
    const done1 = await runner.submit(job('one'));
    const done2 = await runner.submit(job('two'));
    const [end1, end2] = await Promise.all([waitForEnd(runner, done1.sessionId), waitForEnd(runner, done2.sessionId)]);
    const held = await runner.submit(job('hold', { agent: 'holder' }));
    await waitForEvent(runner, (e) => e.sessionId === held.sessionId && e.kind === 'state' && e.state === 'running');
    clock.advance(8 * 24 * 60 * MINUTE);

    assert.deepEqual(await runner.prune({ olderThanMs: 30 * 24 * 60 * MINUTE }), [], 'not old enough');
    const removed = await runner.prune({ olderThanMs: 7 * 24 * 60 * MINUTE });
    assert.deepEqual(removed.sort(), [end1.worktree, end2.worktree].sort());
    assert.ok(!existsSync(end1.worktree ?? ''));
    assert.ok(existsSync(runner.session(held.sessionId)?.worktree ?? ''), 'the running session keeps its worktree');
    assert.match(git(repo, ['branch', '--list', 'dispatch/*']), new RegExp(end1.branch ?? '?'));
    assert.doesNotMatch(git(repo, ['worktree', 'list']), new RegExp(end1.worktree ?? '?'));
    await assert.rejects(runner.followUp(done1.sessionId, 'more'), { code: 'conflict', message: /pruned/ });
    gate.open();
    await waitForEnd(runner, held.sessionId);
    clock.advance(8 * 24 * 60 * MINUTE);
    assert.equal((await runner.prune({ olderThanMs: 0, branches: true })).length, 1);
    const branches = git(repo, ['branch', '--list', '--format=%(refname:short)', 'dispatch/*']).trim().split('\n').sort();
    assert.deepEqual(branches, [end1.branch, end2.branch].sort(), 'only the last prune deleted its branch');
  });

  it('stop interrupts running sessions and leaves queued ones queued for the next start', async () => {
    const home = h.temp.make();
    const repos = [{ name: 'r', path: makeRepo(path.join(h.temp.make(), 'r')) }];
    const forever = new ScriptedAgent('forever', async function* (context) {
      yield { kind: 'progress', text: 'waiting for an abort' };
      await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
    });
    const runner = h.runner({ home, repos, maxSessions: 1, defaultAgent: 'forever' }, [forever, quick]);
    const running = await runner.submit(job('forever'));
    const queued = await runner.submit(job('later', { agent: 'quick' }));
    await waitForEvent(runner, (e) => e.sessionId === running.sessionId && e.kind === 'progress' && e.text === 'waiting for an abort');
    await runner.stop();
    assert.equal(runner.session(running.sessionId)?.state, 'interrupted');
    assert.equal(runner.session(queued.sessionId)?.state, 'queued');
    await assert.rejects(runner.submit(job('too late')), { code: 'offline' });

    const next = h.runner({ home, repos, defaultAgent: 'quick' }, [quick]);
    await next.start();
    assert.equal((await waitForEnd(next, queued.sessionId)).state, 'completed');
  });
});
