import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from './store/store.js';

export interface NotifyClaimsOptions {
  store: Store;
  bridgeId: string;
  clock: Clock;
  logger: Logger;
  /** A claim lasts this long unless renewed; a dead bridge's jobs are taken over after it. */
  leaseMs?: number;
  /** How often held claims are renewed (default a third of the lease). */
  renewMs?: number;
}

/** Long enough that a slow chat API call does not lose a claim; short enough that a dead bridge's threads resume soon. */
export const DEFAULT_NOTIFY_LEASE_MS = 15_000;

/**
 * The jobs this bridge tells, held as leases in the store. The holder of a job's claim is
 * the only bridge that posts its events and edits its status message, so a thread's
 * messages come in seq order and a status message has one editor. Claims are sticky: a
 * bridge keeps (and renews) a running job's claim between events, so the same bridge keeps
 * the job's progress line; it lets go when the job has ended and everything was told.
 */
export class NotifyClaims {
  private readonly held = new Set<string>();
  private readonly renewer: NodeJS.Timeout;
  readonly leaseMs: number;

  constructor(private readonly options: NotifyClaimsOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_NOTIFY_LEASE_MS;
    this.renewer = setInterval(() => void this.renewAll(), options.renewMs ?? Math.max(50, Math.floor(this.leaseMs / 3))).unref();
  }

  /** Claims jobs that have untold events and no live claim elsewhere (this bridge's own are renewed). */
  async claimWaiting(limit: number): Promise<string[]> {
    const { store, bridgeId, clock } = this.options;
    const jobIds = await store.claimJobsToNotify(bridgeId, limit, this.leaseMs, clock.now());
    for (const jobId of jobIds) this.held.add(jobId);
    return jobIds;
  }

  /**
   * Checked before each message and each status edit: true when this bridge holds the job's
   * claim (renewed now) or takes a free or expired one. False means another bridge tells it.
   */
  async hold(jobId: string): Promise<boolean> {
    const { store, bridgeId, clock } = this.options;
    const held = await store.holdNotifyClaim(bridgeId, jobId, this.leaseMs, clock.now());
    if (held) this.held.add(jobId);
    else this.held.delete(jobId);
    return held;
  }

  async release(jobId: string): Promise<void> {
    this.held.delete(jobId);
    await this.options.store.releaseNotifyClaim(this.options.bridgeId, jobId);
  }

  /** Stops renewing and lets go of every claim, so another bridge takes the jobs over at once. */
  async stop(): Promise<void> {
    clearInterval(this.renewer);
    const jobIds = [...this.held];
    this.held.clear();
    for (const jobId of jobIds) await this.options.store.releaseNotifyClaim(this.options.bridgeId, jobId).catch(() => undefined);
  }

  private async renewAll(): Promise<void> {
    if (this.held.size === 0) return;
    const { store, bridgeId, clock, logger } = this.options;
    const asked = [...this.held];
    try {
      const kept = new Set(await store.renewNotifyClaims(bridgeId, asked, this.leaseMs, clock.now()));
      for (const jobId of asked) if (!kept.has(jobId)) this.held.delete(jobId);
    } catch (error) {
      logger.warn('renewing the notifier’s claims failed', { error: String(error) });
    }
  }
}
