import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { isFinal, type SessionEvent, type SessionState } from '../shared/sessions.js';
import type { MessageRef, OutgoingMessage, Platform, ThreadRef, Transport } from './chat.js';
import { approvalMessage, decidedMessage, decisionVerdict, finalMessage, statusMessage } from './messages.js';
import { grantedMessage } from './grantMessages.js';
import { KeyedSerial } from './keyedSerial.js';
import { NotifyClaims } from './notifyClaims.js';
import type { ApprovalRecord, JobRecord, Store } from './store/store.js';

export interface NotifierOptions {
  store: Store;
  transports: Map<Platform, Transport>;
  clock: Clock;
  logger: Logger;
  approvalTtlMinutes: number;
  /** At most one status edit per job in this window (chat APIs rate-limit edits). */
  editIntervalMs?: number;
  /** Running sessions' status messages are refreshed this often (elapsed time); 0 turns it off. */
  heartbeatMs?: number;
  /** This bridge among others on one database: whose claims are whose (one bridge alone: any id). */
  bridgeId?: string;
  /** How long a job's claim lasts unless renewed (bridge/notifyClaims.ts). */
  claimLeaseMs?: number;
  /** How often held claims are renewed (default a third of the lease). */
  claimRenewMs?: number;
  /**
   * Besides being kicked, look for untold events this often (0: only when kicked). With
   * several bridges it is the backstop for a lost wake-up, and how a dead bridge's jobs are
   * found once their claims expire.
   */
  sweepMs?: number;
}

/** Jobs claimed per round, and events read per job per round. */
const JOBS_PER_ROUND = 20;
/** How an approval that no longer matters says the session ended: "the session was cancelled". */
const ENDED_AS: Partial<Record<SessionState, string>> = {
  cancelled: 'was cancelled',
  interrupted: 'was interrupted',
  failed: 'failed',
  completed: 'ended',
};
const EVENTS_PER_READ = 100;

/**
 * Turns stored session events into chat messages: the job's status message is edited
 * in place (throttled), and approval requests, reminders and endings are posted as new
 * messages that mention the requester — the push notifications. It works from the
 * store's unnotified events, so after a crash it picks up exactly where it stopped.
 *
 * Beside other bridges on one database, it tells only the jobs it holds a claim on
 * (NotifyClaims), a job's events in seq order, and edits only those jobs' status messages.
 * Each event is marked notified right after its message was sent: an event is told at least
 * once, and twice only when a bridge dies (or stalls past its lease) between the chat's
 * answer and that mark — at most one message per job so lost.
 */
export class Notifier {
  private draining: Promise<void> | undefined;
  private again = false;
  private readonly lastEdit = new Map<string, number>();
  private readonly pendingEdits = new Map<string, NodeJS.Timeout>();
  private readonly latestLine = new Map<string, string>();
  /** The command a running session is on ("npm test"), from its "Running `…`…" progress. */
  private readonly currentStep = new Map<string, string>();
  /** When a follow-up turn was queued (its 'queued' state event), for its Elapsed time. */
  private readonly turnStarts = new Map<string, number>();

  private readonly heartbeat: NodeJS.Timeout | undefined;
  private readonly sweep: NodeJS.Timeout | undefined;
  private readonly edits = new KeyedSerial();
  private readonly claims: NotifyClaims;
  private stopped = false;

  constructor(private readonly options: NotifierOptions) {
    this.claims = new NotifyClaims({
      store: options.store,
      bridgeId: options.bridgeId ?? 'this-bridge',
      clock: options.clock,
      logger: options.logger,
      ...(options.claimLeaseMs !== undefined ? { leaseMs: options.claimLeaseMs } : {}),
      ...(options.claimRenewMs !== undefined ? { renewMs: options.claimRenewMs } : {}),
    });
    if (options.sweepMs) this.sweep = setInterval(() => void this.kick().catch(() => undefined), options.sweepMs).unref();
    const every = options.heartbeatMs ?? 30_000;
    if (every > 0) {
      this.heartbeat = setInterval(() => {
        void options.store
          .listJobs({ active: true, delivery: 'accepted', limit: 200 })
          .then((jobs) => Promise.all(jobs.map((job) => this.refreshStatus(job.id))))
          .catch((error) => options.logger.warn('status heartbeat failed', { error: String(error) }));
      }, every).unref();
    }
  }

