import type { CanUseTool, Options, PermissionResult, SpawnedProcess, SpawnOptions } from '@anthropic-ai/claude-agent-sdk';
import type { Agent, AgentContext, AgentEvent, AgentOutcome } from './agent.js';
import { agentEnv, CLAUDE_AUTH_MISSING, claudeAuthVariable } from './agentEnv.js';
import { AgentProcess } from './agentProcess.js';
import type { AgentSettings, SourceEnv } from './agentSettings.js';
import { ClaudeTranscript } from './claudeMessages.js';
import { claudeToolCall } from './claudeTools.js';
import { resolveClaude } from './executables.js';

type ClaudeSdk = typeof import('@anthropic-ai/claude-agent-sdk');

export interface ClaudeAgentOptions extends Pick<AgentSettings, 'claudePath' | 'claudeMaxTurns' | 'claudeMaxBudgetUsd' | 'passEnv'> {
  /** Where auth and PATH come from; the agent's own environment is built from it deliberately. */
  env?: SourceEnv;
  /** Loads the SDK (tests replace it to simulate a missing install). */
  loadSdk?: () => Promise<ClaudeSdk>;
}

export const CLAUDE_NOT_FOUND =
  'Could not find the Claude Code executable: the SDK\'s per-platform package is not installed and `claude` is not on PATH. ' +
  'Install Claude Code, or set DISPATCH_CLAUDE_PATH to its executable.';

function failed(summary: string): AgentOutcome {
  return { status: 'failed', summary, error: summary, commitChanges: false };
}

/**
 * The Claude Agent SDK backend. One turn is one `query()` in the session's worktree
 * with permission mode `default` (so Claude Code asks before anything risky), the
 * repository's own settings and CLAUDE.md (`settingSources: ['project']`), and every
 * permission question relayed to the runner's approval policy through `canUseTool`.
 * A follow-up resumes the Claude Code session the previous turn reported.
 */
export class ClaudeAgent implements Agent {
  readonly name = 'claude';
  private readonly source: SourceEnv;

  constructor(private readonly options: ClaudeAgentOptions = {}) {
    this.source = options.env ?? process.env;
  }

  async *run(context: AgentContext): AsyncIterable<AgentEvent> {
    // Fail at once, before any process starts, with what a person must fix.
    if (!claudeAuthVariable(this.source)) {
      yield { kind: 'outcome', outcome: failed(CLAUDE_AUTH_MISSING) };
      return;
    }
    const executable = resolveClaude(this.options.claudePath, this.source);
    if (!executable) {
      const configured = this.options.claudePath;
      yield { kind: 'outcome', outcome: failed(configured ? `DISPATCH_CLAUDE_PATH (${configured}) is not an executable file.` : CLAUDE_NOT_FOUND) };
      return;
    }
    let sdk: ClaudeSdk;
    try {
      sdk = await (this.options.loadSdk ?? (() => import('@anthropic-ai/claude-agent-sdk')))();
    } catch (error) {
      yield { kind: 'outcome', outcome: failed(`The Claude Agent SDK could not be loaded (npm install @anthropic-ai/claude-agent-sdk): ${(error as Error).message}`) };
      return;
    }
    if (context.signal.aborted) return;
    yield* this.converse(sdk, executable, context);
  }

