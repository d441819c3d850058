import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isProcessAlive } from '../processTree.js';
import type { BridgeLink } from '../link/bridgeLink.js';

/**
 * What the running runner knows about its bridge link, kept in `<home>/link.json` so that
 * `dispatch service status` (another process) can say "connected" and "paired" without a
 * bridge of its own. Written on every change of the link; the pid tells a stale file apart.
 */
export const LinkStateSchema = z.object({
  pid: z.number().int(),
  bridgeUrl: z.string(),
  status: z.enum(['connecting', 'online', 'offline']),
  paired: z.boolean().nullable(),
  detail: z.string().optional(),
  at: z.number(),
});
export type LinkState = z.infer<typeof LinkStateSchema>;

function stateFile(home: string): string {
  return path.join(home, 'link.json');
}

/**
 * Keeps link.json up to date for as long as the link lives; returns the unsubscribe. The
 * bridge written is the one the link holds now (`_configured`, the listed URLs, is not).
 */
export function recordLinkState(link: BridgeLink, home: string, _configured?: string): () => void {
  let detail: string | undefined;
  const write = () => {
    // The bridge it holds now (of several, after a failover), without credentials.
    const state: LinkState = { pid: process.pid, bridgeUrl: link.bridgeUrl, status: link.status, paired: link.paired ?? null, ...(detail ? { detail } : {}), at: Date.now() };
    try {
      mkdirSync(home, { recursive: true });
      writeFileSync(`${stateFile(home)}.tmp`, JSON.stringify(state), { mode: 0o600 });
      renameSync(`${stateFile(home)}.tmp`, stateFile(home));
    } catch {
      // Status reporting must never take the runner down.
    }
  };
  const offStatus = link.onStatus((_status, why) => {
    detail = why;
    write();
  });
  const offPaired = link.onPairedChange(write);
  write();
  return () => {
    offStatus();
    offPaired();
  };
}

/** The runner's last word on its link, or undefined when no live runner wrote one. */
export function readLinkState(home: string): LinkState | undefined {
  try {
    const state = LinkStateSchema.parse(JSON.parse(readFileSync(stateFile(home), 'utf8')));
    return isProcessAlive(state.pid) ? state : undefined;
  } catch {
    return undefined;
  }
}
