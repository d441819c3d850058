import { existsSync } from 'node:fs';
import { simpleGit } from 'simple-git';
import { DispatchError } from '../../../shared/errors.js';
import type { ChangedFile } from '../../../shared/protocol/runnerEditor.js';
import type { SessionSnapshot } from '../../../shared/sessions.js';

/** Larger base files are not shown in a diff editor (they would stall the editor, not help). */
const MAX_BASE_FILE_BYTES = 5 * 1024 * 1024;
const COMMIT = /^[0-9a-f]{7,64}$/;

interface Workspace {
  worktree: string;
  baseCommit: string;
}

/** The session's worktree and base, or a clear error when it has none (queued) or it was pruned. */
function workspaceOf(session: SessionSnapshot): Workspace {
  const { worktree, baseCommit } = session;
  if (!worktree || !baseCommit) throw new DispatchError('conflict', 'This session has no worktree yet.');
  if (!COMMIT.test(baseCommit)) throw new DispatchError('internal', `Unexpected base commit ${JSON.stringify(baseCommit)}.`);
  if (!existsSync(worktree)) throw new DispatchError('not_found', `The worktree ${worktree} no longer exists (pruned?).`);
  return { worktree, baseCommit };
}

/**
 * What the session changed: its worktree as it is now (commits on the session branch,
 * uncommitted edits and new files) against the commit it started from. The builtin
 * agent never commits, so comparing branch to base alone would hide its edits.
 */
export async function sessionChanges(session: SessionSnapshot): Promise<Workspace & { files: ChangedFile[] }> {
  const { worktree, baseCommit } = workspaceOf(session);
  const git = simpleGit({ baseDir: worktree });
  const [numstat, nameStatus, untracked] = await Promise.all([
    git.raw(['diff', '--numstat', '-z', '--no-renames', baseCommit, '--']),
    git.raw(['diff', '--name-status', '-z', '--no-renames', baseCommit, '--']),
    git.raw(['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
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
  for (const file of untracked.split('\0')) {
    if (!file || files.some((known) => known.path === file)) continue;
    files.push({ path: file, status: 'added', added: 0, removed: 0 });
  }
  return { worktree, baseCommit, files: files.slice(0, 5_000) };
}

/** A file as it was at the session's base commit; null when it did not exist there. */
export async function baseFileContent(session: SessionSnapshot, file: string): Promise<string | null> {
  const { worktree, baseCommit } = workspaceOf(session);
  // A repository-relative path with forward slashes; `commit:path` cannot be read as an option.
  const clean = file.replace(/\\/g, '/');
  if (clean.startsWith('/') || clean.split('/').includes('..')) throw new DispatchError('bad_input', `Not a path inside the repository: ${file}`);
  const git = simpleGit({ baseDir: worktree });
  const spec = `${baseCommit}:${clean}`;
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
