import { shortId } from '../shared/ids.js';
import { isFinal } from '../shared/sessions.js';
import type { ChatUser, OutgoingMessage, ThreadRef } from './chat.js';
import type { MachineLinks } from './machineLinks.js';
import { formatDuration, note } from './messages.js';
import { pickMachine } from './machineList.js';
import type { Pairing } from './pairing.js';
import type { JobRecord, Store } from './store/store.js';

/** The chat commands. Only exact shapes count, so a task like "status of the build" stays a task. */
export type Command =
  | { name: 'help' | 'status' | 'sessions' | 'machines' | 'unpair' | 'repos' }
  | { name: 'cancel'; id?: string }
  | { name: 'pair'; code: string }
  | { name: 'use'; machine: string }
  | { name: 'revoke'; machine: string };

export interface CommandContext {
  user: ChatUser;
  thread: ThreadRef;
  /** The job whose thread the command was sent in. */
  threadJob?: JobRecord;
  store: Store;
  pairing: Pairing;
  machines: MachineLinks;
  /** Listed in DISPATCH_ADMINS: may revoke machines. */
  isAdmin: boolean;
  cancel(job: JobRecord): Promise<string>;
}

/** Recognises a command; undefined means "not a command, treat as a task". */
export function parseCommand(text: string): Command | undefined {
  const words = text.trim().replace(/^\//, '').split(/\s+/);
  const [first = '', ...rest] = words;
  const name = first.toLowerCase();
  if (['help', 'status', 'sessions', 'machines', 'unpair', 'repos'].includes(name) && rest.length === 0) {
    return { name: name as 'help' };
  }
  // One word after cancel is meant as a session id; a wrong one gets "no session …", not a chat answer.
  if (name === 'cancel' && rest.length <= 1 && (rest.length === 0 || /^[\w-]{1,40}$/.test(rest[0]!))) {
    const word = rest[0]?.toLowerCase();
    return word && !['it', 'this', 'that', 'please', 'now'].includes(word) ? { name: 'cancel', id: word } : { name: 'cancel' };
  }
  // Anything code-like after pair is an attempt (and counts toward the limit), so typos get a clear answer.
  if (name === 'pair' && rest.length > 0 && rest.length <= 3 && /^[\d\s-]{1,12}$/.test(rest.join(' ')) && /\d/.test(rest.join(''))) {
    return { name: 'pair', code: rest.join('') };
  }
  if (name === 'use' && rest.length === 1) return { name: 'use', machine: rest[0]! };
  if (name === 'machines' && rest.length === 2 && rest[0]!.toLowerCase() === 'revoke') return { name: 'revoke', machine: rest[1]! };
  return undefined;
}

const HELP = `Text me a coding task and a session runs it on your machine, in its own git worktree, and reports back here. Reply in the session's thread to follow up.

Commands:
• status — your running sessions (in a session's thread: that session)
• sessions — your recent sessions
• cancel [id] — cancel a session (in its thread, no id needed)
• machines — your paired machines · use NAME — pick the default
• repos — the repositories on your default machine
• pair CODE — pair with the code \`dispatch pair\` shows · unpair — forget your machines
• machines revoke NAME — (bridge admins) cut a machine off the bridge

Coding work goes to a Code session; other questions are answered here. Start with "open a Code session and …" to force a Code session.`;

/** Runs a command and returns the reply. */
export async function runCommand(command: Command, context: CommandContext): Promise<OutgoingMessage> {
  const { store, user } = context;
  switch (command.name) {
    case 'help':
      return { title: 'Dispatch', text: HELP };
    case 'pair': {
      const machineId = await context.pairing.redeem(user, command.code);
      await context.machines.pairingChanged(machineId);
      const machine = await store.getMachine(machineId);
      return note(`Paired with ${machine?.name ?? 'your machine'}. Text me a task, e.g. "run the tests".`, 'success');
    }
    case 'unpair': {
      const machineIds = (await store.pairings(user)).map((pairing) => pairing.machineId);
      const removed = await store.removePairings(user);
      for (const machineId of machineIds) await context.machines.pairingChanged(machineId);
      return note(removed ? `Unpaired ${removed} machine${removed === 1 ? '' : 's'}. To pair again, run \`dispatch pair\` on the machine and send \`pair CODE\` here.` : 'You had no paired machines.');
    }
    case 'machines': {
      const lines: string[] = [];
      for (const pairing of await store.pairings(user)) {
        const machine = await store.getMachine(pairing.machineId);
        const state = (await context.machines.isOnline(pairing.machineId)) ? 'online' : 'offline';
        lines.push(`• ${machine?.name ?? pairing.machineId} — ${state}${pairing.isDefault ? ' (default)' : ''}`);
      }
      return note(lines.length ? lines.join('\n') : 'No paired machines. Run `dispatch pair` on your machine, then send `pair CODE`.');
    }
    case 'use': {
      const wanted = command.machine.toLowerCase();
      let match: string | undefined;
      for (const pairing of await store.pairings(user)) {
        if ((await store.getMachine(pairing.machineId))?.name.toLowerCase() === wanted) {
          match = pairing.machineId;
          break;
        }
      }
      if (!match) return note(`You have no paired machine called "${command.machine}". Send \`machines\` to see yours.`, 'warning');
      await store.setDefaultMachine(user, match);
      return note(`New tasks go to ${command.machine}.`, 'success');
    }
    case 'repos': {
      const pairing = (await store.pairings(user)).find((p) => p.isDefault);
      const machine = pairing && (await store.getMachine(pairing.machineId));
      if (!machine) return note('No paired machine. Run `dispatch pair` on your machine, then send `pair CODE`.');
      return note(`Repositories on ${machine.name}:\n${machine.repos.map((repo) => `• ${repo.name}${repo.default ? ' (default)' : ''}`).join('\n')}`);
    }
    case 'status': {
      if (context.threadJob) return note(describe(context.threadJob));
      const active = await store.listJobs({ owner: user, active: true, limit: 20 });
      return note(active.length ? active.map(describe).join('\n') : 'Nothing running. Text me a task to start one.');
    }
    case 'sessions':
      return sessionsOverview(store, user);
    case 'revoke': {
      if (!context.isAdmin) return note('Only a bridge admin (DISPATCH_ADMINS) can revoke machines.', 'warning');
      const machine = await pickMachine(store, command.machine);
      if (typeof machine === 'string') return note(machine, 'warning');
      const revoked = await context.machines.revoke(machine.id);
      return revoked
        ? note(`Revoked ${machine.name}: its credential no longer connects, its pairings are removed, and its runner was told.`, 'success')
        : note(`${machine.name} was already revoked.`);
    }
    case 'cancel': {
      const target = await pickCancelTarget(command.id, context);
      if (typeof target === 'string') return note(target, 'warning');
      return note(await context.cancel(target));
    }
  }
}

/** A person's ten most recent sessions, newest first. */
export async function sessionsOverview(store: Store, user: ChatUser): Promise<OutgoingMessage> {
  const recent = await store.listJobs({ owner: user, limit: 10 });
  return note(recent.length ? recent.map(describe).join('\n') : 'No sessions yet.');
}

async function pickCancelTarget(id: string | undefined, context: CommandContext): Promise<JobRecord | string> {
  if (id) {
    const matches = await context.store.findJobsByPrefix(context.user, id.replace(/-/g, ''));
    if (matches.length === 0) return `No session of yours starts with ${id}.`;
    if (matches.length > 1) return `Several sessions start with ${id}; give more characters.`;
    return matches[0]!;
  }
  if (context.threadJob) return context.threadJob;
  const active = await context.store.listJobs({ owner: context.user, active: true, limit: 2 });
  if (active.length === 0) return 'Nothing to cancel.';
  if (active.length > 1) return `You have several sessions running; say which: ${active.map((job) => `cancel ${shortId(job.id)}`).join(' or ')}.`;
  return active[0]!;
}

function describe(job: JobRecord): string {
  const duration = job.result ? ` in ${formatDuration(job.result.durationMs)}` : '';
  const state = isFinal(job.state) ? `${job.state}${duration}` : job.state.replace(/_/g, ' ');
  const shipped = job.result?.shipped;
  const pr = shipped?.pullRequest ? ` — PR #${shipped.pullRequest.number} ${shipped.pullRequest.url}` : shipped ? ` — pushed to ${shipped.remote}` : '';
  return `• ${shortId(job.id)} — ${state} — ${job.task.split('\n')[0]!.slice(0, 80)}${job.repo ? ` (${job.repo})` : ''}${pr}`;
}
