import { Octokit } from '@octokit/rest';
import { DispatchError } from '../../../shared/errors.js';
import type { PullRequest } from '../../../shared/sessions.js';
import type { SecretMask } from '../secretMask.js';

export interface GitHubPullRequestRequest {
  /** The API base: https://api.github.com, GitHub Enterprise's https://HOST/api/v3, or a test's fake. */
  apiUrl: string;
  token: string;
  owner: string;
  name: string;
  branch: string;
  /** The branch to merge into; the repository's default branch when absent. */
  base?: string;
  title: string;
  body: string;
  draft: boolean;
  /** Blanks the token (and the runner's other secrets) out of any error message. */
  mask: SecretMask;
}

/** Octokit logs through console by default; the runner's messages go through its own logger. */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Opens a pull request from `branch` through the GitHub REST API. A 422 that says one is
 * already open for the branch is not an error: that pull request is looked up and
 * returned (`existing: true`). Any other refusal becomes a message for the thread.
 */
export async function openGitHubPullRequest(request: GitHubPullRequestRequest): Promise<PullRequest> {
  const octokit = new Octokit({ auth: request.token, baseUrl: request.apiUrl.replace(/\/+$/, ''), userAgent: 'dispatch', log: quiet, request: { retries: 0 } });
  const { owner, name: repo, branch } = request;
  try {
    const base = request.base ?? (await octokit.rest.repos.get({ owner, repo })).data.default_branch;
    const created = await octokit.rest.pulls.create({ owner, repo, head: branch, base, title: request.title, body: request.body, draft: request.draft });
    return { number: created.data.number, url: created.data.html_url, draft: created.data.draft ?? request.draft, existing: false };
  } catch (error) {
    if (statusOf(error) === 422 && /already exists/i.test(detailOf(error))) {
      const open = await octokit.rest.pulls.list({ owner, repo, head: `${owner}:${branch}`, state: 'open', per_page: 1 }).catch(() => undefined);
      const found = open?.data[0];
      if (found) return { number: found.number, url: found.html_url, draft: found.draft ?? false, existing: true };
    }
    throw new DispatchError('agent_failed', request.mask.mask(apiFailure(owner, repo, error)));
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** GitHub's own words: the message and each validation error ("A pull request already exists for o:b."). */
function detailOf(error: unknown): string {
  const data = (error as { response?: { data?: unknown } } | undefined)?.response?.data as { message?: unknown; errors?: unknown } | undefined;
  const parts: string[] = [];
  if (typeof data?.message === 'string') parts.push(data.message);
  if (Array.isArray(data?.errors)) {
    for (const item of data.errors) {
      const message = (item as { message?: unknown } | undefined)?.message;
      if (typeof message === 'string') parts.push(message);
    }
  }
  if (parts.length === 0 && error instanceof Error) parts.push(error.message);
  return parts.join(' — ').slice(0, 600);
}

function apiFailure(owner: string, repo: string, error: unknown): string {
  const status = statusOf(error);
  const detail = detailOf(error);
  const hint =
    status === 401
      ? ' The token was refused: check GITHUB_TOKEN / GH_TOKEN (or `gh auth login`) on this machine.'
      : status === 403 || status === 404
        ? ` The token cannot open pull requests in ${owner}/${repo} (it needs the "pull requests: write" permission on that repository).`
        : '';
  return `GitHub did not open the pull request${status ? ` (HTTP ${status})` : ''}: ${detail || 'no answer'}.${hint}`;
}
