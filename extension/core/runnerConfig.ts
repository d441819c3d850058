import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../../shared/config.js';
import { DispatchError } from '../../shared/errors.js';
import type { AgentSettings } from './agents/agentSettings.js';
import { DEFAULT_DEPS_CACHE_BYTES, DEFAULT_NO_LOCKFILE_TTL_MS, parseByteSize } from './depsCache.js';
import type { RepoConfig } from './repositories.js';
import { parseDuration } from './duration.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().max(10_000).default(fallback);

/** The agent backends' variables (issue 7); their meaning is in agents/agentSettings.ts. */
const AGENT_ENV = {
  DISPATCH_AGENT_COMMAND: z.string().optional(),
  DISPATCH_AGENT_ENV: z
    .string()
    .regex(/^\s*[A-Za-z_][A-Za-z0-9_]*(\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*\s*$/, 'a list of variable names like "OPENAI_API_KEY,AIDER_MODEL"')
    .optional(),
  DISPATCH_CLAUDE_PATH: z.string().optional(),
  DISPATCH_CLAUDE_MAX_TURNS: z.coerce.number().int().positive().max(10_000).optional(),
  DISPATCH_CLAUDE_MAX_BUDGET_USD: z.coerce.number().positive().max(100_000).optional(),
  DISPATCH_CODEX_PATH: z.string().optional(),
};
const AgentEnvSchema = z.object(AGENT_ENV);

/** The runner's environment variables and their defaults. */
export const RunnerEnvSchema = z.object({
  DISPATCH_HOME: z.string().optional(),
  DISPATCH_MAX_SESSIONS: positiveInt(2),
  DISPATCH_APPROVAL_TTL_MINUTES: positiveInt(30),
  DISPATCH_APPROVAL_REMIND_MINUTES: positiveInt(15),
  /** How long a finished session's worktree is kept before it is pruned (branches with commits stay). */
  DISPATCH_WORKTREE_RETENTION: z
    .string()
    .refine((value) => parseDuration(value) !== undefined, 'a duration like 7d, 12h or 30m')
    .default('7d'),
  DISPATCH_AGENT: z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/, 'an agent name like builtin, claude or codex').default('builtin'),
  DISPATCH_REPOS: z
    .string()
    .regex(/^[^=,]+=[^,]+(,[^=,]+=[^,]+)*$/, 'a list like "name=/path,other=/path2"')
    .optional(),
  DISPATCH_DEPS_CACHE_MAX: z
    .string()
    .refine((text) => parseByteSize(text) !== undefined, 'a size like "5GB" or "500MB" (0 turns the cache off)')
    .transform((text) => parseByteSize(text) ?? DEFAULT_DEPS_CACHE_BYTES)
    .default(DEFAULT_DEPS_CACHE_BYTES),
  /** How long an npm install of a project without a lockfile is reused (keyed by package.json). */
  DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL: z
    .string()
    .refine((value) => parseDuration(value) !== undefined, 'a duration like 24h, 3d or 30m (0 turns it off)')
    .optional(),
  DISPATCH_WORKTREE_POOL: z.coerce.number().int().min(0).max(20).default(1),
  ...AGENT_ENV,
});

export interface RunnerConfig {
  home: string;
  maxSessions: number;
  approvalTtlMinutes: number;
  approvalRemindMinutes: number;
  /** DISPATCH_WORKTREE_RETENTION in milliseconds (default 7 days). */
  worktreeRetentionMs: number;
  agent: string;
  /** Configured repositories; empty when DISPATCH_REPOS is unset and cwd is not in a repository. */
  repos: RepoConfig[];
  /** DISPATCH_DEPS_CACHE_MAX in bytes (0 = off). */
  depsCacheMaxBytes: number;
  /** DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL in milliseconds (default 24 h; 0 = never reused). */
  depsCacheNoLockfileTtlMs: number;
  /** DISPATCH_WORKTREE_POOL: ready worktrees per repository (0 = off). */
  worktreePool: number;
}

/** The warm-start settings as Runner options (hosts that keep a runner alive spread these in). */
export function warmStartOptions(config: RunnerConfig): { depsCacheMaxBytes: number; depsCacheNoLockfileTtlMs: number; worktreePool: number } {
  return { depsCacheMaxBytes: config.depsCacheMaxBytes, depsCacheNoLockfileTtlMs: config.depsCacheNoLockfileTtlMs, worktreePool: config.worktreePool };
}

