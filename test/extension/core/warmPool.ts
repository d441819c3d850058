import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