  private async *converse(sdk: ClaudeSdk, executable: string, context: AgentContext): AsyncIterable<AgentEvent> {
    const abortController = new AbortController();
    const onAbort = () => abortController.abort();
    context.signal.addEventListener('abort', onAbort, { once: true });
    const processes: AgentProcess[] = [];
    const transcript = new ClaudeTranscript(context.worktree);
    let outcome: AgentOutcome | undefined;
    try {
      const messages = sdk.query({ prompt: context.task, options: this.queryOptions(executable, context, abortController, processes) });
      for await (const message of messages) {
        context.log(`${JSON.stringify(message)}\n`);
        const step = transcript.read(message);
        for (const text of step.progress) yield { kind: 'progress', text };
        if (step.outcome) outcome = step.outcome;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      context.log(`[claude] ${message}\n`);
      if (!context.signal.aborted) context.logger.warn('claude ended with an error', { error: message });
      // After a result, a late process error (an exit code) does not change what happened.
      if (!context.signal.aborted && !outcome) {
        outcome = { ...failed(`Claude Code stopped: ${message}`), ...(transcript.sessionId ? { conversationId: transcript.sessionId } : {}) };
      }
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      // The SDK ends the CLI when the turn is over; make sure nothing it started lingers.
      await Promise.all(processes.map((proc) => proc.stop()));
    }
    if (context.signal.aborted) return;
    yield { kind: 'outcome', outcome: outcome ?? failed('Claude Code ended without a result.') };
  }

  private queryOptions(executable: string, context: AgentContext, abortController: AbortController, processes: AgentProcess[]): Options {
    const { claudeMaxTurns, claudeMaxBudgetUsd } = this.options;
    return {
      cwd: context.worktree,
      // Explicit: without it a user's settings could pick a mode that asks nobody.
      permissionMode: 'default',
      // The repository's .claude/settings.json and CLAUDE.md; not the user's global settings.
      settingSources: ['project'],
      canUseTool: this.relay(context),
      abortController,
      ...(context.conversationId ? { resume: context.conversationId } : {}),
      ...(claudeMaxTurns !== undefined ? { maxTurns: claudeMaxTurns } : {}),
      ...(claudeMaxBudgetUsd !== undefined ? { maxBudgetUsd: claudeMaxBudgetUsd } : {}),
      // options.env replaces the environment: only what agentEnv names reaches Claude Code.
      env: agentEnv('claude', this.source, this.options.passEnv),
      pathToClaudeCodeExecutable: executable,
      spawnClaudeCodeProcess: (options) => this.spawn(options, context, processes),
    };
  }

  /** Every permission question goes through the runner's policy; a denial carries the person's reason. */
  private relay(context: AgentContext): CanUseTool {
    return async (toolName, input, { signal }): Promise<PermissionResult> => {
      const call = claudeToolCall(toolName, input, context.worktree);
      try {
        const verdict = await context.approvals.check(call, AbortSignal.any([signal, context.signal]));
        if (verdict.allowed) return { behavior: 'allow', updatedInput: input };
        return { behavior: 'deny', message: `The user denied this ${toolName} call: ${verdict.reason}` };
      } catch {
        // Cancelled while a person was deciding: stop the turn rather than carry on without the tool.
        return { behavior: 'deny', message: 'The session was cancelled while waiting for approval.', interrupt: true };
      }
    };
  }

  /**
   * Starts the CLI in its own process group instead of the SDK's plain spawn, so a
   * cancel ends the commands Claude Code started too, and its stderr goes to the log.
   */
  private spawn(options: SpawnOptions, context: AgentContext, processes: AgentProcess[]): SpawnedProcess {
    // A JavaScript entry point runs under the runner's own node, whatever PATH says.
    const command = options.command === 'node' ? process.execPath : options.command;
    const proc = new AgentProcess(command, options.args, {
      cwd: options.cwd ?? context.worktree,
      env: options.env,
      onStderr: (text) => context.log(text),
    });
    processes.push(proc);
    context.logger.debug('claude started', { pid: proc.pid, executable: command, resume: context.conversationId !== undefined });
    options.signal.addEventListener('abort', () => proc.kill('SIGTERM'), { once: true });
    const child = proc.child;
    // The SDK's listener signatures are overloads of Node's own; ChildProcess accepts them all.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    type Listener = (...args: any[]) => void;
    return {
      stdin: child.stdin,
      stdout: child.stdout,
      get killed() {
        return child.killed;
      },
      get exitCode() {
        return child.exitCode;
      },
      get signalCode() {
        return child.signalCode;
      },
      kill: (signal) => {
        proc.kill(signal);
        return true;
      },
      on: (event: 'exit' | 'error', listener: Listener) => void child.on(event, listener),
      once: (event: 'exit' | 'error', listener: Listener) => void child.once(event, listener),
      off: (event: 'exit' | 'error', listener: Listener) => void child.off(event, listener),
    };
  }
}