/**
 * The agent backends' settings (DISPATCH_AGENT_COMMAND, DISPATCH_CLAUDE_*, …), parsed on
 * their own so a host can hand them to createAgentFactory; `bad_config` names a bad one.
 */
export function loadAgentSettings(env: Record<string, string | undefined>, cwd = process.cwd()): AgentSettings {
  return agentSettings(parseEnv(AgentEnvSchema, env), cwd);
}

function agentSettings(parsed: z.infer<typeof AgentEnvSchema>, cwd: string): AgentSettings {
  // A relative executable path means relative to where the runner was started.
  const program = (value: string | undefined) => (value && /[\\/]/.test(value) ? path.resolve(cwd, value) : value);
  const claudePath = program(parsed.DISPATCH_CLAUDE_PATH);
  const codexPath = program(parsed.DISPATCH_CODEX_PATH);
  return {
    ...(parsed.DISPATCH_AGENT_COMMAND ? { command: parsed.DISPATCH_AGENT_COMMAND } : {}),
    ...(parsed.DISPATCH_AGENT_ENV ? { passEnv: parsed.DISPATCH_AGENT_ENV.split(',').map((name) => name.trim()) } : {}),
    ...(claudePath ? { claudePath } : {}),
    ...(parsed.DISPATCH_CLAUDE_MAX_TURNS !== undefined ? { claudeMaxTurns: parsed.DISPATCH_CLAUDE_MAX_TURNS } : {}),
    ...(parsed.DISPATCH_CLAUDE_MAX_BUDGET_USD !== undefined ? { claudeMaxBudgetUsd: parsed.DISPATCH_CLAUDE_MAX_BUDGET_USD } : {}),
    ...(codexPath ? { codexPath } : {}),
  };
}

/** "name=path,name2=path2" → repositories (paths resolved against `cwd`). */
export function parseRepoList(value: string, cwd: string): RepoConfig[] {
  return value.split(',').map((pair) => {
    const at = pair.indexOf('=');
    return { name: pair.slice(0, at).trim(), path: path.resolve(cwd, pair.slice(at + 1).trim()) };
  });
}

/** The repository containing `cwd`, named after its folder; undefined outside any repository. */
export function repoOfDirectory(cwd: string): RepoConfig | undefined {
  try {
    const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return root ? { name: path.basename(root), path: root } : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the runner's configuration from the environment (clear `bad_config` errors naming the variable). */
export function loadRunnerConfig(env: Record<string, string | undefined>, cwd: string): RunnerConfig {
  const parsed = parseEnv(RunnerEnvSchema, env);
  const home = parsed.DISPATCH_HOME ? path.resolve(cwd, parsed.DISPATCH_HOME.replace(/^~(?=$|[\\/])/, os.homedir())) : path.join(os.homedir(), '.dispatch');
  let repos: RepoConfig[];
  if (parsed.DISPATCH_REPOS) {
    repos = parseRepoList(parsed.DISPATCH_REPOS, cwd);
    if (repos.some((repo) => !repo.name)) throw new DispatchError('bad_config', 'DISPATCH_REPOS: every entry needs a name (name=path)');
  } else {
    const here = repoOfDirectory(cwd);
    repos = here ? [here] : [];
  }
  return {
    home,
    maxSessions: parsed.DISPATCH_MAX_SESSIONS,
    approvalTtlMinutes: parsed.DISPATCH_APPROVAL_TTL_MINUTES,
    worktreeRetentionMs: parseDuration(parsed.DISPATCH_WORKTREE_RETENTION) ?? 7 * 86_400_000,
    approvalRemindMinutes: parsed.DISPATCH_APPROVAL_REMIND_MINUTES,
    agent: parsed.DISPATCH_AGENT,
    repos,
    depsCacheMaxBytes: parsed.DISPATCH_DEPS_CACHE_MAX,
    depsCacheNoLockfileTtlMs: parsed.DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL === undefined ? DEFAULT_NO_LOCKFILE_TTL_MS : (parseDuration(parsed.DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL) ?? DEFAULT_NO_LOCKFILE_TTL_MS),
    worktreePool: parsed.DISPATCH_WORKTREE_POOL,
  };
}
