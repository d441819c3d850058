import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DispatchError } from '../../shared/errors.js';
import { isProcessAlive } from './processTree.js';

/**
 * One running runner per DISPATCH_HOME. Two would share a journal and a machine id, and
 * the bridge would see the same machine connect twice and drop one, back and forth. The
 * lock is a file holding the owner's pid; a lock whose process is gone is taken over.
 */
export class RunnerLock {
  private held = false;
  private readonly file: string;

  constructor(home: string) {
    this.file = path.join(home, 'runner.lock');
  }

  acquire(): void {
    if (this.held) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        writeFileSync(this.file, String(process.pid), { flag: 'wx' });
        this.held = true;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = Number(readFileSync(this.file, 'utf8').trim());
      // Same process: tests and hosts that restart a runner in place.
      if (owner === process.pid) {
        this.held = true;
        return;
      }
      if (isProcessAlive(owner)) {
        throw new DispatchError('conflict', `Another Dispatch runner (pid ${owner}) is using ${path.dirname(this.file)}. Stop it, or give this one its own DISPATCH_HOME.`);
      }
      rmSync(this.file, { force: true }); // left by a runner that died
    }
    throw new DispatchError('conflict', `Could not lock ${this.file}.`);
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      if (Number(readFileSync(this.file, 'utf8').trim()) === process.pid) rmSync(this.file, { force: true });
    } catch {
      // Already gone.
    }
  }
}

