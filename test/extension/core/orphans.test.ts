import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { makeRepo } from '../../helpers/gitRepos.js';
import { Harness } from './harness.js';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const orphanRunner = path.join(projectRoot, 'test/extension/core/fixtures/orphanRunner.ts');

/** A test suite that never ends: it appends a line to ticks.txt every 200 ms. */
const ENDLESS_PROJECT = {
  'package.json': JSON.stringify({ name: 'endless', private: true, scripts: { test: 'node ticker.js' } }, null, 2),
  'ticker.js': "const fs = require('node:fs');\nsetInterval(() => fs.appendFileSync('ticks.txt', Date.now() + '\\n'), 200);\n",
  '.gitignore': 'ticks.txt\n',
};

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

describe('orphaned commands after the runner is killed', function () {
  this.timeout(60_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it("a restarted runner ends the killed runner's running command first, and the session log says so", async function () {
    if (process.platform === 'win32') this.skip();
    const home = h.temp.make('dispatch-home-');
    const repo = makeRepo(path.join(h.temp.make(), 'r'), ENDLESS_PROJECT);
    const child = spawn(process.execPath, ['--import', 'tsx', orphanRunner, home, repo], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const worktree = await until(() => /WORKTREE (.+)\n/.exec(stdout)?.[1], 'the session worktree');
    const ticks = path.join(worktree, 'ticks.txt');
    await until(() => (size(ticks) > 0 ? true : undefined), 'the command to run');

    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    // The command outlives its runner (it leads its own process group): this is what the restart must end.
    const atKill = size(ticks);
    await until(() => (size(ticks) > atKill ? true : undefined), 'the orphan to keep writing', 5_000);

    const runner = h.runner({ home, repos: [{ name: 'r', path: repo }], maxSessions: 1 });
    await runner.start();
    const afterStart = size(ticks);
    await sleep(1_000);
    assert.equal(size(ticks), afterStart, 'the file stopped growing once the runner had started');

    const session = runner.session('orphan-first');
    assert.equal(session?.state, 'interrupted');
    const log = readFileSync(path.join(home, 'logs', readLogName(home)), 'utf8');
    assert.match(log, /ended the leftover processes of this session, process group \d+ \(npm test\)/);
  });

  it('leaves alone a journaled pid that now belongs to another program', async function () {
    if (process.platform === 'win32') this.skip();
    const home = h.temp.make('dispatch-home-');
    // Someone else's long-running program, leading its own group, whose pid the journal happens to name.
    const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      const folder = path.join(home, 'journal', 'processes');
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `${stranger.pid}.json`), JSON.stringify({ version: 1, sessionId: 's-reused', pid: stranger.pid, startTime: '1', command: ['npm', 'test'] }));
      const runner = h.runner({ home, repos: [{ name: 'r', path: makeRepo(path.join(h.temp.make(), 'r')) }] });
      await runner.start();
      await sleep(300);
      assert.equal(stranger.exitCode, null, 'the other program still runs');
      assert.equal(stranger.signalCode, null);
      assert.ok(!existsSync(path.join(folder, `${stranger.pid}.json`)), 'the stale record is dropped');
    } finally {
      stranger.kill('SIGKILL');
    }
  });
});

function readLogName(home: string): string {
  const [name] = readdirSync(path.join(home, 'logs')).filter((file) => file.startsWith('orphan-first'));
  if (!name) throw new Error('no session log');
  return name;
}
