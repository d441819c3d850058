import type { BridgePresence, BridgeSeen } from './bridgePresence.js';
import { timingMismatches, type TimingMismatch } from './clusterTimings.js';

/** What /healthz reads besides the version, when the bridge has them (clustered, or told its store). */
export interface HealthSources {
  /** The store's own check (the lead wires it): which engine, and whether a trivial query answers. */
  database?: () => Promise<{ engine: 'sqlite' | 'postgres'; ok: boolean }>;
  /** Clustered bridges: who else is up. */
  presence?: BridgePresence;
  /** How long a check may take before it counts as failed (default 2 s). */
  timeoutMs?: number;
}

export interface HealthReport {
  ok: boolean;
  version: string;
  database?: { engine: 'sqlite' | 'postgres'; ok: boolean };
  bridges?: { id: string; url: string | null; lastSeenAt: number }[];
  /**
   * Clustered bridges: settings a live peer runs with other values than this bridge (empty
   * when they agree). Not a failure of this bridge (`ok` stays as it is), but to be fixed.
   */
  timingMismatches?: TimingMismatch[];
}

/**
 * The /healthz body. Without sources it is `{ ok, version }` as it always was. A database
 * that does not answer makes `ok` false, so a load balancer sends people to another bridge.
 */
export async function healthReport(version: string, sources: HealthSources = {}): Promise<HealthReport> {
  const timeoutMs = sources.timeoutMs ?? 2_000;
  const report: HealthReport = { ok: true, version };
  const [database, bridges] = await Promise.all([
    sources.database ? within(timeoutMs, sources.database()).catch(() => undefined) : Promise.resolve(null),
    sources.presence ? within(timeoutMs, sources.presence.bridges()).catch(() => undefined) : Promise.resolve(null),
  ]);
  if (database !== null) {
    report.database = database ?? { engine: 'postgres', ok: false };
    if (!report.database.ok) report.ok = false;
  }
  if (bridges !== null) report.bridges = (bridges ?? []).map((bridge: BridgeSeen) => ({ id: bridge.id, url: bridge.url, lastSeenAt: bridge.lastSeenAt }));
  const own = sources.presence?.timings;
  if (own && bridges) report.timingMismatches = timingMismatches(own, bridges.filter((bridge) => bridge.id !== sources.presence!.id));
  return report;
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
