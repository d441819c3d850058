import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { asDispatchError, DispatchError } from '../../../shared/errors.js';
import { newId } from '../../../shared/ids.js';
import { isFinal, type SessionEvent, type SessionResult, type SessionState } from '../../../shared/sessions.js';
import { agentsFor } from './agentSetup.js';
import type { RepoConfig } from '../repositories.js';
import { Runner, type PruneReport } from '../runner.js';
import { parseDuration, roughly } from '../duration.js';
import { BuiltinAgent } from '../agents/builtin.js';
import { parseTaskIntent } from '../agents/taskIntent.js';
import { loadRunnerConfig, warmStartOptions, type RunnerConfig } from '../runnerConfig.js';
import { untilSignal } from './signals.js';
import { runConnected } from './connectedRunner.js';
import { formatEvent, formatResult, resultJson } from './format.js';
import { TerminalApprovals } from './terminalApprovals.js';

export interface RunnerCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Connected mode runs until this settles (default: Ctrl+C or SIGTERM). */
  until?: Promise<unknown>;
}

const USAGE = `Usage:
  dispatch runner --repo PATH --task "TEXT" [--agent builtin] [--json] [--yes]
  dispatch runner --bridge ws://HOST:PORT          serve a bridge's chats from this machine
  dispatch runner --bridge ws://A:PORT,ws://B:PORT  bridges of one team: the next is tried when one fails
  dispatch runner prune [--older-than 7d] [--branches]

  --repo PATH      repository to work in (a path, or a name from DISPATCH_REPOS); default: the one containing cwd
  --task TEXT      what to do, e.g. "run the tests"
  --agent NAME     agent backend (default: DISPATCH_AGENT or builtin)
  --json           print the result as one JSON object on stdout (progress goes to stderr)
  --yes            approve every tool call for this session without asking
  --older-than D   prune: only sessions finished more than D ago (e.g. 7d, 12h, 30m;
                   default DISPATCH_WORKTREE_RETENTION, 7d)
  --branches       prune: delete the session branches too
                   prune also removes cached dependencies unused for that long (and any over
                   DISPATCH_DEPS_CACHE_MAX), unfinished cache copies, and the warm worktrees
`;

/** Input mistakes (exit 2) as opposed to sessions that ran and failed (exit 1). */
const USAGE_CODES = new Set(['bad_input', 'bad_config', 'not_found', 'not_a_repository', 'empty_repository']);

function fail(io: RunnerCommandIo, error: DispatchError | string, usage = false): number {
  const message = typeof error === 'string' ? error : error.message;
  io.stderr.write(`dispatch runner: ${message}\n${usage ? `\n${USAGE}` : ''}`);
  return typeof error === 'string' || USAGE_CODES.has(error.code) ? 2 : 1;
}

/**
 * `dispatch runner …` (argv without the leading `runner`). Returns the exit code:
 * 0 only when the session completed; 1 when it ran and did not; 2 for bad input.
 */
export async function runRunnerCommand(argv: string[], io: RunnerCommandIo): Promise<number> {
  if (argv[0] === 'prune') return runPrune(argv.slice(1), io);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        repo: { type: 'string' },
        task: { type: 'string' },
        agent: { type: 'string' },
        json: { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        bridge: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    return fail(io, (error as Error).message, true);
  }
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (values.bridge !== undefined) {
    if (values.task !== undefined) return fail(io, '--bridge serves tasks from the chat; leave out --task.', true);
    try {
      return await runConnected(io, values.bridge, io.until ?? untilSignal());
    } catch (error) {
      return fail(io, asDispatchError(error));
    }
  }
  if (!values.task?.trim()) return fail(io, '--task is required.', true);
  let config: RunnerConfig;
  let repos: RepoConfig[];
  try {
    config = loadRunnerConfig(io.env, io.cwd);
    repos = chooseRepos(config, values.repo, io.cwd);
  } catch (error) {
    return fail(io, asDispatchError(error));
  }
  return runOneSession(io, config, repos, {
    task: values.task,
    agent: values.agent ?? config.agent,
    json: values.json,
    yes: values.yes,
  });
}

/** `--repo` as a configured name, else as a path; without it, the configured default. */
function chooseRepos(config: RunnerConfig, repo: string | undefined, cwd: string): RepoConfig[] {
  if (repo === undefined) {
    if (config.repos.length === 0) throw new DispatchError('bad_config', 'Not inside a git repository: pass --repo PATH or set DISPATCH_REPOS.');
    return config.repos;
  }
  const named = config.repos.find((r) => r.name.toLowerCase() === repo.toLowerCase());
  if (named) return [named];
  const resolved = path.resolve(cwd, repo);
  return [{ name: path.basename(resolved) || 'repo', path: resolved }];
}

interface SessionChoices {
  task: string;
  agent: string;
  json: boolean;
  yes: boolean;
}

