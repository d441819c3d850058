import { performance } from 'node:perf_hooks';
import type { AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { stripAnsi } from './ansi.js';
import { tailExcerpt } from './excerpt.js';
import { streamProcess } from './streamedProcess.js';
import { writeLockPins } from '../lockPins.js';
import { toolEnv } from '../processTree.js';
import { venvPython, type PythonLock } from '../pythonDepsKey.js';

/** How one command of the builtin agent went: it ran (well or not), or the turn must stop. */
export type StepEnd =
  | { ran: true; ok: boolean; text: string; exitCode: number | null; exit: string }
  | { ran: false; outcome: AgentOutcome };

export interface StepOptions {
  /** Why the command runs, for the approval ("to install dependencies"). */
  purpose?: string;
  /** What a denial did not do ("install dependencies (`npm ci`)"); default: run the command. */
  what?: string;
  /** Exit codes that mean "ran fine" besides 0 (`npm outdated` exits 1 when something is outdated). */
  okExitCodes?: number[];
  intervalMs: number;
  env?: NodeJS.ProcessEnv;
  /**
   * The command as the person knows it, for the approval text and the progress, when what
   * runs adds an option of Dispatch's own (pytest's --junitxml to a temp file); the
   * approval still carries the exact argument list.
   */
  display?: { line: string; note: string };
  /** Called when the command starts (after its approval): installs are timed without the wait. */
  onStart?: () => void;
}

/** `npm test`, for messages. */
export function shown(command: readonly string[]): string {
  return command.join(' ');
}

export function failedOutcome(summary: string, error = summary): AgentOutcome {
  return { status: 'failed', summary, error, commitChanges: false };
}

/**
 * Asks the approval gate for `command`, runs it in the worktree with its whole output in
 * the session log, and returns what happened with the output's escape codes stripped.
 * A denial, a cancel or a program that cannot start ends the turn with a clear outcome.
 */
export async function* runStep(context: AgentContext, command: readonly string[], options: StepOptions): AsyncGenerator<AgentEvent, StepEnd> {
  const line = options.display?.line ?? shown(command);
  const note = options.display ? ` (${options.display.note})` : '';
  const verdict = await context.approvals.check(
    { tool: 'shell', summary: `Run \`${line}\` in the session worktree${options.purpose ? ` ${options.purpose}` : ''}${note}`, command },
    context.signal,
  );
  if (!verdict.allowed) {
    const what = options.what ?? `run \`${line}\``;
    return { ran: false, outcome: { ...failedOutcome(`Did not ${what}: denied — ${verdict.reason}`, `Denied: ${verdict.reason}`), denied: true } };
  }
  options.onStart?.();
  yield { kind: 'progress', text: `Running \`${line}\`…` };
  context.log(`$ ${shown(command)}\n`);
  const settled = yield* streamProcess(context, command, { intervalMs: options.intervalMs, ...(options.env ? { env: options.env } : {}) });
  if ('error' in settled) return { ran: false, outcome: failedOutcome(`Could not run \`${line}\`: ${settled.error}`) };
  const { result } = settled;
  context.log(`\n[exit ${result.exitCode ?? result.signal}]\n`);
  if (result.aborted) return { ran: false, outcome: failedOutcome(`\`${line}\` was cancelled.`) };
  const ok = result.exitCode === 0 || (result.exitCode !== null && (options.okExitCodes ?? []).includes(result.exitCode));
  const exit = result.exitCode !== null ? `exit code ${result.exitCode}` : `signal ${result.signal}`;
  return { ran: true, ok, text: stripAnsi(settled.output.toString()), exitCode: result.exitCode, exit };
}

/** Installs dependencies first when the plan says so; an outcome when the turn must stop. */
export async function* setUpStep(context: AgentContext, setup: { command: string[]; first?: string[]; lock?: PythonLock } | undefined, intervalMs: number): AsyncGenerator<AgentEvent, AgentOutcome | undefined> {
  if (!setup) return undefined;
  // The same lockfile installed before: a copy of that install, no command, nothing to ask.
  const cached = await context.dependencies?.restore(context.worktree).catch(() => undefined);
  if (cached) {
    context.log(`[dispatch] ${cached}\n`);
    yield { kind: 'progress', text: cached };
    return undefined;
  }
  yield { kind: 'progress', text: `The worktree has no installed dependencies: the first step installs them (\`${shown(setup.command)}\`).` };
  let startedAt = 0;
  const onStart = () => (startedAt ||= performance.now());
  // pip's shared cache (PIP_CACHE_DIR) for the install; the rest of the environment as for any command.
  const env = context.dependencies ? { env: { ...(context.env ?? toolEnv()), ...context.dependencies.installEnv } } : {};
  if (setup.first) {
    // A venv to install into (python -m venv): made, then installed into, both timed as the install.
    const made = yield* runStep(context, setup.first, { purpose: 'to create the virtual environment', what: `create the virtual environment (\`${shown(setup.first)}\`)`, intervalMs, onStart, ...env });
    if (!made.ran) return made.outcome;
    if (!made.ok) return failedOutcome(`Creating the virtual environment failed (\`${shown(setup.first)}\`, ${made.exit}).\n\n${tailExcerpt(made.text)}`, `Virtual environment failed (${made.exit})`);
  }
  if (setup.lock) {
    // Read by the venv's own python, so its markers are this interpreter's and this platform's.
    const pins = await writeLockPins(context.worktree, setup.lock, venvPython(context.worktree));
    if ('error' in pins) return failedOutcome(`Installing dependencies failed: ${pins.error}.`, 'Installing dependencies failed (lock)');
    const skipped = pins.skipped.length > 0 ? `; left out: ${pins.skipped.join(', ')}` : '';
    context.log(`[dispatch] ${setup.lock}: ${pins.count} package${pins.count === 1 ? '' : 's'} pinned${pins.hashed ? ' with hashes' : ''}${skipped}\n`);
  }
  const end = yield* runStep(context, setup.command, { purpose: 'to install dependencies', what: `install dependencies (\`${shown(setup.command)}\`)`, intervalMs, onStart, ...env });
  if (!end.ran) return end.outcome;
  if (!end.ok) {
    // The error starts as the summary does, so the chat's result says it once (bridge/messages.ts).
    return failedOutcome(`Installing dependencies failed (\`${shown(setup.command)}\`, ${end.exit}).\n\n${tailExcerpt(end.text)}`, `Installing dependencies failed (${end.exit})`);
  }
  const installed = await context.dependencies?.installed(context.worktree, performance.now() - startedAt);
  if (installed) {
    context.log(`[dispatch] ${installed}\n`);
    yield { kind: 'progress', text: installed };
  }
  return undefined;
}
