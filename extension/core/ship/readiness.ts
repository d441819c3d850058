import type { ShipReadiness } from '../../../shared/sessions.js';
import { toolEnv } from '../processTree.js';
import { commitsAhead, findPushRemote } from './push.js';

/**
 * What the chat needs to offer Push branch / Open pull request at the end of a turn: the
 * branch's own commits and the remote a push would use. Read-only git questions; any
 * failure means "nothing to offer", never a failed session.
 */
export async function shipReadiness(repoPath: string, baseCommit: string, branch: string): Promise<ShipReadiness | undefined> {
  if (!branch || !baseCommit) return undefined;
  try {
    const env = toolEnv();
    const commits = await commitsAhead(repoPath, baseCommit, branch, env);
    const remote = await findPushRemote(repoPath, env);
    return { commits, ...(remote ? { remote: remote.name } : {}) };
  } catch {
    return undefined;
  }
}
