import { setTimeout as sleep } from 'node:timers/promises';
import { runProcess, toolEnv, type ProcessResult } from '../processTree.js';
import type { AgentContext, AgentEvent } from './agent.js';
import { OutputBuffer, tailExcerpt } from './excerpt.js';

/** How a streamed process ended: its result, or why it could not run. */
export type Settled = { result: ProcessResult; output: OutputBuffer } | { error: string; output: OutputBuffer };

/**
 * Runs a command in the session's worktree: the whole output goes to the session log,
 * and every `intervalMs` an excerpt of what is new is yielded as progress. Returns how it
 * ended (use with `yield*`). Cancel comes through `context.signal`. Without an `env` the
 * command gets the tool allowlist (toolEnv), never the runner's whole environment.
 */
export async function* streamProcess(
  context: AgentContext,
  command: readonly string[],
  options: { intervalMs: number; env?: NodeJS.ProcessEnv },
): AsyncGenerator<AgentEvent, Settled> {
  const output = new OutputBuffer();
  let settled: Settled | undefined;
  const running = runProcess(command, {
    cwd: context.worktree,
    env: options.env ?? context.env ?? toolEnv(),
    signal: context.signal,
    onOutput: (text) => {
      output.append(text);
      context.log(text);
    },
  }).then(
    (result) => (settled = { result, output }),
    (error: unknown) => (settled = { error: error instanceof Error ? error.message : String(error), output }),
  );
  let reported = 0;
  while (!settled) {
    await Promise.race([running, sleep(options.intervalMs, undefined, { ref: false })]);
    if (!settled && output.size > reported) {
      reported = output.size;
      yield { kind: 'progress', text: tailExcerpt(output.toString(), 8) };
    }
  }
  // The lines printed since the last tick: without them a live log ends short of the output.
  if (output.size > reported) yield { kind: 'progress', text: tailExcerpt(output.toString(), 8) };
  return settled;
}
