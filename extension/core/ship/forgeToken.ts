import { execFile } from 'node:child_process';
import { toolEnv } from '../processTree.js';
import type { ForgeRepo } from './remote.js';

/** Where a forge token came from, for a log line that never holds the token itself. */
export interface ForgeToken {
  value: string;
  source: 'GITHUB_TOKEN' | 'GH_TOKEN' | 'GITLAB_TOKEN' | 'gh auth token';
}

/**
 * The machine's own token for the forge, from the runner's environment, else (GitHub)
 * from `gh auth token` when the GitHub CLI is installed and logged in. The token is used
 * by the runner alone: it is never sent over the link, and the caller adds it to the
 * runner's secret mask before anything is logged.
 */
export async function forgeToken(forge: ForgeRepo, env: Record<string, string | undefined>): Promise<ForgeToken | undefined> {
  if (forge.kind === 'gitlab') return env.GITLAB_TOKEN?.trim() ? { value: env.GITLAB_TOKEN.trim(), source: 'GITLAB_TOKEN' } : undefined;
  if (env.GITHUB_TOKEN?.trim()) return { value: env.GITHUB_TOKEN.trim(), source: 'GITHUB_TOKEN' };
  if (env.GH_TOKEN?.trim()) return { value: env.GH_TOKEN.trim(), source: 'GH_TOKEN' };
  const fromGh = await ghAuthToken(forge.host, env);
  return fromGh ? { value: fromGh, source: 'gh auth token' } : undefined;
}

/** `gh auth token --hostname HOST`; undefined when gh is missing, logged out or slow. */
function ghAuthToken(host: string, env: Record<string, string | undefined>): Promise<string | undefined> {
  // gh finds its login under HOME / XDG_CONFIG_HOME / GH_CONFIG_DIR; nothing else is passed.
  const ghEnv = { ...toolEnv(env), ...(env.GH_CONFIG_DIR ? { GH_CONFIG_DIR: env.GH_CONFIG_DIR } : {}) };
  return new Promise((resolve) => {
    execFile('gh', ['auth', 'token', '--hostname', host], { env: ghEnv, timeout: 5_000, windowsHide: true, encoding: 'utf8' }, (error, stdout) => {
      const token = String(stdout ?? '').trim();
      resolve(!error && /^[A-Za-z0-9_.-]{20,400}$/.test(token) ? token : undefined);
    });
  });
}
