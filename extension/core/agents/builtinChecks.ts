import type { TestOutcome } from '../../../shared/sessions.js';
import type { AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { failedOutcome, runStep, setUpStep, shown } from './builtinSteps.js';
import { stripAnsi } from './ansi.js';
import { tailExcerpt } from './excerpt.js';
import { failureReasons } from './failureReasons.js';
import type { JunitReport } from './junitReport.js';
import { machineReport } from './machineReport.js';
import { outdatedSummary, parseOutdated } from './outdatedReport.js';
import { parseTestOutput } from './testParsers.js';
import type { CheckAction } from './taskIntent.js';
import { lookedFor, packageManagerLauncher, planCommand, type PlannedCommand } from './toolchain.js';

export const NOUN: Record<CheckAction, string> = {
  test: 'tests',
  lint: 'linter',
  typecheck: 'type check',
  build: 'build',
  format: 'formatter',
  audit: 'dependency audit',
  outdated: 'outdated-dependencies check',
};

const MAX_NAMED_FAILURES = 20;
const SUCCESS_TAIL_LINES = 4;

/** What one check found: the outcome for the chat, and the raw facts for combined reports. */
export interface CheckReport {
  outcome: AgentOutcome;
  ok: boolean;
  text: string;
  tests?: TestOutcome;
}

/**
 * Runs the project's own command for a check and reports it; `missing` is what to say
 * when the project has none (undefined: a plain failure naming what was looked for).
 */
export async function* runCheck(context: AgentContext, action: CheckAction, intervalMs: number): AsyncGenerator<AgentEvent, CheckReport> {
  const plan = planCommand(context.worktree, action, context.env);
  if (!plan) {
    const outcome = failedOutcome(`Found no ${NOUN[action]} command to run (looked for ${lookedFor(context.worktree, action)}).`);
    return { outcome, ok: false, text: '' };
  }
  yield { kind: 'progress', text: `Found \`${shown(plan.command)}\` (${plan.source}).` };
  return yield* runPlanned(context, action, plan, intervalMs);
}

/** Runs a command the user wrote ("pytest -k auth"); a test report when its output is one. */
export async function* runLiteral(context: AgentContext, written: string[], intervalMs: number): AsyncGenerator<AgentEvent, CheckReport> {
  const setup = planCommand(context.worktree, 'test', context.env)?.setup;
  const needsInstall = setup && ['npm', 'pnpm', 'yarn', 'npx', 'bun'].includes(written[0] ?? '');
  // "pnpm test" on a machine without pnpm runs through npx (the approval shows the command that runs).
  const [program = '', ...args] = written;
  const launcher = program === 'pnpm' || program === 'yarn' ? packageManagerLauncher(context.worktree, program, context.env) : undefined;
  const command = launcher ? [...launcher, ...args] : written;
  return yield* runPlanned(context, 'command', { command, source: 'as written', ...(needsInstall ? { setup } : {}) }, intervalMs);
}

async function* runPlanned(
  context: AgentContext,
  action: CheckAction | 'command',
  plan: PlannedCommand,
  intervalMs: number,
): AsyncGenerator<AgentEvent, CheckReport> {
  const stop = yield* setUpStep(context, plan.setup, intervalMs);
  if (stop) return { outcome: stop, ok: false, text: '' };
  // Where the runner can be told apart, it also writes a machine-readable report (outside the worktree).
  // A command the person wrote runs exactly as written: its text is the report.
  const machine = action === 'test' ? machineReport(plan.command, context.worktree) : undefined;
  try {
    const command = machine?.command ?? plan.command;
    const display = machine ? { display: { line: shown(plan.command), note: machine.note } } : {};
    const end = yield* runStep(context, command, { intervalMs, ...display, ...(plan.okExitCodes ? { okExitCodes: plan.okExitCodes } : {}) });
    if (!end.ran) return { outcome: end.outcome, ok: false, text: '' };
    if (action === 'outdated') {
      // A package manager's JSON report (the plans that accept exit 1) that is empty with exit 0: nothing is behind (yarn 1).
      const silent = end.exitCode === 0 && plan.okExitCodes !== undefined && end.text.trim() === '';
      const found = silent ? [] : end.ok ? parseOutdated(end.text) : undefined;
      if (found) return { outcome: { status: 'completed', summary: outdatedSummary(shown(plan.command), found), commitChanges: false }, ok: true, text: end.text };
      // Exit 1 means "something is outdated" only with a report that says what: without one it failed (no registry).
      if (end.exitCode !== 0) return summarize(action, shown(plan.command), false, end.exit, end.text);
    }
    // The report names the command the person knows, not the temp file Dispatch added.
    return summarize(action, shown(plan.command), end.ok, end.exit, end.text, machine?.read());
  } finally {
    machine?.dispose();
  }
}

/**
 * The warnings a linter that exited 0 reported in its last summary line: cargo clippy's
 * "generated 2 warnings", eslint's "(0 errors, 3 warnings)", oxlint's "Found 0 warnings".
 */
function warningCount(text: string): number {
  const last = [...text.matchAll(/\b(\d+) warnings?\b/g)].pop();
  return last ? Number(last[1]) : 0;
}

/** The report of a command's run: counts and named failures for tests, the output's tail otherwise. */
export function summarize(action: CheckAction | 'command', line: string, ok: boolean, exit: string, output: string, report?: JunitReport): CheckReport {
  const text = stripAnsi(output);
  const parsed = report?.tests ?? (action === 'test' || action === 'command' ? parseTestOutput(text) : undefined);
  if (parsed) {
    const tests: TestOutcome = { command: line, ...parsed };
    // A suite that exits non-zero failed even when the parser found no failing count.
    const passed = ok && parsed.failed === 0;
    const counts = `${parsed.passed} passed, ${parsed.failed} failed${parsed.skipped ? `, ${parsed.skipped} skipped` : ''}`;
    const lines = [`Tests ${passed ? 'passed' : 'failed'}: ${counts} (\`${line}\`${passed || parsed.failed ? '' : `, ${exit}`}).`];
    // Tests that share a title (made in a loop) are named once, with how many failed.
    const times = new Map<string, number>();
    for (const name of parsed.failures) times.set(name, (times.get(name) ?? 0) + 1);
    const named = [...times.keys()].slice(0, MAX_NAMED_FAILURES);
    const reasons = report?.reasons ?? failureReasons(text, named);
    for (const name of named) {
      const count = times.get(name) ?? 1;
      lines.push(`• ${name}${count > 1 ? ` (${count} tests with this name)` : ''}${reasons.get(name) ? ` — ${reasons.get(name)}` : ''}`);
    }
    // The rest is counted in tests, not names: "…and 37 more" must add up to the failing count.
    const rest = [...times.values()].slice(MAX_NAMED_FAILURES).reduce((sum, count) => sum + count, 0);
    if (rest > 0) lines.push(`…and ${rest} more failing test${rest === 1 ? '' : 's'} (see the log).`);
    // Without named failures, the tail of the output is the clue.
    if (!passed && parsed.failures.length === 0) lines.push('', tailExcerpt(text));
    const summary = lines.join('\n');
    const outcome: AgentOutcome = passed
      ? { status: 'completed', summary, commitChanges: false, tests }
      : { status: 'failed', summary, error: `Tests failed (${exit})`, commitChanges: false, tests };
    return { outcome, ok: passed, text, tests };
  }
  const what = action === 'command' ? `\`${line}\`` : NOUN[action].replace(/^./, (c) => c.toUpperCase());
  // A failure needs its tail to be understood; a success only its last few lines (the full output is in the log).
  const excerpt = ok ? tailExcerpt(text.split('\n').filter((line) => line.trim()).join('\n'), SUCCESS_TAIL_LINES, 400) : tailExcerpt(text);
  // A check that exits 0 passed ("check the types" → "Type check passed"); an audit or a command only finished.
  const warnings = action === 'lint' ? warningCount(text) : 0;
  const done = action === 'lint' || action === 'typecheck' || action === 'build' ? `passed${warnings ? ` with ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}` : 'finished';
  const head = action === 'command' ? `${what} ${ok ? done : `failed (${exit})`}.` : `${what} ${ok ? done : `failed (${exit})`}: \`${line}\`.`;
  const summary = `${head}${excerpt ? `\n\n${excerpt}` : ''}`;
  const outcome: AgentOutcome = ok
    ? { status: 'completed', summary, commitChanges: false }
    : { status: 'failed', summary, error: `${what} failed (${exit})`, commitChanges: false };
  return { outcome, ok, text };
}
