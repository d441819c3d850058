import { asDispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { MachineHub } from '../machineHub.js';
import type { Store } from '../store/store.js';
import type { PgMachineRequests, RequestAnswer, TakenRequest } from './machineRequests.js';
import type { WakeBus } from './wakeBus.js';

export interface LinkedMachineWorkOptions {
  hub: MachineHub;
  store: Store;
  requests: PgMachineRequests;
  wakeBus: WakeBus;
  bridgeId: string;
  logger: Logger;
  /**
   * Of these machines, those with a waiting job or a pending approval, in one query (PgStore's
   * machinesWithDueWork). Without it the sweep lists the newest waiting and active jobs.
   */
  dueMachines?: (machineIds: string[]) => Promise<string[]>;
  /** The backstop for lost wake-ups: everything of every machine linked here is looked at this often (default 3 s; 0: off). */
  sweepMs?: number;
}

/** Answered rows are kept this long for a slow asker; any row this old is abandoned. */
const ANSWERED_KEEP_MS = 60_000;
const ABANDONED_MS = 60 * 60_000;

/**
 * The holder's side of cross-bridge work: when woken for a machine whose link is here
 * (`machine`), it takes that machine's requests (cancel, follow-up, ship, notes) and performs
 * them on the link, writing each answer and waking the asker (`answered`); then it offers the
 * machine's waiting jobs and redelivers its stored decisions. The wake-up is only a hint:
 * on `resync` (the bus reconnected), when a machine links here, and on a sweep every few
 * seconds, it re-reads the database, so a lost notification delays work but never loses it.
 */
export class LinkedMachineWork {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private unsubscribe: (() => void) | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private sweeps = 0;
  private stopped = false;

  constructor(private readonly options: LinkedMachineWorkOptions) {}

  start(): void {
    this.unsubscribe = this.options.wakeBus.subscribe('machine', (wake) => {
      if (wake.resync) void this.sweep();
      else if (this.options.hub.isOnline(wake.payload)) void this.catchUp(wake.payload);
    });
    const every = this.options.sweepMs ?? 3_000;
    if (every > 0) this.sweeper = setInterval(() => void this.sweep(), every).unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.running.values(), this.sweeping]);
  }

  /**
   * Everything waiting for one machine whose link is here. Wake-ups for a machine coalesce:
   * while a catch-up runs, any number of new ones make one more run after it, so requests of
   * one machine are performed in the order they were made and never twice at once.
   */
  catchUp(machineId: string): Promise<void> {
    const current = this.running.get(machineId);
    if (current) {
      this.again.add(machineId);
      return current;
    }
    const run = this.work(machineId)
      .catch((error: unknown) => this.options.logger.warn('delivering work for a machine failed; the sweep tries again', { machineId, error: String(error) }))
      .finally(() => {
        this.running.delete(machineId);
        if (this.again.delete(machineId) && !this.stopped) void this.catchUp(machineId);
      });
    this.running.set(machineId, run);
    return run;
  }

  /** Every machine linked here, from the database (a missed wake-up is found here). */
  sweep(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.sweeping ??= this.sweepOnce()
      .catch((error: unknown) => this.options.logger.warn('sweeping machine work failed', { error: String(error) }))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async work(machineId: string): Promise<void> {
    const { hub, requests, bridgeId } = this.options;
    for (const taken of await requests.take(bridgeId, [machineId])) {
      // A push may take minutes: it must not hold up the machine's cancels and follow-ups behind it.
      if (taken.request.kind === 'ship') void this.perform(taken).catch((error: unknown) => this.options.logger.warn('answering a ship request failed', { error: String(error) }));
      else await this.perform(taken);
    }
    await hub.offerWaiting(machineId);
    await hub.redeliverDecisions(machineId);
  }

  private async sweepOnce(): Promise<void> {
    const { hub, store, requests } = this.options;
    const here = new Set(hub.linkedMachines());
    if ((this.sweeps++ % 20) === 0) await requests.prune(ANSWERED_KEEP_MS, ABANDONED_MS);
    if (here.size === 0) return;
    // One query each for the whole bridge, then only the machines with something waiting.
    const open = await requests.openFor([...here]);
    const due = new Set([...open, ...(this.options.dueMachines ? await this.options.dueMachines([...here]) : await this.dueFromListings(store))]);
    for (const machineId of here) if (due.has(machineId)) await this.catchUp(machineId);
  }

  /** Machines with a queued job waiting, or a pending approval, among the newest jobs (a store without dueMachines). */
  private async dueFromListings(store: Store): Promise<string[]> {
    const waiting = await store.listJobs({ delivery: 'waiting', limit: 1_000 });
    const pending = await store.listJobs({ active: true, limit: 1_000 });
    return [...waiting.filter((job) => job.state === 'queued').map((job) => job.machineId), ...pending.filter((job) => job.pendingApprovals.length > 0).map((job) => job.machineId)];
  }

  private async perform(taken: TakenRequest): Promise<void> {
    const { requests, wakeBus, logger } = this.options;
    const answer = await this.answerFor(taken);
    await requests.answer(taken.id, answer);
    await wakeBus.publish('answered', taken.id).catch((error) => logger.warn('waking the asking bridge failed; it reads the answer on its next poll', { error: String(error) }));
  }

  private async answerFor({ machineId, request }: TakenRequest): Promise<RequestAnswer> {
    const { hub, store } = this.options;
    try {
      switch (request.kind) {
        case 'pairing':
          await hub.pairingChanged(machineId);
          return { ok: true, value: true };
        case 'revoke':
          return { ok: true, value: hub.closeRevoked(machineId) };
        case 'tell':
          return { ok: true, value: await hub.tell(machineId, request.payload.notice) };
        default: {
          const job = await store.getJob(request.jobId);
          // A request speaks for one machine's job, like a runner's connection does.
          if (!job || job.machineId !== machineId) return { ok: false, code: 'not_found', message: 'That session is not on this machine.' };
          if (request.kind === 'cancel') return { ok: true, value: await hub.cancel(job) };
          if (request.kind === 'followUp') return { ok: true, value: await hub.followUp(job, request.payload.text) };
          if (request.kind === 'endGrant') return { ok: true, value: await hub.endGrant(job, request.payload.grantId) };
          return { ok: true, value: await hub.ship(job, request.payload) };
        }
      }
    } catch (thrown) {
      const error = asDispatchError(thrown);
      return { ok: false, code: error.code, message: error.message };
    }
  }
}
