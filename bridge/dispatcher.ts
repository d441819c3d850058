import type { Clock } from '../shared/clock.js';
import { DispatchError, asDispatchError } from '../shared/errors.js';
import { newId, shortId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import type { RoutingContext } from '../shared/routing/context.js';
import { MAX_TASK_LENGTH, isFinal } from '../shared/sessions.js';
import { parseButtonValue, type ButtonAction } from './buttons.js';
import { endGrantFromChat } from './grantButtons.js';
import { grantGivenMessage } from './grantMessages.js';
import type { ButtonPress, ButtonReply, ChatHandler, ChatMessage, ChatUser, OutgoingMessage, ThreadRef } from './chat.js';
import { parseCommand, runCommand, sessionsOverview, type CommandContext } from './commands.js';
import type { CoworkResponder } from './cowork.js';
import { chooseRepoMessage, coworkMessage, decidedMessage, decisionVerdict, followUpSentText, INSTEAD_TASK, note, shipAskMessage, statusMessage } from './messages.js';
import type { ThreadLinkOptions } from './shipLinks.js';
import { shipFromChat } from './shipping.js';
import { shipIntent } from './shipIntent.js';
import type { MachineLinks } from './machineLinks.js';
import type { RouteAdvisor } from './modelRouter.js';
import type { Notifier } from './notifier.js';
import type { Pairing } from './pairing.js';
import { forceCode, routeMessage, type RoutedMessage } from './routeMessage.js';
import { KeyedSerial } from './keyedSerial.js';
import type { CoworkReplyRecord, JobRecord, MachineRecord, PairingRecord, Store } from './store/store.js';

export interface DispatcherOptions {
  store: Store;
  machines: MachineLinks;
  pairing: Pairing;
  cowork: CoworkResponder;
  /** A model's second opinion on routes (ANTHROPIC_API_KEY set); the local router alone without it. */
  advisor?: RouteAdvisor;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** `platform:userId` entries; when set, nobody else is served. */
  allowedUsers?: string[];
  /** `platform:userId` entries who may press anyone's buttons. */
  admins?: string[];
  /** What links back to a thread need beyond the ThreadRef (the pull request's body links the chat). */
  threadLinks?: ThreadLinkOptions;
}

/**
 * Decides what each chat message is — a command, a pairing, a follow-up in a job's
 * thread, or a task to route to Code or Cowork — and what each button press does.
 * It speaks only the chat vocabulary of chat.ts and the Store interface.
 */
export class Dispatcher implements ChatHandler {
  private readonly presses = new KeyedSerial();

  constructor(private readonly options: DispatcherOptions) {}

  async onMessage(message: ChatMessage): Promise<void> {
    const { logger, store } = this.options;
    // Known false only once the thread is read and has no job: then a job found after a failure is this message's.
    let threadHadJob = true;
    try {
      // Chatter in a thread that does not name the bot counts only as the requester's follow-up: no reply otherwise.
      if (message.addressed === false) {
        const owner = (await store.findJobByThread(message.thread))?.owner;
        if (!owner || identity(owner) !== identity(message.user)) return;
      }
      if (!this.isAllowed(message.user)) {
        await this.reply(message.thread, note(`Sorry, this Dispatch bridge doesn't serve you. Ask its admin to add ${identity(message.user)} to DISPATCH_ALLOWED_USERS.`, 'warning'));
        return;
      }
      const text = message.text.trim();
      if (text === '') return;
      // Checked before anything is stored: an over-long message changes nothing.
      if (message.text.length > MAX_MESSAGE_LENGTH) {
        await this.reply(message.thread, note(messageTooLong(message.text.length), 'warning'));
        return;
      }
      const job = await store.findJobByThread(message.thread);
      threadHadJob = job !== undefined;
      const command = parseCommand(text);
      if (command) {
        await this.reply(message.thread, await runCommand(command, this.commandContext(message, job)));
        return;
      }
      if (job) {
        // One session per thread: only its requester continues it.
        if (identity(job.owner) === identity(message.user)) await this.followUpOrShip(job, text, message.thread);
        else await this.reply(message.thread, note("This thread is someone else's session. Start your own task in a new message to me.", 'warning'));
        return;
      }
      await this.startTask(message, text);
    } catch (thrown) {
      const error = asDispatchError(thrown);
      // Someone unpaired, a wrong code, a limit: the person is told; the log is not alarmed.
      (EXPECTED.has(error.code) ? logger.info : logger.error).call(logger, 'message handling failed', { code: error.code, error: error.message });
      await this.reply(message.thread, note(await this.failureText(error, message.thread, threadHadJob), 'error')).catch(() => undefined);
    }
  }

  /**
   * What to tell the person when handling their message threw. A task stored before the
   * failure still runs (the sweep offers it), so "nothing was started" would be untrue then.
   */
  private async failureText(error: DispatchError, thread: ThreadRef, threadHadJob: boolean): Promise<string> {
    if (error.code !== 'internal') return error.message;
    const stored = !threadHadJob && (await this.options.store.findJobByThread(thread).catch(() => undefined));
    return stored
      ? 'Something went wrong on the bridge after your task was saved. It stays queued and runs when your machine takes it; this thread may miss its status.'
      : 'Something went wrong on the bridge; nothing was started. Try again.';
  }

  async onButton(press: ButtonPress): Promise<ButtonReply> {
    const action = parseButtonValue(press.value);
    if (!action) return { ephemeral: "That button isn't valid." };
    // Presses of one reply queue: claimCoworkReply lets a claim whose job was never written
    // (a full disk) be taken again, and the job is written a few awaits after the claim, so two
    // presses at once could otherwise both claim and start two sessions.
    if (action.kind === 'run_as_code') return this.presses.run(`cowork:${action.replyId}`, () => this.runAsCode(action.replyId, press.user));
    // "Choose a repository" and "cancel" check the job, then change it; the store has no atomic
    // step for them, so presses of one job queue here, each reading the job as the one before
    // left it (else two quick presses both pass: two status messages, two offers). Approvals
    // need no queue: decideApproval decides once. Shipping may take minutes and is not held up.
    const pressJob = async (): Promise<ButtonReply> => {
      const job = await this.options.store.getJob(action.jobId);
      if (!job) return { ephemeral: 'That session no longer exists.' };
      if (!this.mayAct(press.user, job)) return { ephemeral: 'Only the requester can do that.' };
      try {
        return await this.act(action, job, press.user);
      } catch (thrown) {
        const error = asDispatchError(thrown);
        this.options.logger.error('button failed', { code: error.code, error: error.message, jobId: job.id });
        return { ephemeral: error.message };
      }
    };
    return action.kind === 'choose_repo' || action.kind === 'cancel' ? this.presses.run(action.jobId, pressJob) : pressJob();
  }

  async overview(user: ChatUser): Promise<OutgoingMessage> {
    return this.isAllowed(user) ? sessionsOverview(this.options.store, user) : note('This Dispatch bridge does not serve you.');
  }

  private async startTask(message: ChatMessage, text: string): Promise<void> {
    // One read of the person's pairings serves the check, the routing context and the machine.
    const pairings = await this.options.store.pairings(message.user);
    // The model router spends the owner's key too: only for people the bridge serves.
    const serves = this.serves(message.user, pairings);
    const advisor = serves ? this.options.advisor : undefined;
    const routed = await routeMessage(text, await this.routingContext(pairings), advisor);
    if (routed.decision.route === 'cowork') {
      // Cowork may spend the owner's model key: only for people the bridge serves, never a stranger's DM.
      if (!serves) {
        await this.reply(message.thread, note(UNPAIRED_HINT, 'warning'));
        return;
      }
      await this.answerCowork(message, text, routed);
      return;
    }
    await this.startCode(message.user, message.thread, await this.defaultMachine(message.user, pairings), routed);
  }

  /** The repositories of the machine a message would run on, for the router; none before pairing. */
  private async routingContext(pairings: readonly PairingRecord[]): Promise<RoutingContext | undefined> {
    const chosen = pairings.find((pairing) => pairing.isDefault) ?? pairings[0];
    return chosen ? { repos: await this.options.store.routingRepos(chosen.machineId) } : undefined;
  }

  /** Answers in the thread, with a "Run as a Code session" button whose text is stored (it outlives a restart). */
  private async answerCowork(message: ChatMessage, text: string, routed: RoutedMessage): Promise<void> {
    const { store, clock } = this.options;
    const { decision, decidedBy } = routed;
    await store.audit({ at: clock.now(), actor: identity(message.user), action: 'route', detail: { route: 'cowork', reason: decision.reason, decidedBy } });
    const answer = await this.options.cowork.answer(decision.task);
    const reply: CoworkReplyRecord = { id: newId(), owner: message.user, thread: message.thread, text, answer, createdAt: clock.now() };
    try {
      await store.saveCoworkReply(reply);
    } catch (thrown) {
      // A full disk costs the button, not the answer.
      this.options.logger.warn('saving a Cowork reply failed; it goes out without its button', { error: asDispatchError(thrown).message });
      await this.reply(message.thread, note(answer));
      return;
    }
    await this.reply(message.thread, coworkMessage(reply));
  }

  /** "Run as a Code session": the same text as a forced Code session, for the same person, in the same thread. */
  private async runAsCode(replyId: string, user: ChatUser): Promise<ButtonReply> {
    const { store, clock } = this.options;
    const reply = await store.getCoworkReply(replyId);
    if (!reply) return { ephemeral: 'That answer is too old to re-run. Send the message again, starting with "open a Code session and …".' };
    if (identity(user) !== identity(reply.owner)) return { ephemeral: 'Only the person who asked can run this as a Code session.' };
    if (reply.jobId && (await store.getJob(reply.jobId))) return { ephemeral: `This already runs as Code session ${shortId(reply.jobId)}.` };
    if (!this.isAllowed(user)) return { ephemeral: "Sorry, this Dispatch bridge doesn't serve you." };
    // One session per thread: a task started here since the answer keeps the thread.
    const running = await store.findJobByThread(reply.thread);
    if (running) return { ephemeral: `This thread already has Code session ${shortId(running.id)}; reply in it to continue that one.` };
    try {
      const machine = await this.defaultMachine(user);
      const jobId = newId();
      // Claimed before the job exists: a second press (or a second bridge) starts nothing more.
      if (!(await store.claimCoworkReply(reply.id, jobId))) return { ephemeral: 'This already runs as a Code session.' };
      await store.audit({ at: clock.now(), actor: identity(user), action: 're_route', jobId, detail: { from: 'cowork', to: 'code', replyId: reply.id } });
      await this.startCode(user, reply.thread, machine, forceCode(reply.text, { repos: await store.routingRepos(machine.id) }), jobId);
      return { update: coworkMessage({ ...reply, jobId }) };
    } catch (thrown) {
      const error = asDispatchError(thrown);
      this.options.logger.error('re-run as a Code session failed', { code: error.code, error: error.message });
      return { ephemeral: error.code === 'internal' ? 'Something went wrong on the bridge; nothing was started. Try again.' : error.message };
    }
  }

  private async startCode(owner: ChatUser, thread: ThreadRef, machine: MachineRecord, routed: RoutedMessage, id = newId()): Promise<void> {
    const { store, clock } = this.options;
    const { decision, decidedBy } = routed;
    const actor = identity(owner);
    const now = clock.now();
    const choice = chooseRepo(machine, decision.repoHint);
    const job: JobRecord = {
      id,
      owner,
      machineId: machine.id,
      task: decision.task,
      ...(choice.repo ? { repo: choice.repo } : {}),
      ...(routed.agent ? { agent: routed.agent } : {}),
      forced: decision.forced,
      routeReason: decision.reason,
      thread,
      delivery: choice.ask ? 'choosing_repo' : 'waiting',
      state: 'queued',
      lastSeq: 0,
      pendingApprovals: [],
      createdAt: now,
      updatedAt: now,
    };
    // Written before anything is acknowledged to the user: a crash from here on loses nothing.
    await store.createJob(job);
    await store.audit({ at: now, actor, action: 'route', jobId: job.id, detail: { route: 'code', forced: decision.forced, reason: decision.reason, decidedBy } });
    if (choice.ask) {
      await this.reply(thread, chooseRepoMessage(job, choice.ask, decision.repoHint));
      return;
    }
    await this.postStatusAndOffer(job, machine);
  }

  private async postStatusAndOffer(job: JobRecord, machine: MachineRecord): Promise<void> {
    const online = await this.options.machines.isOnline(machine.id);
    const ref = await this.options.notifier.post(job.thread, statusMessage(job, machine.name, `Routed to Code: ${job.routeReason}.`, !online));
    await this.options.store.updateJob(job.id, { statusMessage: ref });
    // Not awaited: the chat hears "routed" at once; offer() logs its own failures and the job stays waiting.
    if (online) void this.options.machines.offer((await this.options.store.getJob(job.id)) ?? job);
  }

  /** "push it", "open a PR": asked with buttons first (a message is not an approval); anything else continues the session. */
  private async followUpOrShip(job: JobRecord, text: string, thread: ThreadRef): Promise<void> {
    const intent = shipIntent(text);
    if (intent && job.delivery !== 'choosing_repo') await this.reply(thread, shipAskMessage(job, intent));
    else await this.followUp(job, text, thread);
  }

  /** Push branch / Open pull request (shipping.ts); the owner check is done. */
  private ship(action: Extract<ButtonAction, { kind: 'ship' }>, job: JobRecord, user: ChatUser): Promise<ButtonReply> {
    const { store, machines, notifier, clock, logger, threadLinks } = this.options;
    return shipFromChat({ store, machines, notifier, clock, logger, ...(threadLinks ? { threadLinks } : {}) }, job, user, action);
  }

  private async followUp(job: JobRecord, text: string, thread: ThreadRef): Promise<void> {
    if (job.delivery === 'choosing_repo') {
      await this.reply(thread, note('Pick a repository with the buttons above first.'));
      return;
    }
    const sent = await this.options.machines.followUp(job, text);
    await this.options.store.audit({ at: this.options.clock.now(), actor: identity(job.owner), action: 'follow_up', jobId: job.id });
    await this.reply(thread, sent ? note(followUpSentText(job)) : note('Your machine is offline, so the follow-up was not sent. Send it again when the machine is back.', 'warning'));
  }

  private async act(action: Exclude<ButtonAction, { kind: 'run_as_code' }>, job: JobRecord, user: ChatUser): Promise<ButtonReply> {
    const { store, clock, machines } = this.options;
    const by = user.displayName ?? user.userId;
    if (action.kind === 'cancel') return { ephemeral: await this.cancel(job, user) };
    if (action.kind === 'end_grant') return endGrantFromChat({ store, clock, machines }, job, user, action.grantId);
    if (action.kind === 'instead') {
      if (!isFinal(job.state)) return { ephemeral: 'The session is still running.' };
      await this.followUp(job, INSTEAD_TASK[action.check], job.thread);
      return { ephemeral: `Asked the session to ${INSTEAD_TASK[action.check]}.` };
    }
    if (action.kind === 'ship') return this.ship(action, job, user);
    if (action.kind === 'choose_repo') {
      const machine = await store.getMachine(job.machineId);
      if (job.delivery !== 'choosing_repo' || !machine?.repos.some((repo) => repo.name === action.repo)) return { ephemeral: 'That choice is no longer open.' };
      await store.updateJob(job.id, { repo: action.repo, delivery: 'waiting' });
      await this.postStatusAndOffer((await store.getJob(job.id))!, machine);
      return { update: note(`Repository: ${action.repo} (chosen by ${by}).`) };
    }
    const request = (await store.approval(job.id, action.requestId))?.request;
    if (!request) return { ephemeral: 'That approval request is unknown.' };
    if (isFinal(job.state)) return { ephemeral: `Too late: the session has ${job.state === 'completed' || job.state === 'failed' ? 'ended' : `been ${job.state}`}.` };
    const decision =
      action.kind === 'deny'
        ? { requestId: action.requestId, decision: 'deny' as const, reason: `${by} said no in the chat`, decidedBy: identity(user) }
        : action.kind === 'approve_for'
          ? { requestId: action.requestId, decision: 'approve_for' as const, minutes: action.minutes, decidedBy: identity(user) }
          : { requestId: action.requestId, decision: 'approve_once' as const, decidedBy: identity(user) };
    // The store decides once, also between bridges: only the press that won tells the machine.
    if (!(await store.decideApproval(job.id, action.requestId, decision, clock.now()))) return { ephemeral: 'That request was already answered.' };
    await store.audit({ at: clock.now(), actor: identity(user), action: decision.decision, jobId: job.id, detail: { requestId: action.requestId } });
    const delivered = await machines.decide(job, decision);
    const verdict = decisionVerdict(decision);
    return {
      update: decision.decision === 'approve_for' ? grantGivenMessage(job, request, decision.minutes, by, clock.now()) : decidedMessage(request, verdict, by),
      ...(delivered ? {} : { ephemeral: 'Your machine is offline; the decision is saved and reaches it when it reconnects.' }),
    };
  }

  private async cancel(job: JobRecord, user: ChatUser): Promise<string> {
    const { store, clock, machines } = this.options;
    if (isFinal(job.state)) return `Session is already ${job.state}.`;
    await store.audit({ at: clock.now(), actor: identity(user), action: 'cancel', jobId: job.id });
    if (job.delivery === 'waiting' || job.delivery === 'choosing_repo') {
      // Never reached the machine: cancel it here.
      await store.updateJob(job.id, { state: 'cancelled', delivery: 'rejected', updatedAt: clock.now() });
      await this.options.notifier.refreshStatus(job.id, true);
      return 'Cancelled before it started.';
    }
    return (await machines.cancel(job)) ? 'Cancelling…' : 'Your machine is offline; try again when it is back.';
  }

  private commandContext(message: ChatMessage, job: JobRecord | undefined): CommandContext {
    return {
      user: message.user,
      thread: message.thread,
      ...(job ? { threadJob: job } : {}),
      store: this.options.store,
      pairing: this.options.pairing,
      machines: this.options.machines,
      isAdmin: (this.options.admins ?? []).includes(identity(message.user)),
      cancel: async (target) => (this.mayAct(message.user, target) ? this.cancel(target, message.user) : 'Only the requester can do that.'),
    };
  }

  private async defaultMachine(user: ChatUser, known?: readonly PairingRecord[]): Promise<MachineRecord> {
    const pairings = known ?? (await this.options.store.pairings(user));
    const chosen = pairings.find((pairing) => pairing.isDefault) ?? pairings[0];
    const machine = chosen && (await this.options.store.getMachine(chosen.machineId));
    if (!machine) {
      throw new DispatchError('forbidden', "You haven't paired a machine yet. Run `dispatch pair` on your machine, then send `pair CODE` here.");
    }
    return machine;
  }

  private isAllowed(user: ChatUser): boolean {
    const allowed = this.options.allowedUsers;
    return !allowed || allowed.length === 0 || allowed.includes(identity(user));
  }

  /** Paired with a machine, or named on the allowlist: not merely "no allowlist set". */
  private serves(user: ChatUser, pairings: readonly PairingRecord[]): boolean {
    return (this.options.allowedUsers ?? []).includes(identity(user)) || pairings.length > 0;
  }

  private mayAct(user: ChatUser, job: JobRecord): boolean {
    return identity(user) === identity(job.owner) || (this.options.admins ?? []).includes(identity(user));
  }

  private async reply(thread: ThreadRef, message: OutgoingMessage): Promise<void> {
    await this.options.notifier.post(thread, message);
  }
}

/** Conditions a person caused and is told about; everything else is the bridge's own error. */
const EXPECTED = new Set<string>(['bad_input', 'forbidden', 'rate_limited', 'not_found', 'conflict']);

const UNPAIRED_HINT = "I only answer people paired with a machine. Run `dispatch pair` on your machine, then send `pair CODE` here.";

/** The longest chat message the bridge takes (the same as a task's limit on the machine). */
export const MAX_MESSAGE_LENGTH = MAX_TASK_LENGTH;

function messageTooLong(length: number): string {
  return `That message is too long (at most ${MAX_MESSAGE_LENGTH.toLocaleString('en-US')} characters): it has ${length.toLocaleString('en-US')}. Nothing was started: shorten it, or put the details in a file in the repository and point to it.`;
}

/** `platform:userId`, the form used in allowlists, admin lists and the audit log. */
export function identity(user: ChatUser): string {
  return `${user.platform}:${user.userId}`;
}

/** The router's hint, else the machine's default; ambiguous → the names to ask about. */
function chooseRepo(machine: MachineRecord, hint: string | undefined): { repo?: string; ask?: string[] } {
  const names = machine.repos.map((repo) => repo.name);
  if (hint && names.length > 0) {
    const wanted = hint.toLowerCase();
    const exact = names.find((name) => name.toLowerCase() === wanted);
    if (exact) return { repo: exact };
    const partial = names.filter((name) => name.toLowerCase().includes(wanted));
    if (partial.length === 1) return { repo: partial[0]! };
    // A name the machine does not know, or one several fit, is asked about: never run silently in the default.
    return { ask: partial.length > 1 ? partial : names };
  }
  const fallback = machine.repos.find((repo) => repo.default)?.name;
  if (fallback || names.length <= 1) return fallback ? { repo: fallback } : {};
  return { ask: names };
}
