// Where a benchmark task's time goes, and what became of one that was not accepted: the
// moments its job was stored, its machine's bridge was woken, the bridge sent job/offer,
// the runner got it, and the acceptance was stored; and how many SQL statements the
// process sent meanwhile. Wraps the instances' methods (bench only; the code is untouched).
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { Bridge } from '../bridge/bridge.js';
import type { JobRecord } from '../bridge/store/store.js';

export type Mark = 'typed' | 'stored' | 'woken' | 'offered' | 'atRunner' | 'answered' | 'accepted';

export interface TaskTimes {
  jobId?: string;
  /** ms since the round started, first occurrence of each mark; offers are counted (a second one is a re-offer). */
  at: Partial<Record<Mark, number>>;
  offers: number;
  /** Which bridge (index) sent the offers. */
  offeredBy: number[];
}

/** The benchmark's user i is `U${i}`; every job of a round is found from its owner. */
const userIndex = (job: JobRecord): number | undefined => {
  const match = /^U(\d+)$/.exec(job.owner.userId);
  return match ? Number(match[1]) : undefined;
};

export class TaskTimeline {
  private tasks = new Map<number, TaskTimes>();
  private readonly byJob = new Map<string, number>();
  private started = performance.now();
  /** Every acceptance stored, by job id, in ms of performance.now() (kept across rounds: a missed task may be accepted late). */
  readonly acceptedAt = new Map<string, number>();
  private statementsAtStart = 0;
  /** The queue (callers waiting for a connection) of the pool the acceptance goes through, when each acceptance write started. */
  poolWaiting: number[] = [];
  /** SQL statements this process sent (every pool, the listener, the NOTIFY publisher). */
  static statements = 0;
  /** When set, the text of every statement is pushed here (to see what one task costs). */
  static trace: string[] | undefined;

  /** Counts statements from here on (once per process). */
  static countStatements(): void {
    const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; counted?: boolean };
    if (proto.counted) return;
    const query = proto.query;
    proto.query = function (this: unknown, ...args: unknown[]) {
      TaskTimeline.statements += 1;
      if (TaskTimeline.trace) TaskTimeline.trace.push(`${performance.now().toFixed(1)} ${typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text ?? '?')}`);
      return query.apply(this, args);
    };
    proto.counted = true;
  }

  /** Watches one bridge: job stored, machine woken, offer sent, acceptance stored. */
  watch(bridge: Bridge, index: number, onAccepted: (i: number) => void): void {
    const { store, hub, cluster } = bridge;
    const createJob = store.createJob.bind(store);
    store.createJob = async (job) => {
      await createJob(job);
      const i = userIndex(job);
      if (i === undefined) return;
      this.byJob.set(job.id, i);
      this.task(i).jobId = job.id;
      this.mark(i, 'stored');
    };
    const updateJob = store.updateJob.bind(store);
    store.updateJob = async (id, patch) => {
      // The runner's answer is back on the bridge and the acceptance write starts: what comes
      // after is the pool and the database, what comes before is the link and the event loop.
      const answered = patch.delivery === 'accepted' ? this.byJob.get(id) : undefined;
      if (answered !== undefined) {
        this.mark(answered, 'answered');
        const pools = store as { pool?: { waitingCount: number }; deliveryLane?: { waitingCount: number } };
        const pool = pools.deliveryLane ?? pools.pool;
        if (pool) this.poolWaiting.push(pool.waitingCount);
      }
      await updateJob(id, patch);
      if (patch.delivery === 'accepted' && !this.acceptedAt.has(id)) this.acceptedAt.set(id, performance.now());
      const i = this.byJob.get(id);
      if (i === undefined || patch.delivery !== 'accepted') return;
      const first = this.task(i).at.accepted === undefined;
      this.mark(i, 'accepted');
      if (first) onAccepted(i);
    };
    const offer = hub.offer.bind(hub);
    hub.offer = async (job) => {
      const i = this.byJob.get(job.id);
      if (i !== undefined && hub.isOnline(job.machineId)) {
        this.mark(i, 'offered');
        this.task(i).offers += 1;
        this.task(i).offeredBy.push(index);
      }
      return offer(job);
    };
    const publish = cluster.wakeBus.publish.bind(cluster.wakeBus);
    cluster.wakeBus.publish = async (topic, payload) => {
      await publish(topic, payload);
      const match = topic === 'machine' ? /^bench-m(\d+)$/.exec(payload) : null;
      if (match) this.mark(Number(match[1]), 'woken');
    };
  }

  /** A new round: marks are kept per user index, from zero. */
  reset(): void {
    this.tasks = new Map();
    this.byJob.clear();
    this.started = performance.now();
    this.poolWaiting = [];
    this.statementsAtStart = TaskTimeline.statements;
  }

  mark(i: number, what: Mark): void {
    const times = this.task(i);
    times.at[what] ??= performance.now() - this.started;
  }

  /** The job of task i and when it was typed (performance.now()), to follow a missed task after its round. */
  followUp(i: number): { jobId: string | undefined; typedAt: number } {
    const times = this.task(i);
    return { jobId: times.jobId, typedAt: this.started + (times.at.typed ?? 0) };
  }

  /** ms between two marks of task i, when both happened. */
  between(i: number, from: Mark, to: Mark): number | undefined {
    const { at } = this.task(i);
    return at[from] !== undefined && at[to] !== undefined ? at[to]! - at[from]! : undefined;
  }

  statementsSinceReset(): number {
    return TaskTimeline.statements - this.statementsAtStart;
  }

  /** One line: each mark in ms since typed, the offers sent and by which bridge. */
  describe(i: number): string {
    const { jobId, at, offers, offeredBy } = this.task(i);
    const typed = at.typed ?? 0;
    const marks = (Object.keys(at) as Mark[]).map((mark) => `${mark} +${(at[mark]! - typed).toFixed(1)} ms`).join(', ');
    return `job ${jobId ?? 'not stored'}: ${marks}; ${offers} offer(s) sent${offers ? ` by bridge ${offeredBy.join(',')}` : ''}`;
  }

  private task(i: number): TaskTimes {
    let times = this.tasks.get(i);
    if (!times) this.tasks.set(i, (times = { at: {}, offers: 0, offeredBy: [] }));
    return times;
  }
}
