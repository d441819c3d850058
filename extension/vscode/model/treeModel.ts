import { shortId } from '../../../shared/ids.js';
import { isFinal, type SessionSnapshot, type SessionState } from '../../../shared/sessions.js';
import { formatAge, shortenTask, STATE_LABEL, plainText } from './format.js';

/** The Sessions tree's groups, in the order they are shown. */
export const GROUPS = [
  { id: 'approval', label: 'Needs approval' },
  { id: 'running', label: 'Running' },
  { id: 'queued', label: 'Queued' },
  { id: 'finished', label: 'Finished' },
] as const;
export type GroupId = (typeof GROUPS)[number]['id'];

/** How many finished sessions the tree lists (the journal keeps them all). */
export const MAX_FINISHED = 50;

export interface SessionGroup {
  id: GroupId;
  label: string;
  sessions: SessionSnapshot[];
}

/** A theme icon id and the theme color it is drawn in. */
export interface IconSpec {
  id: string;
  color?: string;
}

/** Everything a tree row shows, computed without `vscode` so it can be unit tested. */
export interface SessionRow {
  id: string;
  label: string;
  description: string;
  tooltip: string;
  contextValue: string;
  icon: IconSpec;
}

export function groupOf(session: SessionSnapshot): GroupId {
  if (session.pendingApprovals.length > 0 || session.state === 'waiting_for_approval') return 'approval';
  if (session.state === 'queued') return 'queued';
  if (isFinal(session.state)) return 'finished';
  return 'running'; // preparing, running
}

/**
 * Sessions by group, empty groups left out. Waiting and queued sessions oldest first
 * (the order they will be dealt with); running by start; finished most recent first.
 */
export function groupSessions(sessions: readonly SessionSnapshot[]): SessionGroup[] {
  const byGroup = new Map<GroupId, SessionSnapshot[]>(GROUPS.map((group) => [group.id, []]));
  for (const session of sessions) byGroup.get(groupOf(session))!.push(session);
  const oldestFirst = (a: SessionSnapshot, b: SessionSnapshot) => a.createdAt - b.createdAt;
  return GROUPS.map((group) => {
    const list = byGroup.get(group.id)!;
    if (group.id === 'finished') list.sort((a, b) => b.updatedAt - a.updatedAt).splice(MAX_FINISHED);
    else list.sort(oldestFirst);
    return { id: group.id, label: group.label, sessions: list };
  }).filter((group) => group.sessions.length > 0);
}

/**
 * Space-separated flags that drive menus (`viewItem =~ /\bneedsApproval\b/`):
 * `session`, `state-<state>`, and the actions that make sense now.
 */
export function contextValueOf(session: SessionSnapshot): string {
  const flags = ['session', `state-${session.state}`];
  if (session.pendingApprovals.length > 0) flags.push('needsApproval');
  if (!isFinal(session.state)) flags.push('cancellable');
  if (session.worktree) flags.push('hasWorktree');
  if (isFinal(session.state)) flags.push('finished');
  return flags.join(' ');
}

const ICONS: Record<SessionState, IconSpec> = {
  queued: { id: 'clock', color: 'descriptionForeground' },
  preparing: { id: 'loading~spin' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  waiting_for_approval: { id: 'question', color: 'charts.yellow' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  cancelled: { id: 'circle-slash', color: 'descriptionForeground' },
  interrupted: { id: 'debug-pause', color: 'charts.orange' },
};

export function iconOf(session: SessionSnapshot): IconSpec {
  return session.pendingApprovals.length > 0 ? ICONS.waiting_for_approval : ICONS[session.state];
}

/** One session as a tree row: task (shortened) as label; repository, state and age as description. */
export function sessionRow(session: SessionSnapshot, now: number): SessionRow {
  // Pending approvals put a row under Needs approval even in the instant before the state follows.
  const state = STATE_LABEL[session.pendingApprovals.length > 0 && !isFinal(session.state) ? 'waiting_for_approval' : session.state];
  const age = formatAge(now - session.updatedAt);
  const requester = session.job.requestedBy;
  const who = requester.displayName ?? requester.userId;
  const tooltip = [
    session.job.task.slice(0, 500),
    '',
    `Session ${shortId(session.sessionId)} · ${state}`,
    `Repository: ${session.repo ?? session.job.repo ?? 'default'}`,
    ...(session.branch ? [`Branch: ${session.branch}`] : []),
    `From: ${who} (${requester.platform})`,
    ...session.pendingApprovals.map((request) => `Waiting for approval: ${plainText(request.summary)}`),
  ].join('\n');
  return {
    id: session.sessionId,
    label: shortenTask(session.job.task),
    // The short id tells apart two rows with the same task ("run the tests" twice).
    description: [session.repo ?? session.job.repo, state, age, shortId(session.sessionId)].filter(Boolean).join(' · '),
    tooltip,
    contextValue: contextValueOf(session),
    icon: iconOf(session),
  };
}

/** The view badge: a count and a sentence, or undefined when nothing needs a person. */
export function badgeOf(sessions: readonly SessionSnapshot[]): { value: number; tooltip: string } | undefined {
  const count = sessions.filter((session) => session.pendingApprovals.length > 0).length;
  if (count === 0) return undefined;
  return { value: count, tooltip: `${count} Dispatch session${count === 1 ? ' needs' : 's need'} approval` };
}
