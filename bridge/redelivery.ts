import type { Logger } from '../shared/logger.js';
import type { ApprovalDecision } from '../shared/sessions.js';
import { KeyedSerial } from './keyedSerial.js';
import type { JobRecord, Store } from './store/store.js';

/**
 * What the store holds for a machine and its link may have missed: waiting jobs and the
 * stored decisions of pending approvals. Sent when the machine resyncs, and when another
 * bridge (or the sweep) says there is work for it (cluster/linkedMachineWork.ts).
 */
export class Redelivery {
  private readonly offers = new KeyedSerial();

  constructor(
    private readonly options: {
      store: Store;
      logger: Logger;
      /** The machine's link is on this bridge. */
      isLinked(machineId: string): boolean;
      offer(job: JobRecord): Promise<void>;
      decide(job: JobRecord, decision: ApprovalDecision): Promise<boolean>;
    },
  ) {}

  /** Offers the machine's waiting jobs, oldest first, if its link is here. */
  async offerWaiting(machineId: string): Promise<void> {
    if (!this.options.isLinked(machineId)) return;
    // Listed in the machine's queue, after any pass before it: the first job is as fresh as a
    // re-read would be, so it costs no second round trip (a wake-up from another bridge is one job).
    await this.inQueue(machineId, async () => {
      const waiting = (await this.options.store.listJobs({ machineId, delivery: 'waiting', limit: 1_000 })).reverse();
      await this.offerEach(machineId, waiting.filter((job) => job.state === 'queued'), 1);
    });
  }

  /**
   * Offers these jobs, oldest first. Two resyncs (or wake-ups) close together queue behind
   * each other per machine instead of interleaving, and each job is read again just before
   * its offer: one the previous pass got accepted (or that was cancelled meanwhile) is not
   * offered a second time.
   */
  offerAll(machineId: string, jobs: JobRecord[]): Promise<void> {
    return this.inQueue(machineId, () => this.offerEach(machineId, jobs, 0));
  }

  private inQueue(machineId: string, pass: () => Promise<void>): Promise<void> {
    return this.offers.run(machineId, pass).catch((error) => this.options.logger.warn('offering waiting jobs failed; they are offered again at the next resync', { machineId, error: String(error) }));
  }

  /** The first `fresh` jobs were read inside this pass; the others are read again (an earlier offer of the pass took a round trip to the runner). */
  private async offerEach(machineId: string, jobs: JobRecord[], fresh: number): Promise<void> {
    for (const [index, listed] of jobs.entries()) {
      if (!this.options.isLinked(machineId)) return;
      const job = index < fresh ? listed : await this.options.store.getJob(listed.id);
      if (!job || job.delivery !== 'waiting' || job.state !== 'queued') continue;
      await this.options.offer(job);
    }
  }

  /** Sends the stored decisions of the machine's pending approvals again (the runner ignores repeats). */
  async redeliverDecisions(machineId: string): Promise<void> {
    const { store, logger } = this.options;
    if (!this.options.isLinked(machineId)) return;
    for (const job of await store.listJobs({ machineId, active: true, limit: 1_000 })) {
      for (const request of job.pendingApprovals) {
        const decision = (await store.approval(job.id, request.requestId))?.decision;
        if (decision) void this.options.decide(job, decision).catch((error) => logger.warn('redelivering a decision failed', { jobId: job.id, error: String(error) }));
      }
    }
  }
}