async function runOneSession(io: RunnerCommandIo, config: RunnerConfig, repos: RepoConfig[], choices: SessionChoices): Promise<number> {
  const runner = new Runner({
    home: config.home,
    repos,
    agents: agentsFor(io),
    defaultAgent: choices.agent,
    maxSessions: config.maxSessions,
    approvalTtlMinutes: config.approvalTtlMinutes,
    approvalRemindMinutes: config.approvalRemindMinutes,
    // One session, then the runner ends: the cache helps the next run; a pool would be built for nobody.
    depsCacheMaxBytes: config.depsCacheMaxBytes,
    depsCacheNoLockfileTtlMs: config.depsCacheNoLockfileTtlMs,
  });
  const jobId = newId();
  // With --json, stdout carries only the result, so `| jq` works; people read stderr.
  const human = choices.json ? io.stderr : io.stdout;
  const terminal = choices.yes ? undefined : new TerminalApprovals(io.stdin, human, config.approvalTtlMinutes);
  let result: SessionResult | undefined;
  let finalState: SessionState | undefined;
  let markDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (markDone = resolve));
  const unsubscribe = runner.onEvent((event: SessionEvent) => {
    if (event.sessionId !== jobId) return;
    const line = formatEvent(event);
    if (line) human.write(`${line}\n`);
    if (event.kind === 'approval_requested') void answer(runner, jobId, event, terminal);
    if (event.kind === 'result') result = event.result;
    runner.acknowledge(jobId, event.seq); // shown on the terminal: delivered
    if (event.kind === 'state' && isFinal(event.state)) {
      finalState = event.state;
      markDone();
    }
  });
  const onInterrupt = () => void runner.cancel(jobId).catch(() => undefined);
  process.once('SIGINT', onInterrupt);
  try {
    await runner.start();
    // Without --repo, "in the frontend repo" picks a configured repository, as the chat's router does.
    const named = parseTaskIntent(choices.task)?.repo?.toLowerCase();
    const repo = repos.length > 1 ? repos.find((candidate) => candidate.name.toLowerCase() === named)?.name : undefined;
    await runner.submit({
      jobId,
      task: choices.task,
      agent: choices.agent,
      ...(repo ? { repo } : {}),
      requestedBy: { platform: 'cli', userId: safeUser() },
      createdAt: Date.now(),
    });
    await done;
  } catch (error) {
    return fail(io, asDispatchError(error));
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    unsubscribe();
    terminal?.close();
    await runner.stop();
  }
  // Old finished sessions' worktrees go once the retention is over (DISPATCH_WORKTREE_RETENTION).
  const pruned = await pruneOld(config);
  if (pruned) human.write(`Pruned ${pruned} worktree${pruned === 1 ? '' : 's'} of sessions finished more than ${roughly(config.worktreeRetentionMs)} ago.\n`);
  if (!finalState || !result) return fail(io, 'The session ended without a result.');
  human.write(`${formatResult(finalState, result)}\n`);
  if (choices.json) io.stdout.write(`${resultJson(jobId, finalState, result)}\n`);
  return finalState === 'completed' ? 0 : 1;
}

async function pruneOld(config: RunnerConfig): Promise<number> {
  try {
    const runner = new Runner({ home: config.home, repos: config.repos, agents: () => new BuiltinAgent() });
    return (await runner.prune({ olderThanMs: config.worktreeRetentionMs })).length;
  } catch {
    return 0; // pruning is housekeeping: it never fails a session
  }
}

async function answer(
  runner: Runner,
  sessionId: string,
  event: Extract<SessionEvent, { kind: 'approval_requested' }>,
  terminal: TerminalApprovals | undefined,
): Promise<void> {
  const decision = terminal
    ? await terminal.ask(event.request)
    // Each request of this run, once: a grant would outlive the run (grants.ts) and wave
    // through a later run that did not say --yes.
    : { requestId: event.request.requestId, decision: 'approve_once' as const, decidedBy: '--yes' };
  try {
    runner.decide(sessionId, decision);
  } catch {
    // The session ended (cancelled) while the question was on screen.
  }
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

export { parseDuration } from '../duration.js';

async function runPrune(argv: string[], io: RunnerCommandIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    io.stdout.write(USAGE);
    return 0;
  }
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { 'older-than': { type: 'string' }, branches: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    return fail(io, (error as Error).message, true);
  }
  const asked = values['older-than'];
  const olderThan = asked === undefined ? undefined : parseDuration(asked);
  if (asked !== undefined && olderThan === undefined) return fail(io, `--older-than wants a duration like 7d, 12h or 30m, not "${asked}".`);
  try {
    const config = loadRunnerConfig(io.env, io.cwd);
    // No start(): pruning must not resume queued sessions as a side effect.
    const runner = new Runner({ home: config.home, repos: config.repos, agents: agentsFor(io), ...warmStartOptions(config) });
    const report = await runner.pruneReport({ olderThanMs: olderThan ?? config.worktreeRetentionMs, branches: values.branches });
    io.stdout.write(formatPruneReport(report, values.branches));
    const warm = await runner.pruneWarmStarts({ olderThanMs: olderThan ?? config.worktreeRetentionMs });
    for (const line of warm.cache) io.stdout.write(`${line}\n`);
    for (const worktree of warm.pool) io.stdout.write(`removed warm worktree ${worktree}\n`);
    io.stdout.write(`${warm.cache.length} dependency cache item${warm.cache.length === 1 ? '' : 's'} and ${warm.pool.length} warm worktree${warm.pool.length === 1 ? '' : 's'} removed.\n`);
    return 0;
  } catch (error) {
    return fail(io, asDispatchError(error));
  }
}

/** What prune removed and what it kept, one line each, then a count of both. */
export function formatPruneReport(report: PruneReport, branches: boolean): string {
  const lines = [
    ...report.removed.map((worktree) => `removed ${worktree}`),
    ...report.kept.map(({ worktree, why }) => `kept    ${worktree} (${why})`),
    ...report.branchesKept.map((branch) => `kept    branch ${branch} (its commits stay; --branches deletes it)`),
  ];
  const removed = `${report.removed.length} worktree${report.removed.length === 1 ? '' : 's'} removed${branches ? ' (with branches)' : ''}`;
  lines.push(`${removed}, ${report.kept.length} kept.`);
  return `${lines.join('\n')}\n`;
}
