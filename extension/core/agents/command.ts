import type { Agent, AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { agentEnv } from './agentEnv.js';
import type { AgentSettings, SourceEnv } from './agentSettings.js';
import { fillTemplate, parseTemplate } from './commandLine.js';
import { tailExcerpt } from './excerpt.js';
import { streamProcess } from './streamedProcess.js';

export interface CommandAgentOptions extends Pick<AgentSettings, 'passEnv'> {
  /** DISPATCH_AGENT_COMMAND, e.g. `aider --message {task} --yes-always`. */
  template: string;
  /** Where PATH and the DISPATCH_AGENT_ENV variables come from. */
  env?: SourceEnv;
  /** How often (ms) an excerpt of new output is reported while the agent runs. */
  progressIntervalMs?: number;
}

function failed(summary: string, error = summary): AgentOutcome {
  return { status: 'failed', summary, error };
}

/**
 * Any CLI coding agent, from a command template: the task becomes one argument (no
 * shell, so nothing in it is interpreted), the program runs in the worktree, its output
 * streams as progress excerpts, and the runner commits what it changed. There is no
 * approval relay inside the program — it edits and runs what it likes — so the runner's
 * policy asks once, before the program starts at all.
 */
export class CommandAgent implements Agent {
  readonly name = 'command';
  private readonly words: string[];
  private readonly source: SourceEnv;

  constructor(private readonly options: CommandAgentOptions) {
    this.words = parseTemplate(options.template);
    this.source = options.env ?? process.env;
  }

  async *run(context: AgentContext): AsyncIterable<AgentEvent> {
    const command = fillTemplate(this.words, context.task);
    const program = command[0] ?? '';
    const shown = this.words.join(' ');
    const verdict = await context.approvals.check(
      {
        tool: 'command',
        summary: `Run the configured agent \`${shown}\` in the session worktree. It edits files and runs commands without asking.`,
        command,
      },
      context.signal,
    );
    if (!verdict.allowed) {
      yield { kind: 'outcome', outcome: { ...failed(`Did not run \`${program}\`: denied — ${verdict.reason}`, `Denied: ${verdict.reason}`), commitChanges: false } };
      return;
    }
    yield { kind: 'progress', text: `Running \`${shown}\`…` };
    yield* this.execute(context, command);
  }

  private async *execute(context: AgentContext, command: string[]): AsyncIterable<AgentEvent> {
    const program = command[0] ?? '';
    context.log(`$ ${this.words.join(' ')}\n`);
    context.logger.debug('command agent started', { program });
    const settled = yield* streamProcess(context, command, {
      intervalMs: this.options.progressIntervalMs ?? 5_000,
      // NO_COLOR: the output goes to a chat thread and a log file, not a terminal.
      env: agentEnv('command', this.source, this.options.passEnv, { NO_COLOR: '1' }),
    });
    if ('error' in settled) {
      yield { kind: 'outcome', outcome: { ...failed(`Could not run \`${program}\`: ${settled.error}`), commitChanges: false } };
      return;
    }
    const { result, output } = settled;
    context.log(`\n[exit ${result.exitCode ?? result.signal}]\n`);
    if (result.aborted) return;
    const excerpt = tailExcerpt(output.toString());
    const tail = excerpt ? `\n\n${excerpt}` : '';
    if (result.exitCode === 0) {
      yield { kind: 'outcome', outcome: { status: 'completed', summary: `\`${program}\` finished.${tail}` } };
      return;
    }
    const exit = result.exitCode !== null ? `exit code ${result.exitCode}` : `signal ${result.signal}`;
    // What it changed before failing is still committed: the branch shows how far it got.
    yield { kind: 'outcome', outcome: failed(`\`${program}\` failed (${exit}).${tail}`, `${program} failed (${exit})`) };
  }
}
