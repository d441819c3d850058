import { DispatchError } from '../../../shared/errors.js';
import type { SecretMask } from '../secretMask.js';
import { runGit } from './git.js';

/** A remote name git would take as a name, never as an option or a path. */
const REMOTE_NAME = /^(?!-)[A-Za-z0-9._-]{1,100}$/;
/** The only branches a session may push: its own `dispatch/…` branch, plain ref characters. */
const SESSION_BRANCH = /^dispatch\/(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]{1,200}(?<![./])$/;

export interface PushRemote {
  name: string;
  url: string;
}

/** Whether `branch` is a name a session branch can have (what the runner makes in slug.ts). */
export function isSessionBranch(branch: string): boolean {
  return SESSION_BRANCH.test(branch) && !branch.endsWith('.lock');
}

/**
 * The remote a push goes to, the way git itself would choose for a new branch:
 * `remote.pushDefault`, else `origin`, else the only remote. Undefined: no remote.
 */
export async function findPushRemote(repoPath: string, env: NodeJS.ProcessEnv): Promise<PushRemote | undefined> {
  const listed = await runGit(repoPath, ['remote'], env, 10_000);
  const remotes = listed.code === 0 ? listed.stdout.split('\n').map((line) => line.trim()).filter(Boolean) : [];
  if (remotes.length === 0) return undefined;
  const configured = (await runGit(repoPath, ['config', '--get', 'remote.pushDefault'], env, 10_000)).stdout.trim();
  const name = remotes.includes(configured) ? configured : remotes.includes('origin') ? 'origin' : remotes.length === 1 ? remotes[0]! : undefined;
  if (!name || !REMOTE_NAME.test(name)) return undefined;
  const url = await runGit(repoPath, ['remote', 'get-url', '--push', name], env, 10_000);
  return url.code === 0 && url.stdout.trim() ? { name, url: url.stdout.trim() } : undefined;
}

/** How many commits `branch` has that `base` does not: what shipping it would offer. */
export async function commitsAhead(repoPath: string, base: string, branch: string, env: NodeJS.ProcessEnv): Promise<number> {
  const counted = await runGit(repoPath, ['rev-list', '--count', `${base}..refs/heads/${branch}`, '--'], env, 10_000);
  return counted.code === 0 ? Number(counted.stdout.trim()) || 0 : 0;
}

/**
 * `git push --porcelain --no-verify <remote> refs/heads/B:refs/heads/B`: exactly the
 * session's branch to the branch of the same name, never forced (no `--force`, no `+`),
 * so a remote branch with commits the session lacks is refused rather than overwritten.
 * Runs in the user's repository folder (its refs are shared with the worktree), which it
 * does not change beyond the remote-tracking ref. Returns the commit that was pushed.
 */
export async function pushBranch(repoPath: string, remote: PushRemote, branch: string, env: NodeJS.ProcessEnv, mask: SecretMask): Promise<string> {
  if (!isSessionBranch(branch)) throw new DispatchError('forbidden', `Dispatch only pushes a session's own dispatch/… branch, not ${JSON.stringify(branch)}.`);
  const head = await runGit(repoPath, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], env, 10_000);
  const commit = head.stdout.trim();
  if (head.code !== 0 || !commit) throw new DispatchError('not_found', `The branch ${branch} no longer exists in the repository, so there is nothing to push.`);
  const ref = `refs/heads/${branch}`;
  const pushed = await runGit(repoPath, ['push', '--porcelain', '--no-verify', '--no-follow-tags', remote.name, `${ref}:${ref}`], env);
  if (pushed.code === 0) return commit;
  throw new DispatchError('conflict', rejectionMessage(remote.name, branch, mask.mask(`${pushed.stdout}\n${pushed.stderr}`)));
}

/** A refused push in words a person can act on; the branch and the session stay as they were. */
export function rejectionMessage(remote: string, branch: string, output: string): string {
  const said = remoteSaid(output);
  const because = said ? ` The remote said: ${said}` : '';
  if (/non-fast-forward|fetch first|\[rejected\].*(behind|stale)/i.test(output)) {
    return `${remote} refused the push: its ${branch} has commits this session doesn't have (not a fast-forward). Dispatch never force-pushes; nothing was changed.${because}`;
  }
  if (/protected branch|GH006|pre-receive hook declined.*protect|protected/i.test(output)) {
    return `${remote} refused the push: ${branch} is protected there. Nothing was changed.${because}`;
  }
  if (/permission|denied|403|401|authentication failed|could not read (username|password)|not authorized|unauthorized|publickey/i.test(output)) {
    return `${remote} refused the push: this machine has no permission to push there (check its SSH key or git credential helper). Nothing was changed.${because}`;
  }
  if (/could not read from remote|repository not found|does not appear to be a git repository|unable to access|could not resolve host/i.test(output)) {
    return `Could not reach ${remote} to push ${branch}. Nothing was changed.${because}`;
  }
  return `The push of ${branch} to ${remote} failed. Nothing was changed.${because}`;
}

/** The lines that explain a refusal (the remote's own words, git's `error:`/`fatal:`), short. */
function remoteSaid(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^(remote:|error:|fatal:|!)/.test(line) && !/^remote:\s*$/.test(line))
    .map((line) => line.replace(/^remote:\s*/, '').replace(/^!\s*\S+\s*/, ''));
  return [...new Set(lines)].join(' ').slice(0, 600);
}
