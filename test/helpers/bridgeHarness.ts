import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../shared/clock.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { ApprovalDecision } from '../../shared/sessions.js';
import type { CoworkResponder } from '../../bridge/cowork.js';
import type { RouteAdvisor } from '../../bridge/modelRouter.js';
import Database from 'better-sqlite3';
import { noModelCowork } from '../../bridge/cowork.js';
import { Dispatcher } from '../../bridge/dispatcher.js';
import type { MachineLinks } from '../../bridge/machineLinks.js';
import { Notifier } from '../../bridge/notifier.js';
import { Pairing, type PairingOptions } from '../../bridge/pairing.js';
import { SqliteStore } from '../../bridge/store/sqliteStore.js';
import type { JobRecord } from '../../bridge/store/store.js';
import type { Platform, Transport } from '../../bridge/chat.js';
import { RecordingTransport } from './recordingTransport.js';

/** A machine link that records what the dispatcher sends, for dispatcher tests without a runner. */
export class RecordingMachines implements MachineLinks {
  online = new Set<string>();
  offers: JobRecord[] = [];
  decisions: { jobId: string; decision: ApprovalDecision }[] = [];
  cancels: string[] = [];
  followUps: { jobId: string; text: string }[] = [];
  isOnline(machineId: string): boolean {
    return this.online.has(machineId);
  }
  async offer(job: JobRecord): Promise<void> {
    this.offers.push(job);
  }
  async decide(job: JobRecord, decision: ApprovalDecision): Promise<boolean> {
    this.decisions.push({ jobId: job.id, decision });
    return this.online.has(job.machineId);
  }
  async cancel(job: JobRecord): Promise<boolean> {
    this.cancels.push(job.id);
    return this.online.has(job.machineId);
  }
  pairingChanges: string[] = [];
  async pairingChanged(machineId: string): Promise<void> {
    this.pairingChanges.push(machineId);
  }
  revoked: string[] = [];
  async revoke(machineId: string): Promise<boolean> {
    this.revoked.push(machineId);
    return true;
  }
  async followUp(job: JobRecord, text: string): Promise<boolean> {
    this.followUps.push({ jobId: job.id, text });
    return this.online.has(job.machineId);
  }
}

/** A dispatcher over a real SQLite file, a recording transport and recording machine links. */
export async function dispatcherHarness(options: { allowedUsers?: string[]; admins?: string[]; cowork?: CoworkResponder; clock?: Clock; maxPages?: number; heartbeatMs?: number; advisor?: RouteAdvisor; logger?: Logger; pairing?: PairingOptions } = {}) {
  const folder = mkdtempSync(join(tmpdir(), 'dispatch-dispatcher-'));
  const dbFile = join(folder, 'bridge.db');
  const store = new SqliteStore(dbFile, options.maxPages ? { maxPages: options.maxPages } : {});
  const chat = new RecordingTransport('slack');
  const transports = new Map<Platform, Transport>([['slack', chat]]);
  const clock = options.clock ?? { now: () => Date.now() };
  const notifier = new Notifier({ store, transports, clock, logger: silentLogger, approvalTtlMinutes: 30, editIntervalMs: 0, heartbeatMs: options.heartbeatMs ?? 0 });
  const machines = new RecordingMachines();
  const pairing = new Pairing(store, clock, options.pairing);
  const dispatcher = new Dispatcher({
    store,
    machines,
    pairing,
    cowork: options.cowork ?? noModelCowork,
    ...(options.advisor ? { advisor: options.advisor } : {}),
    notifier,
    clock,
    logger: options.logger ?? silentLogger,
    ...(options.allowedUsers ? { allowedUsers: options.allowedUsers } : {}),
    ...(options.admins ? { admins: options.admins } : {}),
  });
  void chat.start(dispatcher);
  await store.upsertMachine({ id: 'm1', name: 'laptop', platform: 'linux', agent: 'builtin', repos: [{ name: 'api', default: true }, { name: 'frontend', default: false }], lastSeenAt: 0 });
  return {
    store,
    chat,
    machines,
    pairing,
    notifier,
    /** The audit log as written to the SQLite file, oldest first. */
    audit: (): { actor: string; action: string; jobId?: string; detail?: Record<string, unknown> }[] => {
      const db = new Database(dbFile, { readonly: true });
      try {
        return (db.prepare('SELECT actor, action, job_id, detail FROM audit_log ORDER BY id').all() as { actor: string; action: string; job_id: string | null; detail: string | null }[]).map((row) => ({
          actor: row.actor,
          action: row.action,
          ...(row.job_id ? { jobId: row.job_id } : {}),
          ...(row.detail ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
        }));
      } finally {
        db.close();
      }
    },
    dispose: async () => {
      notifier.stop();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