  /** Posts a message through the thread's transport. */
  async post(thread: ThreadRef, message: OutgoingMessage): Promise<MessageRef> {
    return this.transport(thread.platform).post(thread, message);
  }

  /** Processes every stored event not yet notified; safe to call often. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drain().catch((error: unknown) => this.options.logger.warn('telling stored events failed', { error: String(error) })).finally(() => {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        void this.kick();
      }
    });
    return this.draining;
  }

  /** Edits the job's status message now (`immediate`) or within the throttle window. */
  async refreshStatus(jobId: string, immediate = false): Promise<void> {
    const wait = (this.lastEdit.get(jobId) ?? 0) + (this.options.editIntervalMs ?? 2_000) - this.options.clock.now();
    if (!immediate && wait > 0) {
      if (!this.pendingEdits.has(jobId)) {
        this.pendingEdits.set(jobId, setTimeout(() => void this.refreshStatus(jobId, true), wait).unref());
      }
      return;
    }
    clearTimeout(this.pendingEdits.get(jobId));
    this.pendingEdits.delete(jobId);
    // One edit of a job's status message at a time, each reading the job when its turn comes:
    // with an asynchronous store, an edit that read the job earlier could otherwise land after
    // a newer one and leave the message showing an old state (a heartbeat beside the final edit).
    await this.edits.run(jobId, async () => {
      const job = await this.options.store.getJob(jobId);
      if (!job?.statusMessage) return;
      const transport = this.transport(job.thread.platform);
      if (!transport.canEdit) return;
      // One editor per status message: the bridge telling the job (a heartbeat elsewhere leaves it alone).
      if (!(await this.claims.hold(jobId).catch(() => false))) return;
      this.lastEdit.set(jobId, this.options.clock.now());
      try {
        const machine = await this.machineName(job);
        const turnStartedAt = await this.turnStartOf(job);
        await transport.edit(job.statusMessage, statusMessage(job, machine, this.latestLine.get(jobId), false, this.options.clock.now(), this.currentStep.get(jobId), turnStartedAt));
      } catch (error) {
        this.options.logger.warn('status edit failed', { jobId, error: String(error) });
      }
    });
  }

  /** Posts a final message for a job that ended on the bridge's side (refused by the runner). */
  async jobRejected(job: JobRecord, error: string): Promise<void> {
    this.latestLine.set(job.id, error);
    await this.refreshStatus(job.id, true);
    await this.post(job.thread, { title: 'Could not start the session', text: error, mention: job.owner, tone: 'error' });
  }

  /** Stops telling; the claims are let go once the message in flight is done, so another bridge goes on at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.heartbeat);
    clearInterval(this.sweep);
    for (const timer of this.pendingEdits.values()) clearTimeout(timer);
    this.pendingEdits.clear();
    await this.draining?.catch(() => undefined);
    await this.claims.stop();
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const jobIds = await this.claims.claimWaiting(JOBS_PER_ROUND);
      if (jobIds.length === 0) return;
      for (const jobId of jobIds) await this.drainJob(jobId);
    }
  }

  /** Tells a claimed job's untold events in seq order; lets the claim go once the job has ended and all is told. */
  private async drainJob(jobId: string): Promise<void> {
    const { store, logger } = this.options;
    for (;;) {
      const events = await store.unnotifiedEventsOf(jobId, EVENTS_PER_READ);
      if (events.length === 0) break;
      for (const event of events) {
        if (this.stopped) return;
        // Checked before each message: a bridge that stalled past its lease must not tell what another took over.
        if (!(await this.claims.hold(jobId))) return;
        const job = await store.getJob(jobId);
        try {
          if (job) await this.notify(job, event);
        } catch (error) {
          // A chat API that keeps failing must not wedge every later notification.
          logger.error('notification failed', { jobId, seq: event.seq, error: String(error) });
        }
        await store.markNotified(jobId, event.seq);
      }
    }
    const job = await store.getJob(jobId);
    if (job && !isFinal(job.state)) return;
    await this.claims.release(jobId);
    this.forget(jobId);
  }

  /** What was kept to draw a job's status message, once the job has ended. */
  private forget(jobId: string): void {
    if (this.pendingEdits.has(jobId)) return;
    this.lastEdit.delete(jobId);
    this.latestLine.delete(jobId);
    this.currentStep.delete(jobId);
    this.turnStarts.delete(jobId);
  }

