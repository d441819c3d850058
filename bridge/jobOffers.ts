import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { bridgeToRunner } from '../shared/protocol/bridgeRunner.js';
import { call } from '../shared/protocol/rpc.js';
import { refusalText } from './linkNotices.js';
import { jobSpecOf, type JobRecord, type Store } from './store/store.js';

/**
 * One job/offer on a machine's link and what its answer leaves in the store: accepted, or
 * rejected with the runner's reason told in the job's thread. The acceptance is the first
 * and only statement after the answer (the runner waits for nothing else; issue #17).
 */
export class JobOffers {
  constructor(
    private readonly options: {
      store: Store;
      clock: Clock;
      logger: Logger;
      timeoutMs: number;
      /** The machine's live link here, if any. */
      connectionOf(machineId: string): MessageConnection | undefined;
      jobRejected(job: JobRecord, error: string): void;
    },
  ) {}

  async offer(job: JobRecord): Promise<void> {
    const { store, clock, logger } = this.options;
    const connection = this.options.connectionOf(job.machineId);
    if (!connection) return;
    try {
      const answer = await call(connection, bridgeToRunner, 'job/offer', { job: jobSpecOf(job) }, { timeoutMs: this.options.timeoutMs });
      if (answer.accepted) {
        await store.updateJob(job.id, { delivery: 'accepted' });
      } else {
        const current = await store.getJob(job.id);
        // A job the machine already reported on (or one cancelled meanwhile) is not failed by a late refusal.
        if (!current || current.delivery !== 'waiting') return;
        await store.updateJob(job.id, { delivery: 'rejected', state: 'failed', updatedAt: clock.now() });
        const name = (await store.getMachine(job.machineId))?.name ?? 'Your machine';
        this.options.jobRejected(job, refusalText(name, answer.error ?? 'The runner refused the job.', answer.code));
      }
    } catch (error) {
      // The link dropped mid-offer: the job stays waiting and is offered again on resync.
      logger.warn('offer failed; will retry on reconnect', { jobId: job.id, error: String(error) });
    }
  }
}
