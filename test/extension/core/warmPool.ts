import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Runner } from '../../../extension/core/runner.js';

/** Waits until a pool entry under `home` is ready; returns it. */
export async function waitForReadyPool(home: string, timeoutMs = 60_000): Promise<{ worktree: string; branch: string; baseCommit: string }> {
  const deadline = Date.now() + timeoutMs;
  const root = path.join(home, 'worktrees', '.pool');
  while (Date.now() < deadline) {
    for (const repo of existsSync(root) ? readdirSync(root) : []) {
      for (const name of readdirSync(path.join(root, repo)).filter((n) => n.endsWith('.json'))) {
        try {
          const entry = JSON.parse(readFileSync(path.join(root, repo, name), 'utf8')) as { ready: boolean; worktree: string; branch: string; baseCommit: string };
          if (entry.ready) return entry;
        } catch {
          // being written
        }
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no warm worktree became ready');
}

/** Approves every request of the runner's sessions once, recording the commands asked for. */
export function approveAll(runner: Runner): string[][] {
  const asked: string[][] = [];
  runner.onEvent((event) => {
    if (event.kind !== 'approval_requested') return;
    asked.push([...(event.request.command ?? [])]);
    runner.decide(event.sessionId, { requestId: event.request.requestId, decision: 'approve_once' });
  });
  return asked;
}
/** Waits until the cache holds `count` entries (its copies run in the background); a runner's stop would cut them short. */
export async function entriesReady(entries: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((existsSync(entries) ? readdirSync(entries).length : 0) < count) {
    if (Date.now() > deadline) throw new Error(`the cache has not got ${count} entries`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
