import pg from 'pg';
import { DispatchError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { RecordedTimings } from './clusterTimings.js';
import { InProcessBridgePresence, newBridgeId, PgBridgePresence, type BridgePresence } from './bridgePresence.js';
import { InProcessEventOnce, PgEventOnce, type EventOnce } from './eventOnce.js';
import { InProcessLeaderLease, PgLeaderLease, type LeaderLease } from './leaderLease.js';
import { InProcessWakeBus, PgWakeBus, type WakeBus } from './wakeBus.js';

/** The lease name the Discord gateway is held under (one per bot token in a deployment). */
export const DISCORD_GATEWAY_LEASE = 'dispatch:discord-gateway';

/** Everything a bridge needs to run beside others; the in-process versions for one bridge on SQLite. */
export interface ClusterParts {
  readonly bridgeId: string;
  readonly clustered: boolean;
  readonly wakeBus: WakeBus;
  readonly presence: BridgePresence;
  readonly eventOnce: EventOnce;
  /** The Discord transport's gateway lease (a new one per call: each holds its own connection). */
  gatewayLease(): LeaderLease;
  /** Stops beating, closes the wake-up connection and the pool it made (leases close with their transport). */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** DISPATCH_DATABASE_URL when it is a postgres:// URL; without it, one bridge in process. */
  connectionString?: string;
  /** Share the store's pool for presence and dedupe writes (else a small pool of its own). */
  pool?: pg.Pool;
  /** This bridge's public URL, shown to the others in /healthz. */
  url?: string;
  logger?: Logger;
  heartbeatMs?: number;
  /** A bridge not heard from for this long is gone (default 15 s). */
  freshMs?: number;
  leaseRetryMs?: number;
  /** This bridge's timings by setting (clusterTimings.ts): recorded in its row, compared with its peers'. */
  timings?: RecordedTimings;
}

/**
 * Builds the coordination parts once, at bridge start. On PostgreSQL it writes the first
 * presence beat and opens the wake-up connection, so a database it cannot reach fails
 * the start with a clear message instead of a bridge that silently works alone.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<ClusterParts> {
  const logger = options.logger ?? silentLogger;
  const bridgeId = newBridgeId();
  const connectionString = options.connectionString;
  if (!connectionString) {
    const presence = new InProcessBridgePresence(bridgeId, options.url ?? null);
    const wakeBus = new InProcessWakeBus(logger);
    return { bridgeId, clustered: false, wakeBus, presence, eventOnce: new InProcessEventOnce(), gatewayLease: () => new InProcessLeaderLease(logger), stop: () => wakeBus.close() };
  }
  const ownPool = options.pool ? undefined : new pg.Pool({ connectionString, max: 4, application_name: `${bridgeId}:cluster` });
  ownPool?.on('error', (error) => logger.warn('cluster database connection failed', { error: error.message }));
  const pool = options.pool ?? ownPool!;
  const presence = new PgBridgePresence({ pool, connectionString, id: bridgeId, ...(options.url ? { url: options.url } : {}), ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}), ...(options.freshMs ? { freshMs: options.freshMs } : {}), ...(options.timings ? { timings: options.timings } : {}), logger });
  let wakeBus: PgWakeBus | undefined;
  try {
    await presence.start();
    wakeBus = await PgWakeBus.connect({ connectionString, applicationName: bridgeId, logger });
  } catch (error) {
    await presence.stop().catch(() => undefined);
    await ownPool?.end().catch(() => undefined);
    if (error instanceof DispatchError) throw error;
    throw new DispatchError('offline', `Could not join the other bridges on the database (check DISPATCH_DATABASE_URL, and that its migrations ran): ${error instanceof Error ? error.message : String(error)}`);
  }
  const bus = wakeBus;
  return {
    bridgeId,
    clustered: true,
    wakeBus: bus,
    presence,
    eventOnce: new PgEventOnce({ pool, bridgeId, logger }),
    gatewayLease: () => new PgLeaderLease({ connectionString, name: DISCORD_GATEWAY_LEASE, applicationName: `${bridgeId}:lease`, logger, ...(options.leaseRetryMs ? { retryMs: options.leaseRetryMs } : {}) }),
    async stop() {
      await presence.stop();
      await bus.close();
      await ownPool?.end().catch(() => undefined);
    },
  };
}
