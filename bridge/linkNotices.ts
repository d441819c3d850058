import { shortId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { OutgoingMessage, ThreadRef } from './chat.js';
import { note } from './messages.js';
import { KeyedSerial } from './keyedSerial.js';
import type { JobRecord, Store } from './store/store.js';

export interface LinkNoticesOptions {
  store: Store;
  post(thread: ThreadRef, message: OutgoingMessage): Promise<unknown>;
  /** Re-renders a job's status message after its state changed here. */
  refreshStatus(jobId: string): Promise<void>;
  logger: Logger;
  clock: { now(): number };
  /** A machine must stay offline this long before its threads hear about it (a restart is not news). */
  delayMs?: number;
  /** Who was told; in memory for one bridge, in the database beside others (cluster/linkNoticeLedger.ts). */
  ledger?: NoticeLedger;
}

/** How long a machine stays offline before its threads are told (a restart is not news). */
export const DEFAULT_OFFLINE_NOTICE_MS = 5_000;

/** The jobs told "offline", per machine, so only they hear "back online" (each told once). */
export interface NoticeLedger {
  /** True when the machine's link is up on any bridge (then "offline" is not news). */
  onlineAnywhere(machineId: string): Promise<boolean>;
  /** Of these jobs, the ones this bridge tells now: none told before, by anyone. */
  claimOffline(machineId: string, jobIds: string[]): Promise<string[]>;
  /** The machine's jobs told "offline", taken to tell "back online" (each by one bridge). */
  takeOnline(machineId: string): Promise<string[]>;
  forget(machineId: string): Promise<void>;
}

/** One bridge: it sees every link change, so its own memory is the whole truth. */
export class InMemoryNoticeLedger implements NoticeLedger {
  private readonly told = new Map<string, Set<string>>();

  async onlineAnywhere(): Promise<boolean> {
    return false;
  }

  async claimOffline(machineId: string, jobIds: string[]): Promise<string[]> {
    const told = this.told.get(machineId) ?? new Set<string>();
    this.told.set(machineId, told);
    const fresh = jobIds.filter((jobId) => !told.has(jobId));
    for (const jobId of fresh) told.add(jobId);
    return fresh;
  }

  async takeOnline(machineId: string): Promise<string[]> {
    const told = this.told.get(machineId);
    this.told.delete(machineId);
    return [...(told ?? [])];
  }

  async forget(machineId: string): Promise<void> {
    this.told.delete(machineId);
  }
}

/**
 * Tells the threads of a machine's unfinished tasks when its link went away, and again
 * when it came back, so "On it" never stands for a task that is not running.
 */
export class LinkNotices {
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly ledger: NoticeLedger;
  private stopped = false;
  /**
   * One machine's notices in the order its link changed: the store is asynchronous, so without
   * this an "offline" notice still reading the store could be posted after "back online".
   */
  private readonly inOrder = new KeyedSerial();

  constructor(private readonly options: LinkNoticesOptions) {
    this.ledger = options.ledger ?? new InMemoryNoticeLedger();
  }

  wentOffline(machineId: string, why: string): void {
    // A stopping bridge closes its links itself: telling is left to the bridges that stay.
    if (this.stopped) return;
    clearTimeout(this.pending.get(machineId));
    const timer = setTimeout(() => {
      this.pending.delete(machineId);
      void this.inOrder.run(machineId, () => this.tellOffline(machineId, why)).catch((error) => this.options.logger.warn('could not tell threads a machine went offline', { machineId, error: String(error) }));
    }, this.options.delayMs ?? DEFAULT_OFFLINE_NOTICE_MS);
    timer.unref();
    this.pending.set(machineId, timer);
  }

  /** Offline long enough already (found by another bridge's look at the database): told now, no delay. */
  foundOffline(machineId: string, why: string): Promise<void> {
    if (this.stopped || this.pending.has(machineId)) return Promise.resolve();
    return this.inOrder.run(machineId, () => this.tellOffline(machineId, why)).catch((error) => this.options.logger.warn('could not tell threads a machine went offline', { machineId, error: String(error) }));
  }

  cameOnline(machineId: string): void {
    clearTimeout(this.pending.get(machineId));
    this.pending.delete(machineId);
    void this.inOrder.run(machineId, () => this.tellOnline(machineId)).catch((error) => this.options.logger.warn('could not tell threads a machine is back', { machineId, error: String(error) }));
  }

  private async tellOnline(machineId: string): Promise<void> {
    const jobs = await this.ledger.takeOnline(machineId);
    if (jobs.length === 0) return;
    const name = await this.machineName(machineId);
    for (const jobId of jobs) {
      const job = await this.options.store.getJob(jobId);
      if (job && isOpen(job)) void this.say(job, note(`${name} is back online; session ${shortId(job.id)} resumes.`, 'success'));
    }
  }

  /**
   * A revoked machine can no longer report: its unfinished jobs end here, failed, each
   * thread told why, so no thread waits forever for a result that cannot come.
   */
  revoked(machineId: string): Promise<void> {
    return this.inOrder.run(machineId, async () => {
      const { store, clock } = this.options;
      const name = await this.machineName(machineId);
      await this.ledger.forget(machineId);
      const ended = (await store.listJobs({ machineId, active: true, limit: 1_000 })).filter((candidate) => isOpen(candidate) || candidate.delivery === 'choosing_repo');
      // All first, then the posts: nothing else may treat them as still open meanwhile.
      for (const job of ended) await store.updateJob(job.id, { state: 'failed', delivery: 'rejected', updatedAt: clock.now() });
      for (const job of ended) {
        await this.options.refreshStatus(job.id).catch(() => undefined);
        await this.say(job, note(`Machine ${name} was revoked on the bridge, so session ${shortId(job.id)} cannot run or report here any more; it is marked failed. Pair another machine and send the task again.`, 'error'));
      }
    });
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async tellOffline(machineId: string, why: string): Promise<void> {
    // Beside other bridges the machine may have linked to another one meanwhile: not news.
    if (await this.ledger.onlineAnywhere(machineId)) return;
    const name = await this.machineName(machineId);
    const jobs = (await this.options.store.listJobs({ machineId, active: true, limit: 1_000 })).filter(isOpen);
    const toTell = new Set(await this.ledger.claimOffline(machineId, jobs.map((job) => job.id)));
    for (const job of jobs) {
      if (!toTell.has(job.id)) continue;
      const what = job.state === 'queued' ? 'This task is saved and starts when it reconnects.' : 'The session goes on there; its reports arrive here when the machine reconnects.';
      await this.say(job, note(`Your machine ${name} went offline (${why}). ${what}`, 'warning'));
    }
    // A link made elsewhere while these rows were written took no rows back: "back online" is ours to say.
    if (toTell.size > 0 && (await this.ledger.onlineAnywhere(machineId))) await this.tellOnline(machineId);
  }

  private async say(job: JobRecord, message: OutgoingMessage): Promise<void> {
    try {
      await this.options.post(job.thread, { ...message, mention: job.owner });
    } catch (error) {
      this.options.logger.warn('could not post a link notice', { jobId: job.id, error: String(error) });
    }
  }

  private async machineName(machineId: string): Promise<string> {
    return (await this.options.store.getMachine(machineId))?.name ?? 'your machine';
  }
}

function isOpen(job: JobRecord): boolean {
  return job.delivery === 'waiting' || job.delivery === 'accepted';
}

/** The thread's words for a task the machine refused: the reason, and what to do about it. */
export function refusalText(machineName: string, reason: string, code?: string): string {
  const advice = /unknown repository/i.test(reason)
    ? `Add the repository to DISPATCH_REPOS on ${machineName} and restart its runner, or send the task again naming one of its repositories.`
    : /agent/i.test(reason) || code === 'bad_config'
      ? `Install or configure that agent on ${machineName} (DISPATCH_AGENT), or send the task again without naming it.`
      : code === 'not_a_repository' || code === 'empty_repository'
        ? `Fix the repository on ${machineName}, then send the task again.`
        : 'Send the task again once that is fixed on the machine.';
  return `${machineName} refused this task: ${reason}\n${advice}`;
}