  /**
   * When the running turn started, if it is a follow-up (an earlier turn left a result):
   * from its 'queued' event as told, or, on a bridge that did not tell it (restarted, or
   * another bridge's), from the stored events once. Undefined for a first turn.
   */
  private async turnStartOf(job: JobRecord): Promise<number | undefined> {
    if (isFinal(job.state) || !job.result) return undefined;
    const known = this.turnStarts.get(job.id);
    if (known !== undefined) return known;
    const events = await this.options.store.events(job.id).catch(() => []);
    const queued = events.filter((event) => event.kind === 'state' && event.state === 'queued').pop();
    if (queued) this.turnStarts.set(job.id, queued.at);
    return queued?.at;
  }

  private async notify(job: JobRecord, event: SessionEvent): Promise<void> {
    switch (event.kind) {
      case 'progress': {
        const step = /^Running `([^`\n]{1,200})`…$/.exec(event.text)?.[1];
        if (step) this.currentStep.set(job.id, step);
        this.latestLine.set(job.id, event.text.split('\n').slice(-3).join('\n'));
        await this.refreshStatus(job.id);
        return;
      }
      case 'workspace':
        await this.refreshStatus(job.id);
        return;
      case 'approval_requested': {
        await this.refreshStatus(job.id, true);
        const posted = await this.post(job.thread, approvalMessage(job, event.request, this.options.approvalTtlMinutes));
        await this.options.store.setApprovalMessage(job.id, event.request.requestId, posted.messageId);
        return;
      }
      case 'approval_resolved': {
        // Answered on the machine (editor, terminal): the chat's buttons say so and stop working.
        const open = await this.options.store.approval(job.id, event.decision.requestId);
        // The buttons are closed only by whoever decided it: a chat press that won meanwhile closes its own.
        if (open && !open.decision && (await this.options.store.decideApproval(job.id, event.decision.requestId, event.decision, event.at))) {
          await this.closeApproval(job, open, decisionVerdict(event.decision), event.decision.decidedBy ?? 'the machine');
        }
        return;
      }
      case 'approval_granted':
        await this.post(job.thread, grantedMessage(job, event.request, event.grant, event.at));
        return;
      case 'approval_reminder': {
        const request = job.pendingApprovals.find((pending) => pending.requestId === event.requestId);
        if (request) await this.post(job.thread, approvalMessage(job, request, this.options.approvalTtlMinutes, true));
        return;
      }
      case 'result':
        return;
      case 'state':
        // A step ends when the session waits, stops or starts over; after an approval it runs again.
        if (event.state !== 'running') this.currentStep.delete(job.id);
        if (event.message) this.latestLine.set(job.id, event.message);
        if (event.state === 'queued') this.turnStarts.set(job.id, event.at);
        // At the end the status shows the outcome, not the last progress line.
        if (isFinal(event.state)) this.latestLine.set(job.id, event.message ?? job.result?.summary.split('\n')[0] ?? event.state);
        if (!isFinal(event.state)) {
          // A phase change shows at once: "waiting for your approval" must not outlive the approval.
          await this.refreshStatus(job.id, true);
          return;
        }
        await this.refreshStatus(job.id, true);
        for (const open of await this.options.store.unansweredApprovals(job.id)) {
          const moot = { requestId: open.request.requestId, decision: 'deny' as const, reason: `the session ended (${event.state})`, decidedBy: 'Dispatch' };
          if (await this.options.store.decideApproval(job.id, open.request.requestId, moot, event.at)) await this.closeApproval(job, open, `No longer needed: the session ${ENDED_AS[event.state] ?? 'ended'}`);
        }
        // The ending is judged from the event, not the job row, which may already be newer (a follow-up).
        await this.post(job.thread, finalMessage({ ...job, state: event.state }, await this.machineName(job)));
        return;
    }
  }

  /** Replaces an approval request's message (and its buttons) with what became of it. */
  private async closeApproval(job: JobRecord, approval: ApprovalRecord, verdict: string, by?: string): Promise<void> {
    if (!approval.messageId) return;
    const transport = this.transport(job.thread.platform);
    if (!transport.canEdit) return;
    await transport.edit({ thread: job.thread, messageId: approval.messageId }, decidedMessage(approval.request, verdict, by));
  }

  private async machineName(job: JobRecord): Promise<string> {
    return (await this.options.store.getMachine(job.machineId))?.name ?? 'your machine';
  }

  private transport(platform: Platform): Transport {
    const transport = this.options.transports.get(platform);
    if (!transport) throw new Error(`No ${platform} transport is running`);
    return transport;
  }
}
