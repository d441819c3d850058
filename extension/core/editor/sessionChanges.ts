import { existsSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import { DispatchError } from '../../../shared/errors.js';
import type { ChangedFile } from '../../../shared/protocol/runnerEditor.js';
import type { SessionSnapshot } from '../../../shared/sessions.js';

/** Larger base files are not shown in a diff editor (they would stall the editor, not help). */
const MAX_BASE_FILE_BYTES = 5 * 1024 * 1024;
const COMMIT = /^[0-9a-f]{7,64}$/;

/**
 * Where a session's work can be read: its worktree while it exists; after a prune, its
 * branch in the repository (the branch is kept unless pruned with branches).
 */
type Workspace =
  | { source: 'worktree'; dir: string; worktree: string; baseCommit: string }
  | { source: 'branch'; dir: string; worktree: string; baseCommit: string; branch: string };

/** The session's work, or a clear error when it has none (queued) or none is left (pruned with its branch). */
async function workspaceOf(session: SessionSnapshot, repoPath: string | undefined): Promise<Workspace> {
  const { worktree, baseCommit, branch } = session;
  if (!worktree || !baseCommit) throw new DispatchError('conflict', 'This session has no worktree yet.');
  if (!COMMIT.test(baseCommit)) throw new DispatchError('internal', `Unexpected base commit ${JSON.stringify(baseCommit)}.`);
  if (existsSync(worktree)) return { source: 'worktree', dir: worktree, worktree, baseCommit };
  if (branch && repoPath && existsSync(repoPath)) {
    const found = await simpleGit({ baseDir: repoPath })
      .raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`])
      .then((out) => out.trim())
      .catch(() => '');
    if (found) return { source: 'branch', dir: repoPath, worktree, baseCommit, branch };
  }
  throw new DispatchError('not_found', `The worktree of this session was pruned${branch ? ` and its branch ${branch} is gone` : ''}: there are no changes left to show.`);
}

/** `git diff --numstat -z` and `--name-status -z` output, as changed files. */
function parseDiff(numstat: string, nameStatus: string): ChangedFile[] {
  const counts = new Map<string, { added: number; removed: number }>();
  for (const entry of numstat.split('\0')) {
    const match = /^(-|\d+)\t(-|\d+)\t(.+)$/s.exec(entry.replace(/^\n/, ''));
    if (match) counts.set(match[3] ?? '', { added: Number(match[1]) || 0, removed: Number(match[2]) || 0 });
  }
  const files: ChangedFile[] = [];
  // --name-status -z: "M\0path\0A\0path\0…"
  const fields = nameStatus.split('\0');
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const code = fields[i]?.trim() ?? '';
    const file = fields[i + 1] ?? '';
    if (!file) continue;
    const status = code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified';
    files.push({ path: file, status, ...(counts.get(file) ?? { added: 0, removed: 0 }) });
  }
  return files;
}

/**
 * What the session changed: its worktree as it is now (commits on the session branch,
 * uncommitted edits and new files) against the commit it started from. The builtin
 * agent never commits, so comparing branch to base alone would hide its edits — except
 * once the worktree is gone, when the branch is all that is left.
 */
export async function sessionChanges(session: SessionSnapshot, repoPath?: string): Promise<{ worktree: string; baseCommit: string; files: ChangedFile[]; source: 'worktree' | 'branch' }> {
  const place = await workspaceOf(session, repoPath);
  const git = simpleGit({ baseDir: place.dir });
  const range = place.source === 'branch' ? [place.baseCommit, place.branch] : [place.baseCommit];
  const [numstat, nameStatus, untracked] = await Promise.all([
    git.raw(['diff', '--numstat', '-z', '--no-renames', ...range, '--']),
    git.raw(['diff', '--name-status', '-z', '--no-renames', ...range, '--']),
    place.source === 'worktree' ? git.raw(['ls-files', '--others', '--exclude-standard', '-z']) : Promise.resolve(''),
  ]);
  const files = parseDiff(numstat, nameStatus);
  for (const file of untracked.split('\0')) {
    if (!file || files.some((known) => known.path === file)) continue;
    files.push({ path: file, status: 'added', added: 0, removed: 0 });
  }
  return { worktree: place.worktree, baseCommit: place.baseCommit, files: files.slice(0, 5_000), source: place.source };
}

/**
 * A file as it was at the session's base commit (`base`) or at its branch's tip
 * (`branch`, for a pruned worktree); null when it did not exist there.
 */
export async function baseFileContent(session: SessionSnapshot, file: string, ref: 'base' | 'branch' = 'base', repoPath?: string): Promise<string | null> {
  // A repository-relative path with forward slashes; `commit:path` cannot be read as an option.
  const clean = file.replace(/\\/g, '/');
  if (clean.startsWith('/') || clean.split('/').includes('..')) throw new DispatchError('bad_input', `Not a path inside the repository: ${file}`);
  const place = await workspaceOf(session, repoPath);
  const revision = ref === 'branch' ? (place.source === 'branch' ? place.branch : 'HEAD') : place.baseCommit;
  const git = simpleGit({ baseDir: place.dir });
  const spec = `${revision}:${clean}`;
  let size: number;
  try {
    size = Number((await git.raw(['cat-file', '-s', spec])).trim());
  } catch {
    return null;
  }
  if (!Number.isFinite(size)) return null;
  if (size === 0) return '';
  if (size > MAX_BASE_FILE_BYTES) throw new DispatchError('bad_input', `${clean} is too large to show (${size} bytes).`);
  return git.raw(['cat-file', 'blob', spec]);
}
