import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeRepo } from '../../helpers/gitRepos.js';
import { Harness } from './harness.js';

describe('one runner per DISPATCH_HOME', function () {
  this.timeout(20_000);
  const h = new Harness();
  afterEach(() => h.cleanup());

  it('refuses to start while another live process holds the home, naming it', async () => {
    const home = h.temp.make();
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(path.join(home, 'runner.lock'), String(other.pid));
      const runner = h.runner({ home, repos: [{ name: 'r', path: repo }] });
      await assert.rejects(runner.start(), { code: 'conflict', message: new RegExp(`Another Dispatch runner \\(pid ${other.pid}\\)`) });
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
  });

  it('takes over a lock left by a runner that died, and releases it on stop', async () => {
    const home = h.temp.make();
    const repo = makeRepo(path.join(h.temp.make(), 'r'));
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await once(dead, 'exit');
    writeFileSync(path.join(home, 'runner.lock'), String(dead.pid));
    const runner = h.runner({ home, repos: [{ name: 'r', path: repo }] });
    await runner.start();
    assert.equal(existsSync(path.join(home, 'runner.lock')), true);
    await runner.stop();
    assert.equal(existsSync(path.join(home, 'runner.lock')), false);
  });
});
