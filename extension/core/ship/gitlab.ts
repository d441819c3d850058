import { DispatchError } from '../../../shared/errors.js';
import type { PullRequest } from '../../../shared/sessions.js';
import type { SecretMask } from '../secretMask.js';

export interface GitLabMergeRequestRequest {
  /** The instance: https://gitlab.com, or DISPATCH_GITLAB_URL. */
  baseUrl: string;
  token: string;
  /** `group/subgroup/name`. */
  path: string;
  branch: string;
  base?: string;
  title: string;
  body: string;
  draft: boolean;
  mask: SecretMask;
}

interface MergeRequestJson {
  iid: number;
  web_url: string;
  draft?: boolean;
  work_in_progress?: boolean;
}

/**
 * Opens a merge request through the GitLab REST API (v4) with the machine's GITLAB_TOKEN.
 * GitLab answers 409 when one is already open for the branch: that one is looked up.
 */
export async function openGitLabMergeRequest(request: GitLabMergeRequestRequest): Promise<PullRequest> {
  const project = `${request.baseUrl.replace(/\/+$/, '')}/api/v4/projects/${encodeURIComponent(request.path)}`;
  const headers = { 'PRIVATE-TOKEN': request.token, 'Content-Type': 'application/json', Accept: 'application/json' };
  const call = async (url: string, init: RequestInit = {}): Promise<{ status: number; data: unknown }> => {
    try {
      const response = await fetch(url, { ...init, headers, signal: AbortSignal.timeout(30_000) });
      return { status: response.status, data: await response.json().catch(() => undefined) };
    } catch (error) {
      throw new DispatchError('offline', request.mask.mask(`Could not reach GitLab at ${request.baseUrl}: ${error instanceof Error ? error.message : String(error)}`));
    }
  };
  let base = request.base;
  if (!base) {
    const found = await call(project);
    base = (found.data as { default_branch?: string } | undefined)?.default_branch;
    if (found.status !== 200 || !base) throw failure(request, found);
  }
  const created = await call(`${project}/merge_requests`, {
    method: 'POST',
    body: JSON.stringify({ source_branch: request.branch, target_branch: base, title: request.draft ? `Draft: ${request.title}` : request.title, description: request.body }),
  });
  if (created.status === 201) return toPullRequest(created.data as MergeRequestJson, false);
  if (created.status === 409) {
    const open = await call(`${project}/merge_requests?state=opened&source_branch=${encodeURIComponent(request.branch)}`);
    const first = Array.isArray(open.data) ? (open.data[0] as MergeRequestJson | undefined) : undefined;
    if (first) return toPullRequest(first, true);
  }
  throw failure(request, created);
}

function toPullRequest(json: MergeRequestJson, existing: boolean): PullRequest {
  return { number: json.iid, url: json.web_url, draft: json.draft ?? json.work_in_progress ?? false, existing };
}

function failure(request: GitLabMergeRequestRequest, answer: { status: number; data: unknown }): DispatchError {
  const message = (answer.data as { message?: unknown; error?: unknown } | undefined)?.message ?? (answer.data as { error?: unknown } | undefined)?.error;
  const detail = typeof message === 'string' ? message : Array.isArray(message) ? message.join('; ') : JSON.stringify(message ?? 'no answer');
  return new DispatchError('agent_failed', request.mask.mask(`GitLab did not open the merge request (HTTP ${answer.status}): ${detail.slice(0, 600)}.`));
}
