import { isFinal, type ApprovalDecision, type ApprovalRequest, type SessionResult, type SessionState, type Shipped } from '../shared/sessions.js';
import { shortId } from '../shared/ids.js';
import { buttonValue } from './buttons.js';
import type { Button, Field, OutgoingMessage } from './chat.js';
import type { CoworkReplyRecord, JobRecord } from './store/store.js';

/** What the bot says about jobs, in platform-neutral form. Transports do the styling. */

const STATE_LABEL: Record<SessionState, string> = {
  queued: 'queued',
  preparing: 'preparing a worktree',
  running: 'running',
  waiting_for_approval: 'waiting for your approval',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/** Colour of a session's state: running is blue, stopped-but-fine is amber. */
function toneOf(state: SessionState): OutgoingMessage['tone'] {
  if (state === 'completed') return 'success';
  if (state === 'failed') return 'error';
  if (state === 'cancelled' || state === 'interrupted' || state === 'waiting_for_approval') return 'warning';
  return 'info';
}

/** Short human duration: 850 ms, 12 s, 3 min 4 s. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function jobFields(job: JobRecord, machineName: string): Field[] {
  const fields: Field[] = [
    { label: 'Repo', value: job.repo ?? 'default' },
    { label: 'Machine', value: machineName },
  ];
  // A session that changed nothing removed its branch: the result says so with an empty branch.
  const branch = job.result && isFinal(job.state) ? job.result.branch : job.branch;
  if (branch) fields.push({ label: 'Branch', value: branch });
  return fields;
}

/** "12 s", or "12 s (+ 3 min 4 s waiting for you)": working time, and the wait apart. */
function durationFields(result: SessionResult): Field[] {
  const fields: Field[] = [{ label: 'Duration', value: formatDuration(result.durationMs) }];
  if (result.waitingMs) fields.push({ label: 'Waiting for you', value: formatDuration(result.waitingMs) });
  return fields;
}

/**
 * What the session is doing now, for the status title: queued → preparing a worktree →
 * waiting for your approval → running `npm test` → completed.
 */
function phase(job: JobRecord, step?: string): string {
  if (job.state === 'running' && step) return `running \`${step}\``;
  return STATE_LABEL[job.state];
}

/** The one status message per job, edited in place as the session moves. `step` is the command running now. */
export function statusMessage(job: JobRecord, machineName: string, latest?: string, offline = false, now?: number, step?: string, turnStartedAt?: number): OutgoingMessage {
  const session = shortId(job.id);
  const active = !isFinal(job.state);
  const where = `${session} on ${machineName}${job.repo ? `, repo ${job.repo}` : ''}.`;
  // "On it" only while it is: a finished session's status would otherwise still say so.
  const lead = offline
    ? `Saved — session ${session}. Your machine ${machineName} is offline — this runs when it reconnects.`
    : active ? `On it — session ${where}` : `Session ${where}`;
  // Once it has ended, the result message right below tells the outcome: the status does not repeat it
  // (a note that is not in the result, like "Continued in a terminal", still shows).
  const line = latest && !active && job.result && (latest === job.result.error || mentions(job.result.summary, latest)) ? undefined : latest;
  // While it runs, the elapsed time shows it is alive even when the output is quiet (a long install).
  // A follow-up counts from its own start (`turnStartedAt`), not from the session's first turn.
  const elapsed = active && now !== undefined && job.delivery === 'accepted' ? [{ label: 'Elapsed', value: formatDuration(Math.max(0, now - (turnStartedAt ?? job.createdAt))) }] : [];
  // The duration of a finished turn only: during a follow-up, the last turn's would be stale.
  const duration = !active && job.result ? durationFields(job.result) : [];
  return {
    title: `Code session ${session}: ${phase(job, step)}`,
    text: line ? `${lead}\n${line}` : lead,
    fields: [...jobFields(job, machineName), ...elapsed, ...duration],
    ...(active ? { buttons: [{ label: 'Cancel', value: buttonValue({ kind: 'cancel', jobId: job.id }), style: 'danger' as const }] } : {}),
    tone: toneOf(job.state),
    session: { id: session, state: job.state, line: listLine(job, step) },
  };
}

/** Where a session is, in one line for a thread list: the phase, what it waits for, or how it ended. */
function listLine(job: JobRecord, step?: string): string {
  // "Needs approval" is shorter than the status title's phrase: a list row is narrow.
  const said = job.state === 'waiting_for_approval' ? 'Needs approval' : phase(job, step).replace(/^./, (c) => c.toUpperCase());
  const waitingFor = job.state === 'waiting_for_approval' ? job.pendingApprovals[0]?.summary : undefined;
  const ended = isFinal(job.state) ? job.result?.summary.split('\n', 1)[0] : undefined;
  const detail = (waitingFor ?? ended)?.trim();
  return (detail ? `${said}: ${detail}` : said).slice(0, 300);
}

/** The push notification asking for approval, with its three buttons. */
export function approvalMessage(job: JobRecord, request: ApprovalRequest, ttlMinutes: number, reminder = false): OutgoingMessage {
  const shown = request.command?.join(' ');
  // The summary usually names the command already ("Run `npm test` in …"): say it once.
  const command = shown && !request.summary.includes(shown) ? `\n\`${shown}\`` : '';
  return {
    title: reminder ? `Still waiting for your approval (session ${shortId(job.id)})` : `Approval needed (session ${shortId(job.id)})`,
    text: `${request.summary}${command}`,
    ...(request.tool === 'shell' ? {} : { fields: [{ label: 'Tool', value: request.tool }] }),
    buttons: [
      { label: 'Approve once', value: buttonValue({ kind: 'approve_once', jobId: job.id, requestId: request.requestId }), style: 'primary' },
      { label: `Approve ${ttlMinutes} min`, value: buttonValue({ kind: 'approve_for', jobId: job.id, requestId: request.requestId, minutes: ttlMinutes }) },
      { label: 'Deny', value: buttonValue({ kind: 'deny', jobId: job.id, requestId: request.requestId }), style: 'danger' },
    ],
    mention: job.owner,
    tone: 'warning',
  };
}

/** The approval message after someone decided (or after it stopped mattering: no `by`). */
export function decidedMessage(request: ApprovalRequest, verdict: string, by?: string): OutgoingMessage {
  return {
    title: by ? `${verdict} by ${by}` : verdict,
    text: request.summary,
    tone: !by ? 'info' : verdict.startsWith('Denied') ? 'error' : 'success',
  };
}

/** "Approved once", "Approved for 30 min", "Denied". */
export function decisionVerdict(decision: ApprovalDecision): string {
  if (decision.decision === 'deny') return 'Denied';
  return decision.decision === 'approve_for' ? `Approved for ${decision.minutes ?? 30} min` : 'Approved once';
}

/** The push notification when a session ends. Each fact once: the title says the state, the summary the story. */
export function finalMessage(job: JobRecord, machineName: string): OutgoingMessage {
  const result = job.result;
  const fields = jobFields(job, machineName);
  const summary = result?.summary ?? STATE_LABEL[job.state];
  if (result) {
    if (result.worktree) fields.push({ label: 'Worktree', value: result.worktree });
    const counts = result.tests ? `${result.tests.passed} passed, ${result.tests.failed} failed` : undefined;
    if (counts && !summary.includes(counts)) fields.push({ label: 'Tests', value: counts });
    fields.push(...durationFields(result));
    if (result.costUsd !== undefined) fields.push({ label: 'Cost', value: `$${result.costUsd.toFixed(2)}` });
  }
  const lines = [summary];
  // The error line adds something only when the summary does not already say it.
  if (result?.error && !mentions(summary, result.error)) lines.push(result.error);
  if (result && result.filesChanged.length > 0 && !summary.includes(result.diffstat)) lines.push(`Files changed:\n${result.diffstat}`);
  if (job.state === 'interrupted') lines.push('The session stopped when the runner did; its worktree is kept. Reply here to continue it.');
  const instead = result?.instead && job.state === 'failed' ? result.instead : undefined;
  const pullRequest = result?.shipped?.pullRequest;
  if (pullRequest) fields.push({ label: 'Pull request', value: `#${pullRequest.number} ${pullRequest.url}` });
  const buttons = shipButtons(job);
  return {
    title: `Session ${shortId(job.id)} ${STATE_LABEL[job.state]}`,
    text: lines.join('\n'),
    fields,
    ...(instead ? { buttons: [{ label: `${INSTEAD_LABEL[instead]} instead`, value: buttonValue({ kind: 'instead', jobId: job.id, check: instead }), style: 'primary' as const }] } : buttons.length > 0 ? { buttons } : {}),
    mention: job.owner,
    tone: toneOf(job.state),
  };
}

const INSTEAD_LABEL = { test: 'Run the tests', lint: 'Run the linter', build: 'Run the build' } as const;
/** What a press of "Run the tests instead" sends to the session, as if the person had replied it. */
export const INSTEAD_TASK = { test: 'run the tests', lint: 'run the linter', build: 'run the build' } as const;

/**
 * Push branch / Open pull request (a draft), when the session ended with commits of its
 * own on its branch and the repository has a push remote (the runner says so in the result).
 */
export function shipButtons(job: JobRecord): Button[] {
  const result = job.result;
  if (!isFinal(job.state) || !result?.branch || !result.ship?.remote || result.ship.commits === 0) return [];
  return [
    { label: 'Push branch', value: buttonValue({ kind: 'ship', jobId: job.id, action: 'push', draft: true }) },
    { label: 'Open pull request', value: buttonValue({ kind: 'ship', jobId: job.id, action: 'pr', draft: true }), style: 'primary' },
  ];
}

/** A follow-up asked to ship: ask with buttons first (a message is not an approval). */
export function shipAskMessage(job: JobRecord, intent: { action: 'push' | 'pr'; draft: boolean }): OutgoingMessage {
  const result = job.result;
  const session = shortId(job.id);
  if (!isFinal(job.state)) return note(`Session ${session} is still ${STATE_LABEL[job.state]}; ask again once it has finished.`);
  if (!result?.branch || !result.ship || result.ship.commits === 0) return note(`Session ${session} has no commits of its own, so there is nothing to push.`, 'warning');
  if (!result.ship.remote) return note(`The repository ${job.repo ?? ''} has no remote to push to, so ${result.branch} stays on your machine. Add one there (git remote add origin URL), then ask again.`.replace('  ', ' '), 'warning');
  const what = intent.action === 'push' ? `push \`${result.branch}\` to ${result.ship.remote}` : `push \`${result.branch}\` to ${result.ship.remote} and open a ${intent.draft ? 'draft ' : ''}pull request`;
  const primary = intent.action === 'push'
    ? { label: 'Push branch', value: buttonValue({ kind: 'ship', jobId: job.id, action: 'push', draft: true }), style: 'primary' as const }
    : { label: intent.draft ? 'Open draft pull request' : 'Open pull request', value: buttonValue({ kind: 'ship', jobId: job.id, action: 'pr', draft: intent.draft }), style: 'primary' as const };
  const other = intent.action === 'push'
    ? { label: 'Open pull request', value: buttonValue({ kind: 'ship', jobId: job.id, action: 'pr', draft: true }) }
    : { label: 'Push branch only', value: buttonValue({ kind: 'ship', jobId: job.id, action: 'push', draft: true }) };
  return { title: `Ship session ${session}?`, text: `Press to ${what}, with your machine's own git credentials.`, buttons: [primary, other], mention: job.owner, tone: 'info' };
}

/** What shipping did, for the thread: the push, and the pull request (or why not, and the link to open it by hand). */
export function shippedMessage(job: JobRecord, shipped: Shipped, notice: string | undefined, by: string): OutgoingMessage {
  const pr = shipped.pullRequest;
  const title = pr
    ? pr.existing
      ? `Pull request #${pr.number} was already open`
      : `Opened ${pr.draft ? 'draft ' : ''}pull request #${pr.number}`
    : `Pushed ${shipped.branch}`;
  const lines = [`Pushed \`${shipped.branch}\` to ${shipped.remote} (${shipped.commit.slice(0, 7)}), as ${by} asked.`];
  if (pr) lines.push(pr.url);
  if (notice) lines.push(notice);
  else if (shipped.compareUrl) lines.push(`Open the pull request here: ${shipped.compareUrl}`);
  return { title, text: lines.join('\n'), mention: job.owner, tone: notice ? 'warning' : 'success' };
}

/** Whether `summary` already says what `error` says ("Tests failed (exit code 1)" after "Tests failed: 2 passed…"). */
function mentions(summary: string, error: string): boolean {
  const detail = error.replace(/^[^:]*:\s*/, '');
  if (summary.includes(detail)) return true;
  const head = error.replace(/\s*\(.*\)$/, '').replace(/:.*$/, '').trim();
  return head.length > 0 && summary.toLowerCase().includes(head.toLowerCase());
}

/** Asks which repository, one button each. */
export function chooseRepoMessage(job: JobRecord, repos: string[], hint?: string): OutgoingMessage {
  return {
    title: 'Which repository?',
    text: !hint
      ? 'Your machine has several repositories. Pick one:'
      : repos.length > 1 && repos.every((repo) => repo.toLowerCase().includes(hint.toLowerCase()))
        ? `Several repositories on your machine match "${hint}". Pick one:`
        : `I couldn't find a repository called "${hint}" on your machine. Pick one:`,
    buttons: repos.slice(0, 20).map((repo) => ({ label: repo, value: buttonValue({ kind: 'choose_repo', jobId: job.id, repo }) })),
    mention: job.owner,
  };
}

/** A Cowork answer, with the one tap that re-runs the question as a Code session (until it was pressed). */
export function coworkMessage(reply: CoworkReplyRecord): OutgoingMessage {
  if (reply.jobId) return { text: `${reply.answer}\n\nRe-run as Code session ${shortId(reply.jobId)}.`, tone: 'info' };
  return {
    text: reply.answer,
    buttons: [{ label: 'Run as a Code session', value: buttonValue({ kind: 'run_as_code', replyId: reply.id }), style: 'primary' }],
    tone: 'info',
  };
}

/** Plain text reply. */
export function note(text: string, tone: OutgoingMessage['tone'] = 'info'): OutgoingMessage {
  return { text, tone };
}

/**
 * What a sent follow-up continues. A session that ended having changed nothing had its
 * worktree and branch removed (its result names none), and one refused before it started
 * never had any: the runner makes a fresh one, so "the same worktree" would not be true.
 */
export function followUpSentText(job: JobRecord): string {
  const gone = isFinal(job.state) && job.result !== undefined && !job.result.worktree;
  if (!gone) return 'Follow-up sent to the same session and worktree.';
  return job.worktree
    ? 'Follow-up sent to the same session. The earlier worktree is gone (that turn changed nothing, so it was removed): this turn starts in a fresh worktree and branch.'
    : 'Follow-up sent to the same session. It had no worktree yet: this turn starts in a fresh one.';
}
