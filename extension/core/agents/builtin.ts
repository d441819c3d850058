import type { Agent, AgentContext, AgentEvent, AgentOutcome, TurnPlan } from './agent.js';
import { runCheck, runLiteral } from './builtinChecks.js';
import { runCi } from './builtinCi.js';
import { runFormat } from './builtinFormat.js';
import { refusal } from './builtinRefusal.js';
import { runReview } from './builtinReview.js';
import { runBulkUpdate, runUpdate } from './builtinUpdate.js';
import { parseTaskIntent, type TaskIntent } from './taskIntent.js';

export { FREE_FORM_MESSAGE } from './builtinRefusal.js';

export interface BuiltinAgentOptions {
  /** How often (ms) an excerpt of new output is reported while a command runs. */
  progressIntervalMs?: number;
  /** The commands' environment (an allowlist: see toolEnv); default toolEnv() of the runner's. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The agent without a model: understands sentences about the checks it can run (tests,
 * lint, type check, build, format, audit, outdated, dependency updates, CI, reviews,
 * commands written out), finds the project's own command, asks the approval gate for
 * each one, runs it in the worktree and reports what happened. Anything else is refused
 * before a worktree is made.
 */
export class BuiltinAgent implements Agent {
  readonly name = 'builtin';

  constructor(private readonly options: BuiltinAgentOptions = {}) {}

  prepare(task: string): TurnPlan {
    const intent = parseTaskIntent(task);
    if (!intent) return { refusal: refusal(task) };
    return intent.branch ? { base: intent.branch } : {};
  }

  async *run(context: AgentContext): AsyncIterable<AgentEvent> {
    const intent = parseTaskIntent(context.task);
    const withEnv: AgentContext = this.options.env ? { ...context, env: this.options.env } : context;
    const outcome: AgentOutcome = intent ? yield* this.perform(withEnv, intent) : refusal(context.task);
    yield { kind: 'outcome', outcome };
  }

  private async *perform(context: AgentContext, intent: TaskIntent): AsyncGenerator<AgentEvent, AgentOutcome> {
    const interval = this.options.progressIntervalMs ?? 2_000;
    switch (intent.action) {
      case 'command':
        return (yield* runLiteral(context, intent.command ?? [], interval)).outcome;
      case 'format':
        return yield* runFormat(context, interval);
      case 'update':
        return intent.bulk ? yield* runBulkUpdate(context, intent.bulk, interval) : yield* runUpdate(context, intent.updates ?? [], interval);
      case 'ci':
        return yield* runCi(context, intent.branch, interval);
      case 'review':
        return yield* runReview(context, intent.branch, interval);
      default:
        return (yield* runCheck(context, intent.action, interval)).outcome;
    }
  }
}
