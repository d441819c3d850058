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
    const waiting = (await this.options.store.listJobs({ machineId, delivery: 'waiting', limit: 1_000 })).reverse();
    await this.offerAll(machineId, waiting.filter((job) => job.state === 'queued'));
  }

  /**
   * Offers these jobs, oldest first. Two resyncs (or wake-ups) close together queue behind
   * each other per machine instead of interleaving, and each job is read again just before
   * its offer: one the previous pass got accepted (or that was cancelled meanwhile) is not
   * offered a second time.
   */
  offerAll(machineId: string, jobs: JobRecord[]): Promise<void> {
    return this.offers
      .run(machineId, async () => {
        for (const listed of jobs) {
          if (!this.options.isLinked(machineId)) return;
          const job = await this.options.store.getJob(listed.id);
          if (!job || job.delivery !== 'waiting' || job.state !== 'queued') continue;
          await this.options.offer(job);
        }
      })
      .catch((error) => this.options.logger.warn('offering waiting jobs failed; they are offered again at the next resync', { machineId, error: String(error) }));
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
