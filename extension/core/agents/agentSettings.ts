/**
 * What the model-backed backends read from the runner's configuration (runnerConfig.ts
 * parses the DISPATCH_* variables into this). Every field is optional: an unset field
 * means the backend's own default.
 */
export interface AgentSettings {
  /** DISPATCH_AGENT_COMMAND: the `command` backend's template, e.g. `aider --message {task} --yes-always`. */
  command?: string;
  /** DISPATCH_AGENT_ENV: extra variable names every agent may see (e.g. OPENAI_API_KEY for aider). */
  passEnv?: string[];
  /** DISPATCH_CLAUDE_PATH: the `claude` executable; default the SDK's bundled one, then `claude` on PATH. */
  claudePath?: string;
  /** DISPATCH_CLAUDE_MAX_TURNS */
  claudeMaxTurns?: number;
  /** DISPATCH_CLAUDE_MAX_BUDGET_USD */
  claudeMaxBudgetUsd?: number;
  /** DISPATCH_CODEX_PATH: the `codex` executable; default `codex` on PATH. */
  codexPath?: string;
}

/** The source environment an agent's own environment is built from (never passed whole). */
export type SourceEnv = Record<string, string | undefined>;
