import type { Clock } from '../../../shared/clock.js';
import { newId } from '../../../shared/ids.js';
import type { JobSpec, SessionEvent, SessionSnapshot } from '../../../shared/sessions.js';
import type { Agent, AgentContext, AgentEvent } from '../../../extension/core/agents/agent.js';
import { createAgentFactory } from '../../../extension/core/agents/registry.js';
import { Runner, type RunnerOptions } from '../../../extension/core/runner.js';
import { TempDirs } from '../../helpers/gitRepos.js';

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  constructor(public time = Date.UTC(2030, 0, 1)) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export const MINUTE = 60_000;

/** An agent whose turn is a function the test writes. */
export class ScriptedAgent implements Agent {
  constructor(
    readonly name: string,
    private readonly script: (context: AgentContext) => AsyncIterable<AgentEvent>,
  ) {}
  run(context: AgentContext): AsyncIterable<AgentEvent> {
    return this.script(context);
  }
}

/** A latch a test opens to let scripted agents finish. */
export function latch(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A job as the bridge would send it. */
export function job(task: string, extra: Partial<JobSpec> = {}): JobSpec {
  return {
    jobId: newId(),
    task,
    requestedBy: { platform: 'cli', userId: 'tester' },
    createdAt: Date.now(),
    ...extra,
  };
}

/** Builds runners on temp homes and stops them afterwards; records every event. */
export class Harness {
  readonly temp = new TempDirs();
  readonly runners: Runner[] = [];
  readonly events: SessionEvent[] = [];

  runner(options: Partial<RunnerOptions> & Pick<RunnerOptions, 'repos'>, agents: Agent[] = []): Runner {
    const extra = Object.fromEntries(agents.map((agent) => [agent.name, () => agent]));
    const runner = new Runner({ home: options.home ?? this.temp.make('dispatch-home-'), agents: createAgentFactory(extra), ...options });
    runner.onEvent((event) => this.events.push(event));
    this.runners.push(runner);
    return runner;
  }

  eventsOf(sessionId: string): SessionEvent[] {
    return this.events.filter((event) => event.sessionId === sessionId);
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.runners.splice(0).map((runner) => runner.stop()));
    this.events.length = 0;
    this.temp.cleanup();
  }
}

/** Resolves with the first event (past or future) matching `predicate`. */
export function waitForEvent(
  runner: Runner,
  predicate: (event: SessionEvent) => boolean,
  timeoutMs = 15_000,
): Promise<SessionEvent> {
  const seen = runner.unacknowledged().find(predicate);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for an event`));
    }, timeoutMs);
    const unsubscribe = runner.onEvent((event) => {
      if (!predicate(event)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(event);
    });
  });
}

/** Waits until the session reaches a final state and returns its snapshot. */
export async function waitForEnd(runner: Runner, sessionId: string, timeoutMs = 20_000): Promise<SessionSnapshot> {
  await waitForEvent(
    runner,
    (event) =>
      event.sessionId === sessionId &&
      event.kind === 'state' &&
      ['completed', 'failed', 'cancelled', 'interrupted'].includes(event.state),
    timeoutMs,
  );
  const snapshot = runner.session(sessionId);
  if (!snapshot) throw new Error(`session ${sessionId} vanished`);
  return snapshot;
}

/** Waits for an approval request of a session and returns it. */
export async function waitForApproval(runner: Runner, sessionId: string) {
  const event = await waitForEvent(runner, (e) => e.sessionId === sessionId && e.kind === 'approval_requested');
  if (event.kind !== 'approval_requested') throw new Error('unreachable');
  return event.request;
}
