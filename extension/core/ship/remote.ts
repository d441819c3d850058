import { DispatchError } from '../../../shared/errors.js';

/** A forge repository: which API speaks for it, on which host, and its path there. */
export interface ForgeRepo {
  kind: 'github' | 'gitlab';
  /** The web host (github.com, gitlab.example.com): pages and compare links live there. */
  host: string;
  /** `owner/name` on GitHub; `group/subgroup/name` on GitLab. */
  path: string;
}

/** Hosts whose forge is known without configuration. */
const KNOWN_HOSTS: Record<string, ForgeRepo['kind']> = { 'github.com': 'github', 'www.github.com': 'github', 'gitlab.com': 'gitlab' };

/** `git@github.com:o/r.git`: scp-like SSH, the form GitHub and GitLab show first. */
const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/;

/**
 * The host and repository path a remote URL names: SSH (`git@host:o/r.git`,
 * `ssh://git@host:22/o/r.git`), HTTPS (`https://host/o/r.git`, with or without a user).
 * Local paths and `file://` URLs name no host: undefined.
 */
export function hostAndPath(url: string): { host: string; path: string } | undefined {
  const trimmed = url.trim();
  if (/^(https?|ssh|git):\/\//i.test(trimmed)) {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return undefined;
    }
    const repoPath = cleanPath(parsed.pathname);
    return parsed.hostname && repoPath ? { host: parsed.hostname.toLowerCase(), path: repoPath } : undefined;
  }
  if (/^[a-z]+:\/\//i.test(trimmed) || trimmed.startsWith('/') || trimmed.startsWith('.') || /^[A-Za-z]:[\\/]/.test(trimmed)) return undefined;
  const scp = SCP_LIKE.exec(trimmed);
  if (!scp) return undefined;
  const repoPath = cleanPath(scp[2] ?? '');
  return repoPath ? { host: (scp[1] ?? '').toLowerCase(), path: repoPath } : undefined;
}

function cleanPath(raw: string): string | undefined {
  const repoPath = raw.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  const parts = repoPath.split('/');
  if (parts.length < 2 || parts.some((part) => !/^[A-Za-z0-9._-]+$/.test(part) || part === '.' || part === '..')) return undefined;
  return repoPath;
}

/** `github:OWNER/NAME` or `gitlab:GROUP/NAME` (git config dispatch.forge); the host comes from the API settings. */
export function parseForgeSetting(value: string, defaults: { githubHost: string; gitlabHost: string }): ForgeRepo {
  const match = /^(github|gitlab):([A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)+)$/.exec(value.trim());
  if (!match || match[2]!.split('/').some((part) => part === '.' || part === '..')) {
    throw new DispatchError('bad_config', `git config dispatch.forge is ${JSON.stringify(value)}; it should look like github:OWNER/NAME or gitlab:GROUP/NAME.`);
  }
  const kind = match[1] as ForgeRepo['kind'];
  if (kind === 'github' && match[2]!.split('/').length !== 2) {
    throw new DispatchError('bad_config', `git config dispatch.forge is ${JSON.stringify(value)}; a GitHub repository is OWNER/NAME.`);
  }
  return { kind, host: kind === 'github' ? defaults.githubHost : defaults.gitlabHost, path: match[2]! };
}

/**
 * The forge repository of a push remote: `dispatch.forge` when the user set it (a local
 * path, a mirror, an unknown host), else the remote URL's host when it is GitHub's or
 * GitLab's, or the host of DISPATCH_GITHUB_API_URL / DISPATCH_GITLAB_URL (Enterprise,
 * self-hosted). Undefined: the branch can still be pushed, but no pull request opened.
 */
export function forgeRepo(remoteUrl: string, setting: string | undefined, env: Record<string, string | undefined>): ForgeRepo | undefined {
  const githubHost = hostOf(env.DISPATCH_GITHUB_API_URL, 'github.com', true);
  const gitlabHost = hostOf(env.DISPATCH_GITLAB_URL, 'gitlab.com', false);
  if (setting?.trim()) return parseForgeSetting(setting, { githubHost, gitlabHost });
  const found = hostAndPath(remoteUrl);
  if (!found) return undefined;
  const kind = KNOWN_HOSTS[found.host] ?? (found.host === githubHost ? 'github' : found.host === gitlabHost ? 'gitlab' : undefined);
  if (!kind) return undefined;
  if (kind === 'github' && found.path.split('/').length !== 2) return undefined;
  return { kind, host: kind === 'github' && found.host === 'www.github.com' ? 'github.com' : found.host, path: found.path };
}

/**
 * The web host behind an API base. GitHub: Enterprise serves its API under
 * `https://HOST/api/v3`, so HOST is the web host; any other base (api.github.com, a
 * proxy, a test's stand-in) leaves the web on github.com. GitLab: the instance's host.
 */
function hostOf(url: string | undefined, fallback: string, github: boolean): string {
  if (!url) return fallback;
  try {
    const parsed = new URL(url);
    if (github && !/^\/api\/v3\/?$/.test(parsed.pathname)) return fallback;
    return parsed.hostname.toLowerCase() || fallback;
  } catch {
    return fallback;
  }
}
