import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../../shared/config.js';
import { DispatchError } from '../../shared/errors.js';
import type { RepoConfig } from './repositories.js';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().max(10_000).default(fallback);

/** The runner's environment variables and their defaults. */
export const RunnerEnvSchema = z.object({
  DISPATCH_HOME: z.string().optional(),
  DISPATCH_MAX_SESSIONS: positiveInt(2),
  DISPATCH_APPROVAL_TTL_MINUTES: positiveInt(30),
  DISPATCH_APPROVAL_REMIND_MINUTES: positiveInt(15),
  DISPATCH_AGENT: z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/, 'an agent name like builtin, claude or codex').default('builtin'),
  DISPATCH_REPOS: z
    .string()
    .regex(/^[^=,]+=[^,]+(,[^=,]+=[^,]+)*$/, 'a list like "name=/path,other=/path2"')
    .optional(),
});

export interface RunnerConfig {
  home: string;
  maxSessions: number;
  approvalTtlMinutes: number;
  approvalRemindMinutes: number;
  agent: string;
  /** Configured repositories; empty when DISPATCH_REPOS is unset and cwd is not in a repository. */
  repos: RepoConfig[];
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
    approvalRemindMinutes: parsed.DISPATCH_APPROVAL_REMIND_MINUTES,
    agent: parsed.DISPATCH_AGENT,
    repos,
  };
}
