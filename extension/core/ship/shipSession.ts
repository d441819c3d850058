import { DispatchError, asDispatchError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { isFinal, type PullRequest, type Shipped } from '../../../shared/sessions.js';
import type { JournalRecord } from '../journal.js';
import type { SecretMask } from '../secretMask.js';
import type { SessionStore } from '../sessionStore.js';
import { forgeToken } from './forgeToken.js';
import { runGit } from './git.js';
import { openGitHubPullRequest } from './github.js';
import { openGitLabMergeRequest } from './gitlab.js';
import { pullRequestText } from './prBody.js';
import { commitsAhead, findPushRemote, isSessionBranch, pushBranch } from './push.js';
import { pushEnv } from './pushEnv.js';
import { pushConfigChanges, pushConfigFingerprint } from './sharedGitConfig.js';
import { forgeRepo, type ForgeRepo } from './remote.js';

/** What the chat asked for; the button press (or the buttons a follow-up got) was the approval. */
export interface ShipRequest {
  action: 'push' | 'pr';
  draft: boolean;
  threadUrl?: string;
  requester: { platform: string; name: string };
}

export interface ShipContext {
  store: SessionStore;
  /** The runner's mask: the forge token joins it before anything is logged or emitted. */
  secrets: SecretMask;
  logger: Logger;
  /** Where tokens, the SSH agent and API settings come from (the runner's environment). */
  env: Record<string, string | undefined>;
  /** The repository's configured base branch: the pull request's target when set. */
  base?: string;
  now(): number;
}

export interface ShipOutcome {
  shipped: Shipped;
  /** Why no pull request was opened although one was asked for (no token, API refusal). */
  notice?: string;
}

/**
 * Pushes a finished session's own `dispatch/*` branch (never forced) and, when asked,
 * opens its pull request with the machine's own token. Every refusal before the push
 * throws a DispatchError for the thread and changes nothing; after the push, what
 * happened is kept in the session's result (`shipped`), so `status` shows it.
 */
export async function shipSession(ctx: ShipContext, record: JournalRecord, request: ShipRequest): Promise<ShipOutcome> {
  const { snapshot } = record;
  const session = snapshot.sessionId.slice(0, 8);
  if (!isFinal(snapshot.state)) throw new DispatchError('conflict', `Session ${session} is still ${snapshot.state}; push it once it has finished.`);
  const result = snapshot.result;
  const branch = result?.branch ?? '';
  if (!result || !branch || !snapshot.baseCommit) throw new DispatchError('not_found', `Session ${session} changed nothing, so it has no branch to push.`);
  // Only the branch this runner made for the session (recorded when its worktree was made).
  if (branch !== snapshot.branch || !isSessionBranch(branch)) throw new DispatchError('forbidden', `Dispatch only pushes a session's own dispatch/… branch; ${JSON.stringify(branch)} is not one.`);
  await refuseIfConfigChanged(ctx, record, branch);
  const env = pushEnv(ctx.env);
  const repoPath = record.repoPath;
  const remote = await findPushRemote(repoPath, env);
  const repoName = snapshot.repo ?? 'the repository';
  if (!remote) throw new DispatchError('not_found', `${repoName} has no remote to push to, so ${branch} stays on the machine. Add one there (git remote add origin URL), then ask again.`);
  if ((await commitsAhead(repoPath, snapshot.baseCommit, branch, env)) === 0) throw new DispatchError('not_found', `${branch} has no commits of its own, so there is nothing to push.`);
  const setting = (await runGit(repoPath, ['config', '--get', 'dispatch.forge'], env, 10_000)).stdout.trim();
  const forge = forgeRepo(remote.url, setting || undefined, ctx.env);
  const token = request.action === 'pr' && forge ? await forgeToken(forge, ctx.env) : undefined;
  if (token) ctx.secrets.add(token.value);

  const commit = await pushBranch(repoPath, remote, branch, env, ctx.secrets);
  ctx.logger.info('pushed a session branch', { sessionId: snapshot.sessionId, remote: remote.name, branch, by: request.requester.name });
  const base = ctx.base ?? (await remoteDefaultBranch(repoPath, remote.name, env));
  const shipped: Shipped = {
    branch,
    remote: remote.name,
    commit,
    at: ctx.now(),
    by: request.requester.name,
    ...(forge ? { forge: `${forge.kind}:${forge.path}` } : {}),
    ...(result.shipped?.pullRequest ? { pullRequest: result.shipped.pullRequest } : {}),
  };
  let notice: string | undefined;
  if (request.action === 'pr') {
    const compareUrl = forge ? compareLink(forge, branch, base) : undefined;
    if (!forge) {
      notice = `Dispatch can't tell which GitHub or GitLab repository ${remote.name} (${remote.url}) is, so no pull request was opened. Name it on the machine with \`git config dispatch.forge github:OWNER/NAME\`.`;
    } else if (!token) {
      const names = forge.kind === 'github' ? 'GITHUB_TOKEN or GH_TOKEN (or `gh auth login`)' : 'GITLAB_TOKEN';
      notice = `There is no ${forge.kind === 'github' ? 'GitHub' : 'GitLab'} token on this machine (${names}), so no pull request was opened. Open it here: ${compareUrl}`;
    } else {
      try {
        shipped.pullRequest = await openPullRequest(ctx, forge, token.value, { record, branch, base, request });
        ctx.logger.info('pull request ready', { sessionId: snapshot.sessionId, number: shipped.pullRequest.number, existing: shipped.pullRequest.existing, token: token.source });
      } catch (error) {
        notice = `${ctx.secrets.mask(asDispatchError(error).message)} The branch is pushed; open the pull request here: ${compareUrl}`;
        ctx.logger.warn('pull request not opened', { sessionId: snapshot.sessionId, error: ctx.secrets.mask(asDispatchError(error).message) });
      }
    }
    if (!shipped.pullRequest && compareUrl) shipped.compareUrl = compareUrl;
  }
  keep(ctx, record, shipped);
  return { shipped, ...(notice ? { notice: notice.slice(0, 2_000) } : {}) };
}

/**
 * Worktrees share the repository's git config: a session that changed where a push goes
 * or what runs during it (remotes, url.*.insteadOf, credential helpers, hooks path, ssh
 * command) does not get its branch pushed. The thread hears which settings changed (keys
 * only, never values); nothing is put back, since only the user can tell whose change it was.
 */
async function refuseIfConfigChanged(ctx: ShipContext, record: JournalRecord, branch: string): Promise<void> {
  const { snapshot } = record;
  if (!record.pushConfig) {
    // A session made before the runner took this note: there is nothing to compare with.
    ctx.logger.warn('no git config note for this session; pushing without the comparison', { sessionId: snapshot.sessionId });
    return;
  }
  const changes = pushConfigChanges(record.pushConfig, await pushConfigFingerprint(record.repoPath, snapshot.worktree));
  if (changes.length === 0) return;
  const keys = ctx.secrets.mask(changes.join('; '));
  ctx.logger.warn('refused a push: the shared git config changed during the session', { sessionId: snapshot.sessionId, changes: keys });
  throw new DispatchError(
    'forbidden',
    `Not pushed: since session ${snapshot.sessionId.slice(0, 8)} started, the repository's git config (shared by every worktree) changed where a push goes or what runs during it — ${keys}. Dispatch changed nothing back. Look at .git/config in ${record.repoPath}; if these changes are yours, push ${branch} yourself (git push).`.slice(0, 2_000),
  );
}

async function openPullRequest(
  ctx: ShipContext,
  forge: ForgeRepo,
  token: string,
  facts: { record: JournalRecord; branch: string; base: string | undefined; request: ShipRequest },
): Promise<PullRequest> {
  const { record, branch, base, request } = facts;
  const { title, body } = pullRequestText({
    task: record.snapshot.job.task,
    result: record.snapshot.result!,
    agent: record.snapshot.agent ?? 'builtin',
    requester: request.requester,
    ...(request.threadUrl ? { threadUrl: request.threadUrl } : {}),
  });
  const common = { token, branch, title: ctx.secrets.mask(title), body: ctx.secrets.mask(body), draft: request.draft, mask: ctx.secrets, ...(base ? { base } : {}) };
  if (forge.kind === 'github') {
    const [owner, name] = forge.path.split('/') as [string, string];
    return openGitHubPullRequest({ ...common, apiUrl: ctx.env.DISPATCH_GITHUB_API_URL || 'https://api.github.com', owner, name });
  }
  return openGitLabMergeRequest({ ...common, baseUrl: ctx.env.DISPATCH_GITLAB_URL || `https://${forge.host}`, path: forge.path });
}

/** The remote's default branch as the last fetch saw it (`refs/remotes/origin/HEAD`), if known. */
async function remoteDefaultBranch(repoPath: string, remote: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const head = await runGit(repoPath, ['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`], env, 10_000);
  const name = head.code === 0 ? head.stdout.trim().slice(remote.length + 1) : '';
  return /^[A-Za-z0-9._/-]{1,200}$/.test(name) ? name : undefined;
}

/** The forge's page for opening the pull request by hand. */
export function compareLink(forge: ForgeRepo, branch: string, base: string | undefined): string {
  const repoUrl = `https://${forge.host}/${forge.path}`;
  if (forge.kind === 'gitlab') {
    return `${repoUrl}/-/merge_requests/new?merge_request%5Bsource_branch%5D=${encodeURIComponent(branch)}${base ? `&merge_request%5Btarget_branch%5D=${encodeURIComponent(base)}` : ''}`;
  }
  return `${repoUrl}/compare/${base ? `${base}...` : ''}${branch}?expand=1`;
}

/** The session keeps what was shipped: in its result (and its verdict, which outlives a follow-up). */
function keep(ctx: ShipContext, record: JournalRecord, shipped: Shipped): void {
  const result = record.snapshot.result;
  if (!result) return;
  if (record.verdict) record.verdict.result = { ...record.verdict.result, shipped };
  ctx.store.emit(record, { kind: 'result', result: { ...result, shipped } });
}
