import type { TestOutcome } from '../../../shared/sessions.js';
import type { ProcessResult } from '../processTree.js';
import type { Agent, AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { tailExcerpt } from './excerpt.js';
import { streamProcess } from './streamedProcess.js';
import { parseTestOutput } from './testParsers.js';
import { parseBuiltinIntent, type BuiltinIntent } from './taskIntent.js';
import { LOOKED_FOR, planCommand, type PlannedCommand } from './toolchain.js';

/** The message for any task the builtin agent cannot do. Never a fake success. */
export const FREE_FORM_MESSAGE =
  'The builtin agent has no model: it can run the tests, run the linter, build, audit dependencies and list ' +
  'outdated dependencies. A model-backed agent must be configured for free-form coding (set DISPATCH_AGENT, ' +
  'e.g. DISPATCH_AGENT=claude).';

const NOUN: Record<BuiltinIntent, string> = {
  test: 'tests',
  lint: 'linter',
  build: 'build',
  audit: 'dependency audit',
  outdated: 'outdated-dependencies check',
};

export interface BuiltinAgentOptions {
  /** How often (ms) an excerpt of new output is reported while a command runs. */
  progressIntervalMs?: number;
  /** The commands' environment (an allowlist: see toolEnv); default toolEnv() of the runner's. */
  env?: NodeJS.ProcessEnv;
}

function display(command: readonly string[]): string {
  return command.join(' ');
}

function failed(summary: string, error = summary): AgentOutcome {
  return { status: 'failed', summary, error, commitChanges: false };
}

/**
 * The agent without a model: recognises a few well-specified tasks, finds the
 * project's own command for it, asks the approval gate, runs it in the worktree and
 * reports counts and failing tests. Everything else fails fast with FREE_FORM_MESSAGE.
 */
export class BuiltinAgent implements Agent {
  readonly name = 'builtin';

  constructor(private readonly options: BuiltinAgentOptions = {}) {}

  async *run(context: AgentContext): AsyncIterable<AgentEvent> {
    const intent = parseBuiltinIntent(context.task);
    if (!intent) {
      yield { kind: 'outcome', outcome: failed(FREE_FORM_MESSAGE) };
      return;
    }
    const plan = planCommand(context.worktree, intent);
    if (!plan) {
      yield { kind: 'outcome', outcome: failed(`Found no ${NOUN[intent]} command to run (looked for ${LOOKED_FOR}).`) };
      return;
    }
    const shown = display(plan.command);
    yield { kind: 'progress', text: `Found \`${shown}\` (${plan.source}).` };
    if (plan.setup && !(yield* this.setUp(context, plan.setup.command))) return;
    const verdict = await context.approvals.check(
      { tool: 'shell', summary: `Run \`${shown}\` in the session worktree`, command: plan.command },
      context.signal,
    );
    if (!verdict.allowed) {
      yield { kind: 'outcome', outcome: failed(`Did not run \`${shown}\`: denied — ${verdict.reason}`, `Denied: ${verdict.reason}`) };
      return;
    }
    yield { kind: 'progress', text: `Running \`${shown}\`…` };
    yield* this.execute(context, intent, plan);
  }

  /** Installs the project's dependencies in the worktree (asking first); false when the session must stop. */
  private async *setUp(context: AgentContext, command: string[]): AsyncGenerator<AgentEvent, boolean> {
    const shown = display(command);
    yield { kind: 'progress', text: `The worktree has no installed dependencies; installing them first (\`${shown}\`).` };
    const verdict = await context.approvals.check({ tool: 'shell', summary: `Run \`${shown}\` in the session worktree to install dependencies`, command }, context.signal);
    if (!verdict.allowed) {
      yield { kind: 'outcome', outcome: failed(`Did not install dependencies (\`${shown}\`): denied — ${verdict.reason}`, `Denied: ${verdict.reason}`) };
      return false;
    }
    context.log(`$ ${shown}\n`);
    const settled = yield* streamProcess(context, command, this.streamOptions());
    if ('error' in settled || settled.result.exitCode !== 0) {
      const why = 'error' in settled ? settled.error : settled.result.aborted ? 'cancelled' : `exit code ${settled.result.exitCode ?? settled.result.signal}`;
      yield { kind: 'outcome', outcome: failed(`Installing dependencies failed (\`${shown}\`, ${why}).\n\n${tailExcerpt(settled.output.toString())}`, `Dependency install failed (${why})`) };
      return false;
    }
    return true;
  }

  private streamOptions(): { intervalMs: number; env?: NodeJS.ProcessEnv } {
    return { intervalMs: this.options.progressIntervalMs ?? 2_000, ...(this.options.env ? { env: this.options.env } : {}) };
  }

  private async *execute(context: AgentContext, intent: BuiltinIntent, plan: PlannedCommand): AsyncIterable<AgentEvent> {
    const shown = display(plan.command);
    context.log(`$ ${shown}\n`);
    const settled = yield* streamProcess(context, plan.command, this.streamOptions());
    if ('error' in settled) {
      yield { kind: 'outcome', outcome: failed(`Could not run \`${shown}\`: ${settled.error}`) };
      return;
    }
    const { result, output } = settled;
    context.log(`\n[exit ${result.exitCode ?? result.signal}]\n`);
    if (result.aborted) {
      yield { kind: 'outcome', outcome: failed(`\`${shown}\` was cancelled.`) };
      return;
    }
    const ok = result.exitCode === 0 || (result.exitCode !== null && (plan.okExitCodes ?? []).includes(result.exitCode));
    yield { kind: 'outcome', outcome: summarize(intent, shown, ok, result, output.toString()) };
  }
}

function summarize(intent: BuiltinIntent, shown: string, ok: boolean, result: ProcessResult, text: string): AgentOutcome {
  const exit = result.exitCode !== null ? `exit code ${result.exitCode}` : `signal ${result.signal}`;
  const excerpt = tailExcerpt(text);
  if (intent === 'test') {
    const parsed = parseTestOutput(text);
    const tests: TestOutcome | undefined = parsed ? { command: shown, ...parsed } : undefined;
    // A suite that exits non-zero failed even when the parser found no failing count.
    const passedAll = ok && (!parsed || parsed.failed === 0);
    const counts = parsed
      ? `${parsed.passed} passed, ${parsed.failed} failed${parsed.skipped ? `, ${parsed.skipped} skipped` : ''}`
      : `counts not recognised, ${exit}`;
    const failing = parsed?.failures.length ? `\nFailing: ${parsed.failures.slice(0, 20).join('; ')}` : '';
    const summary = `Tests ${passedAll ? 'passed' : 'failed'}: ${counts} (\`${shown}\`).${failing}`;
    const outcome: AgentOutcome = {
      status: passedAll ? 'completed' : 'failed',
      // Named failures say more than the tail of the output; without them the tail is the clue.
      summary: passedAll || parsed?.failures.length ? summary : `${summary}\n\n${excerpt}`,
      commitChanges: false,
      ...(tests ? { tests } : {}),
    };
    return passedAll ? outcome : { ...outcome, error: `Tests failed (${exit})` };
  }
  const what = NOUN[intent].replace(/^./, (c) => c.toUpperCase());
  const summary = `${what} ${ok ? 'finished' : `failed (${exit})`}: \`${shown}\`.${excerpt ? `\n\n${excerpt}` : ''}`;
  return ok
    ? { status: 'completed', summary, commitChanges: false }
    : { status: 'failed', summary, error: `${what} failed (${exit})`, commitChanges: false };
}
