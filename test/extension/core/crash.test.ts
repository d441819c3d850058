import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { git, hashCheckout, makeRepo, nodeTestProject } from '../../helpers/gitRepos.js';
import { Harness, ScriptedAgent, waitForEnd } from './harness.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const crashRunner = path.join(projectRoot, 'test/extension/core/fixtures/crashRunner.ts');

/** Starts the crash fixture and resolves once its first session waits for approval. */
function startChild(home: string, repo: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', crashRunner, home, repo], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const waiting = new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('WAITING crash-first')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`runner child exited early (${code}): ${stderr}`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return { child, waiting, exited };
}

describe('crash: kill -9 mid-session, then restart', function () {
  this.timeout(40_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('reports the killed session interrupted with its worktree intact, and runs the queued one', async () => {
    const home = h.temp.make('dispatch-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'r'), nodeTestProject('passing'));
    const before = hashCheckout(repo);

    const { child, waiting, exited } = startChild(home, repo);
    await waiting;
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const quick = new ScriptedAgent('quick', async function* () {
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'ran after the restart' } };
    });
    const runner = h.runner({ home, repos: [{ name: 'r', path: repo }], maxSessions: 1 }, [quick]);
    assert.equal(runner.session('crash-first')?.state, 'waiting_for_approval', 'the journal saw the wait');
    await runner.start();

    const first = runner.session('crash-first');
    assert.equal(first?.state, 'interrupted');
    assert.deepEqual(first?.pendingApprovals, []);
    assert.match(first?.result?.summary ?? '', /^Interrupted: the runner stopped/i);
    assert.ok(first?.worktree && existsSync(path.join(first.worktree, 'package.json')), 'worktree intact');
    assert.equal(git(first.worktree, ['status', '--porcelain']).trim(), '');
    assert.equal(git(first.worktree, ['rev-parse', 'HEAD']).trim(), first.baseCommit);

    const queued = await waitForEnd(runner, 'crash-queued');
    assert.equal(queued.state, 'completed');
    assert.equal(queued.result?.summary, 'ran after the restart');

    // The bridge would resend these: nothing was lost, in order and without gaps.
    const events = runner.unacknowledged().filter((e) => e.sessionId === 'crash-first');
    assert.deepEqual(events.map((e) => e.seq), events.map((_, i) => i + 1));
    assert.deepEqual(events.slice(-2).map((e) => e.kind), ['result', 'state']);
    assert.ok(!readdirSync(path.join(home, 'journal', 'sessions')).some((name) => name.endsWith('.tmp')));
    assert.equal(hashCheckout(repo), before);
  });
});
