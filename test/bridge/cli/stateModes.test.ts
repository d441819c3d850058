import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TempDirs, makeRepo } from '../../helpers/gitRepos.js';

const root = join(import.meta.dirname, '..', '..', '..');
const mode = (path: string) => statSync(path).mode & 0o777;

/** Every folder and file under `dir` with its mode, skipping the worktrees' contents (the user's code). */
function modes(dir: string, out: Record<string, number> = {}, top = dir): Record<string, number> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    out[relative(top, full)] = mode(full);
    if (entry.isDirectory() && relative(top, full) !== 'worktrees') modes(full, out, top);
  }
  return out;
}

describe('state is readable by its owner only', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  it('after a real `dispatch start` under umask 022: folders 0700, files 0600, old ones fixed', async () => {
    const repo = makeRepo(join(temp.make(), 'api'));
    const home = join(temp.make(), 'home');
    // State left by an older version, readable by everyone.
    mkdirSync(join(home, 'logs'), { recursive: true, mode: 0o755 });
    mkdirSync(join(home, 'journal', 'sessions'), { recursive: true, mode: 0o755 });
    writeFileSync(join(home, 'logs', 'earlier.log'), 'old output\n', { mode: 0o644 });
    writeFileSync(join(home, 'journal', 'sessions', 'earlier.json'), '{}', { mode: 0o644 });
    writeFileSync(join(home, 'machine.json'), JSON.stringify({ machineId: 'machine-modes' }), { mode: 0o644 });

    const previous = process.umask(0o022);
    const child = spawn(process.execPath, [join(root, 'bin', 'dispatch.js'), 'start'], {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    process.umask(previous);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      while (!out.includes('Ctrl+C stops') && Date.now() < deadline) await sleep(50);
      assert.match(out, /Ctrl\+C stops/, out);
      await sleep(300); // the runner has connected and written what it writes at start

      const found = modes(home);
      for (const name of ['bridge.db', 'bridge.db-wal', 'bridge.db-shm', 'secrets.json', 'machine.json', 'logs/earlier.log', 'journal/sessions/earlier.json']) {
        assert.equal(found[name]?.toString(8), '600', `${name} is ${found[name]?.toString(8)}`);
      }
      assert.equal(mode(home).toString(8), '700');
      for (const [name, value] of Object.entries(found)) {
        const isDir = statSync(join(home, name)).isDirectory();
        assert.equal(value.toString(8), isDir ? '700' : '600', `${name}${isDir ? '/' : ''} is ${value.toString(8)}`);
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
