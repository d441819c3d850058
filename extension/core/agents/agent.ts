import type { Logger } from '../../../shared/logger.js';
import type { TestOutcome } from '../../../shared/sessions.js';
import type { DependencySource } from '../turnDependencies.js';

/**
 * The adapter every agent backend implements (builtin here; claude, codex and command
 * later). The runner owns the worktree, the approvals and the journal; an agent only
 * works in the folder it is given, asks the gate before each tool call, and reports
 * what happens as a stream of events ending with one outcome.
 */
export interface Agent {
  /** The name users pick it by (`builtin`, `claude`, …). */
  readonly name: string;
  /**
   * Runs one turn of a session. Yields progress while working and exactly one
   * `outcome` last. Aborting `signal` must stop promptly and kill any process tree
   * the agent started (see `runProcess` in processTree.ts); the runner then ignores
   * anything yielded after the abort.
   */
  run(context: AgentContext): AsyncIterable<AgentEvent>;
  /**
   * Optional, called before a turn's worktree is made: an agent that already knows it
   * cannot do the task refuses here (no worktree, no branch), and one that reads a
   * branch from the task ("on main") names the commit the worktree starts from.
   */
  prepare?(task: string): TurnPlan;
}

/** What an agent decided about a turn before it runs. */
export interface TurnPlan {
  /** The turn ends at once with this outcome; nothing is created. */
  refusal?: AgentOutcome;
  /** The branch (or ref) a new worktree starts from, instead of the repository's default. */
  base?: string;
}

/** Makes an agent by name; throws `DispatchError('not_found')` for an unknown name. */
export type AgentFactory = (name: string) => Agent;

export interface AgentContext {
  sessionId: string;
  /** The session's worktree: the only folder the agent may change. */
  worktree: string;
  /** The task text of this turn (the original task, or the follow-up message). */
  task: string;
  /** A follow-up: the conversation the previous turn reported, for backends that resume. */
  conversationId?: string;
  /** The runner's approval policy. Ask it before every tool call; it may wait for a person. */
  approvals: ApprovalGate;
  /** Cancels the turn (user cancel, runner stop). */
  signal: AbortSignal;
  /** Appends to the session's full log file; events should carry only excerpts. */
  log: (text: string) => void;
  logger: Logger;
  /** The environment of commands the agent runs itself (an allowlist); default toolEnv(). */
  env?: NodeJS.ProcessEnv;
  /** Installed dependencies kept from earlier sessions (the runner's cache); absent when off. */
  dependencies?: DependencySource;
}

export type AgentEvent = { kind: 'progress'; text: string } | { kind: 'outcome'; outcome: AgentOutcome };

export interface AgentOutcome {
  status: 'completed' | 'failed';
  /** What a person reads in the chat thread. */
  summary: string;
  tests?: TestOutcome;
  costUsd?: number;
  /** The backend's conversation, so a follow-up can continue it. */
  conversationId?: string;
  /** Why it failed, when `status` is `failed`. */
  error?: string;
  /** A refused task: the check the agent could run instead ("run the tests"), offered as a button. */
  instead?: 'test' | 'lint' | 'build';
  /** The turn stopped because a person denied a step: a follow-up's denial leaves the earlier verdict standing. */
  denied?: boolean;
  /**
   * Whether the runner should commit the worktree's changes. Defaults to true; the
   * builtin agent only runs checks, so what they leave behind (build output, caches)
   * is not work to commit.
   */
  commitChanges?: boolean;
}

/** One tool call an agent wants to make. */
export interface ToolCall {
  /** `shell` for commands; otherwise the backend's tool name (`read`, `edit`, `Grep`, …). */
  tool: string;
  /** One line a person can judge ("Run `npm test` in the session worktree"). */
  summary: string;
  /** For shell commands: the argument array that will be spawned. */
  command?: readonly string[];
}

export type ApprovalVerdict =
  | { allowed: true; how: 'safe' | 'grant' | 'once' }
  | { allowed: false; reason: string };

/**
 * Sits between an agent and every tool call. `check` resolves when the call may run
 * (safe, already granted, or approved by a person — which may take hours) or is denied;
 * it rejects with `DispatchError('cancelled')` when `signal` aborts while waiting.
 */
export interface ApprovalGate {
  check(call: ToolCall, signal?: AbortSignal): Promise<ApprovalVerdict>;
}
