import type { Clock } from '../shared/clock.js';
import { DispatchError, asDispatchError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { parseAgentPrefix } from '../shared/routing/agentPrefix.js';
import { route } from '../shared/routing/route.js';
import { isFinal } from '../shared/sessions.js';
import { parseButtonValue, type ButtonAction } from './buttons.js';
import type { ButtonPress, ButtonReply, ChatHandler, ChatMessage, ChatUser, OutgoingMessage, ThreadRef } from './chat.js';
import { parseCommand, runCommand, sessionsOverview, type CommandContext } from './commands.js';
import type { CoworkResponder } from './cowork.js';
import { chooseRepoMessage, decidedMessage, decisionVerdict, INSTEAD_TASK, note, statusMessage } from './messages.js';
import type { MachineLinks } from './machineLinks.js';
import type { Notifier } from './notifier.js';
import type { Pairing } from './pairing.js';
import type { JobRecord, MachineRecord, Store } from './store/store.js';

export interface DispatcherOptions {
  store: Store;
  machines: MachineLinks;
  pairing: Pairing;
  cowork: CoworkResponder;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  /** `platform:userId` entries; when set, nobody else is served. */
  allowedUsers?: string[];
  /** `platform:userId` entries who may press anyone's buttons. */
  admins?: string[];
}

/**
 * Decides what each chat message is — a command, a pairing, a follow-up in a job's
 * thread, or a task to route to Code or Cowork — and what each button press does.
 * It speaks only the chat vocabulary of chat.ts and the Store interface.
 */
export class Dispatcher implements ChatHandler {
  constructor(private readonly options: DispatcherOptions) {}

  async onMessage(message: ChatMessage): Promise<void> {
    const { logger, store } = this.options;
    try {
      // Chatter in a thread that does not name the bot counts only as the requester's follow-up: no reply otherwise.
      if (message.addressed === false) {
        const owner = store.findJobByThread(message.thread)?.owner;
        if (!owner || identity(owner) !== identity(message.user)) return;
      }
      if (!this.isAllowed(message.user)) {
        await this.reply(message.thread, note(`Sorry, this Dispatch bridge doesn't serve you. Ask its admin to add ${identity(message.user)} to DISPATCH_ALLOWED_USERS.`, 'warning'));
        return;
      }
      const text = message.text.trim();
      if (text === '') return;
      const job = store.findJobByThread(message.thread);
      const command = parseCommand(text);
      if (command) {
        await this.reply(message.thread, await runCommand(command, this.commandContext(message, job)));
        return;
      }
      if (job) {
        // One session per thread: only its requester continues it.
        if (identity(job.owner) === identity(message.user)) await this.followUp(job, text, message.thread);
        else await this.reply(message.thread, note("This thread is someone else's session. Start your own task in a new message to me.", 'warning'));
        return;
      }
      await this.startTask(message, text);
    } catch (thrown) {
      const error = asDispatchError(thrown);
      logger.error('message handling failed', { code: error.code, error: error.message });
      await this.reply(message.thread, note(error.code === 'internal' ? 'Something went wrong on the bridge; nothing was started. Try again.' : error.message, 'error')).catch(() => undefined);
    }
  }

  async onButton(press: ButtonPress): Promise<ButtonReply> {
    const action = parseButtonValue(press.value);
    if (!action) return { ephemeral: "That button isn't valid." };
    const job = this.options.store.getJob(action.jobId);
    if (!job) return { ephemeral: 'That session no longer exists.' };
    if (!this.mayAct(press.user, job)) return { ephemeral: 'Only the requester can do that.' };
    try {
      return await this.act(action, job, press.user);
    } catch (thrown) {
      const error = asDispatchError(thrown);
      this.options.logger.error('button failed', { code: error.code, error: error.message, jobId: job.id });
      return { ephemeral: error.message };
    }
  }

  async overview(user: ChatUser): Promise<OutgoingMessage> {
    return this.isAllowed(user) ? sessionsOverview(this.options.store, user) : note('This Dispatch bridge does not serve you.');
  }

  private async startTask(message: ChatMessage, text: string): Promise<void> {
    const { store, clock, machines } = this.options;
    const chosen = parseAgentPrefix(text);
    const routed = route(chosen.text);
    // "with codex: …" names a coding backend, so it asks for a Code session like the override does.
    const decision = chosen.agent && routed.route === 'cowork' ? { ...routed, route: 'code' as const, forced: true, reason: `forced: the message asks for the ${chosen.agent} agent` } : routed;
    const actor = identity(message.user);
    if (decision.route === 'cowork') {
      store.audit({ at: clock.now(), actor, action: 'route', detail: { route: 'cowork', reason: decision.reason } });
      await this.reply(message.thread, note(await this.options.cowork.answer(decision.task)));
      return;
    }
    const machine = this.defaultMachine(message.user);
    const now = clock.now();
    const choice = chooseRepo(machine, decision.repoHint);
    const job: JobRecord = {
      id: newId(),
      owner: message.user,
      machineId: machine.id,
      task: decision.task,
      ...(choice.repo ? { repo: choice.repo } : {}),
      ...(chosen.agent ? { agent: chosen.agent } : {}),
      forced: decision.forced,
      routeReason: decision.reason,
      thread: message.thread,
      delivery: choice.ask ? 'choosing_repo' : 'waiting',
      state: 'queued',
      lastSeq: 0,
      pendingApprovals: [],
      createdAt: now,
      updatedAt: now,
    };
    // Written before anything is acknowledged to the user: a crash from here on loses nothing.
    store.createJob(job);
    store.audit({ at: now, actor, action: 'route', jobId: job.id, detail: { route: 'code', forced: decision.forced, reason: decision.reason } });
    if (choice.ask) {
      await this.reply(message.thread, chooseRepoMessage(job, choice.ask, decision.repoHint));
      return;
    }
    await this.postStatusAndOffer(job, machine);
  }

  private async postStatusAndOffer(job: JobRecord, machine: MachineRecord): Promise<void> {
    const online = this.options.machines.isOnline(machine.id);
    const ref = await this.options.notifier.post(job.thread, statusMessage(job, machine.name, `Routed to Code: ${job.routeReason}.`, !online));
    this.options.store.updateJob(job.id, { statusMessage: ref });
    if (online) void this.options.machines.offer(this.options.store.getJob(job.id) ?? job);
  }

  private async followUp(job: JobRecord, text: string, thread: ThreadRef): Promise<void> {
    if (job.delivery === 'choosing_repo') {
      await this.reply(thread, note('Pick a repository with the buttons above first.'));
      return;
    }
    const sent = await this.options.machines.followUp(job, text);
    this.options.store.audit({ at: this.options.clock.now(), actor: identity(job.owner), action: 'follow_up', jobId: job.id });
    await this.reply(thread, sent ? note('Follow-up sent to the same session and worktree.') : note('Your machine is offline, so the follow-up was not sent. Send it again when the machine is back.', 'warning'));
  }

  private async act(action: ButtonAction, job: JobRecord, user: ChatUser): Promise<ButtonReply> {
    const { store, clock, machines } = this.options;
    const by = user.displayName ?? user.userId;
    if (action.kind === 'cancel') return { ephemeral: await this.cancel(job, user) };
    if (action.kind === 'instead') {
      if (!isFinal(job.state)) return { ephemeral: 'The session is still running.' };
      await this.followUp(job, INSTEAD_TASK[action.check], job.thread);
      return { ephemeral: `Asked the session to ${INSTEAD_TASK[action.check]}.` };
    }
    if (action.kind === 'choose_repo') {
      const machine = store.getMachine(job.machineId);
      if (job.delivery !== 'choosing_repo' || !machine?.repos.some((repo) => repo.name === action.repo)) return { ephemeral: 'That choice is no longer open.' };
      store.updateJob(job.id, { repo: action.repo, delivery: 'waiting' });
      await this.postStatusAndOffer(store.getJob(job.id)!, machine);
      return { update: note(`Repository: ${action.repo} (chosen by ${by}).`) };
    }
    const request = store.approval(job.id, action.requestId)?.request;
    if (!request) return { ephemeral: 'That approval request is unknown.' };
    if (isFinal(job.state)) return { ephemeral: `Too late: the session has ${job.state === 'completed' || job.state === 'failed' ? 'ended' : `been ${job.state}`}.` };
    const decision =
      action.kind === 'deny'
        ? { requestId: action.requestId, decision: 'deny' as const, reason: `${by} said no in the chat`, decidedBy: identity(user) }
        : action.kind === 'approve_for'
          ? { requestId: action.requestId, decision: 'approve_for' as const, minutes: action.minutes, decidedBy: identity(user) }
          : { requestId: action.requestId, decision: 'approve_once' as const, decidedBy: identity(user) };
    if (!store.decideApproval(job.id, action.requestId, decision, clock.now())) return { ephemeral: 'That request was already answered.' };
    store.audit({ at: clock.now(), actor: identity(user), action: decision.decision, jobId: job.id, detail: { requestId: action.requestId } });
    const delivered = await machines.decide(job, decision);
    const verdict = decisionVerdict(decision);
    return {
      update: decidedMessage(request, verdict, by),
      ...(delivered ? {} : { ephemeral: 'Your machine is offline; the decision is saved and reaches it when it reconnects.' }),
    };
  }

  private async cancel(job: JobRecord, user: ChatUser): Promise<string> {
    const { store, clock, machines } = this.options;
    if (isFinal(job.state)) return `Session is already ${job.state}.`;
    store.audit({ at: clock.now(), actor: identity(user), action: 'cancel', jobId: job.id });
    if (job.delivery === 'waiting' || job.delivery === 'choosing_repo') {
      // Never reached the machine: cancel it here.
      store.updateJob(job.id, { state: 'cancelled', delivery: 'rejected', updatedAt: clock.now() });
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
      cancel: async (target) => (this.mayAct(message.user, target) ? this.cancel(target, message.user) : 'Only the requester can do that.'),
    };
  }

  private defaultMachine(user: ChatUser): MachineRecord {
    const pairings = this.options.store.pairings(user);
    const chosen = pairings.find((pairing) => pairing.isDefault) ?? pairings[0];
    const machine = chosen && this.options.store.getMachine(chosen.machineId);
    if (!machine) {
      throw new DispatchError('forbidden', "You haven't paired a machine yet. Run `dispatch pair` on your machine, then send `pair CODE` here.");
    }
    return machine;
  }

  private isAllowed(user: ChatUser): boolean {
    const allowed = this.options.allowedUsers;
    return !allowed || allowed.length === 0 || allowed.includes(identity(user));
  }

  private mayAct(user: ChatUser, job: JobRecord): boolean {
    return identity(user) === identity(job.owner) || (this.options.admins ?? []).includes(identity(user));
  }

  private async reply(thread: ThreadRef, message: OutgoingMessage): Promise<void> {
    await this.options.notifier.post(thread, message);
  }
}

/** `platform:userId`, the form used in allowlists, admin lists and the audit log. */
export function identity(user: ChatUser): string {
  return `${user.platform}:${user.userId}`;
}

/** The router's hint, else the machine's default; ambiguous → the names to ask about. */
function chooseRepo(machine: MachineRecord, hint: string | undefined): { repo?: string; ask?: string[] } {
  const names = machine.repos.map((repo) => repo.name);
  if (hint) {
    const wanted = hint.toLowerCase();
    const exact = names.find((name) => name.toLowerCase() === wanted);
    if (exact) return { repo: exact };
    const partial = names.filter((name) => name.toLowerCase().includes(wanted));
    if (partial.length === 1) return { repo: partial[0]! };
    return names.length === 1 ? { repo: names[0]! } : { ask: partial.length > 1 ? partial : names };
  }
  const fallback = machine.repos.find((repo) => repo.default)?.name;
  if (fallback || names.length <= 1) return fallback ? { repo: fallback } : {};
  return { ask: names };
}
