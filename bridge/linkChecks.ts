import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from './store/store.js';

/** One live link as its check sees it. */
export interface CheckedLink {
  live(): boolean;
  revoked(): void;
}

/** At most this many link checks talk to the store at once (of a pool of ten on PostgreSQL). */
const DEFAULT_CONCURRENCY = 2;

/**
 * The housekeeping every live link does on its ping tick: its machine's last-seen time, and
 * whether it was revoked from the CLI. Links that connected together (a bridge restart, a
 * network blip) tick together, and hundreds of ticks each sending their statements at once
 * queued the jobs' own writes behind them in the pool (measured: 206 waiting at an acceptance,
 * +170 ms at p99). Here they take turns, a few at a time, oldest first; a machine already
 * waiting for its check is not queued twice.
 */
export class LinkChecks {
  private readonly queued = new Map<string, () => void>();
  private running = 0;

  constructor(
    private readonly options: {
      store: Store;
      clock: Clock;
      logger: Logger;
      concurrency?: number;
    },
  ) {}

  /**
   * Queues a check of this machine's link; `live` is asked again when it runs and after its
   * awaits (the link may have closed, or been told already), `revoked` closes it. A newer
   * link of the machine queued meanwhile takes the older one's place in the queue.
   */
  check(machineId: string, link: CheckedLink): void {
    const waiting = this.queued.has(machineId);
    this.queued.set(machineId, () => void this.run(machineId, link));
    if (!waiting) this.next();
  }

  private next(): void {
    while (this.running < (this.options.concurrency ?? DEFAULT_CONCURRENCY) && this.queued.size > 0) {
      const [machineId, start] = this.queued.entries().next().value as [string, () => void];
      this.queued.delete(machineId);
      this.running += 1;
      start();
    }
  }

  private async run(machineId: string, link: CheckedLink): Promise<void> {
    const { store, clock, logger } = this.options;
    try {
      if (!link.live()) return;
      await store.touchMachine(machineId, clock.now());
      // A revocation from the CLI (another process) reaches live links within a ping.
      if ((await store.credentials.state(machineId)) === 'revoked' && link.live()) link.revoked();
    } catch (error) {
      logger.warn('link check failed', { machineId, error: String(error) });
    } finally {
      this.running -= 1;
      this.next();
    }
  }
}
