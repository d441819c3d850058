import path from 'node:path';
import { DispatchError } from '../../shared/errors.js';

/** A repository the runner may work in. The first configured one is the default. */
export interface RepoConfig {
  name: string;
  path: string;
  /** The branch sessions start from; default: the repository's HEAD commit. */
  base?: string;
}

const SAFE_BASE = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;

/**
 * Checks the configured repositories once, at startup: unique non-empty names,
 * absolute paths, plain base branch names (never an option such as `--upload-pack=x`).
 */
export function validateRepos(repos: readonly RepoConfig[]): RepoConfig[] {
  const seen = new Set<string>();
  return repos.map((repo) => {
    const name = repo.name.trim();
    if (!name || name.length > 200 || /[\u0000-\u001f]/.test(name)) {
      throw new DispatchError('bad_config', `Repository name ${JSON.stringify(repo.name)} is empty, too long or has control characters.`);
    }
    if (seen.has(name.toLowerCase())) throw new DispatchError('bad_config', `Repository name "${name}" is configured twice.`);
    seen.add(name.toLowerCase());
    if (repo.base !== undefined && !SAFE_BASE.test(repo.base)) {
      throw new DispatchError('bad_config', `Base branch ${JSON.stringify(repo.base)} of "${name}" is not a plain branch name.`);
    }
    return { name, path: path.resolve(repo.path), ...(repo.base !== undefined ? { base: repo.base } : {}) };
  });
}

/** The repository a job names (by name, case-insensitive, or by path); the default when it names none. */
export function findRepo(repos: readonly RepoConfig[], wanted: string | undefined): RepoConfig {
  const known = repos.map((repo) => repo.name).join(', ') || '(none)';
  if (repos.length === 0) throw new DispatchError('bad_config', 'No repositories are configured (DISPATCH_REPOS).');
  if (wanted === undefined) return repos[0] as RepoConfig;
  const byName = repos.find((repo) => repo.name.toLowerCase() === wanted.trim().toLowerCase());
  const byPath = path.isAbsolute(wanted) ? repos.find((repo) => repo.path === path.resolve(wanted)) : undefined;
  const found = byName ?? byPath;
  if (!found) throw new DispatchError('not_found', `Unknown repository "${wanted.slice(0, 200)}". Known repositories: ${known}.`);
  return found;
}
