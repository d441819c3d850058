import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

// Reading a ref from git's own files instead of starting `git rev-parse`: a session's start
// asks for the base commit on its critical path, and a git process costs 5–10 ms on a
// loaded machine. Only the plain layout is read (gitrepository-layout(5): loose refs, then
// packed-refs); anything else (reftable, a ref that could be ambiguous, a tag that needs
// peeling) answers undefined and the caller asks git.

const OBJECT_ID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/** The git folders of a work tree: its own (HEAD) and the common one (refs, packed-refs). */
export interface GitDirs {
  gitDir: string;
  commonDir: string;
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** Where `worktree`'s git files are: `.git` the folder, or `.git` the file of a linked worktree. */
export async function gitDirsOf(worktree: string): Promise<GitDirs | undefined> {
  const dotGit = path.join(worktree, '.git');
  const info = await stat(dotGit).catch(() => undefined);
  if (!info) return undefined;
  let gitDir = dotGit;
  if (info.isFile()) {
    const pointer = /^gitdir: (.+)$/.exec((await readText(dotGit)) ?? '');
    if (!pointer?.[1]) return undefined;
    gitDir = path.resolve(worktree, pointer[1]);
  }
  const common = await readText(path.join(gitDir, 'commondir'));
  const commonDir = common ? path.resolve(gitDir, common) : gitDir;
  // A reftable repository keeps no loose refs: only git can read it.
  if ((await stat(path.join(commonDir, 'reftable')).catch(() => undefined))?.isDirectory()) return undefined;
  return { gitDir, commonDir };
}

async function packedRef(commonDir: string, ref: string): Promise<{ id: string; peeledNeeded: boolean } | 'absent' | undefined> {
  const text = await readFile(path.join(commonDir, 'packed-refs'), 'utf8').catch(() => undefined);
  if (text === undefined) return 'absent';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const [id, name] = (lines[i] ?? '').split(' ');
    if (name !== ref || !id || !OBJECT_ID.test(id)) continue;
    // A "^<id>" line after it: the ref names a tag object, and the commit is what it peels to.
    return { id, peeledNeeded: (lines[i + 1] ?? '').startsWith('^') };
  }
  return 'absent';
}

/**
 * The object id `ref` (a full name like `refs/heads/main`, or `HEAD`) points to, following
 * symbolic refs; 'absent' when there is no such ref; undefined when only git can tell.
 */
export async function readRef(dirs: GitDirs, ref: string, depth = 0): Promise<string | 'absent' | undefined> {
  if (depth > 5) return undefined;
  // Per-worktree refs (HEAD, refs/bisect, …) live in the worktree's own folder.
  const own = ref === 'HEAD' || !ref.startsWith('refs/') || ref.startsWith('refs/bisect/') || ref.startsWith('refs/worktree/');
  const loose = await readText(path.join(own ? dirs.gitDir : dirs.commonDir, ref));
  if (loose !== undefined) {
    if (OBJECT_ID.test(loose)) return loose;
    const target = /^ref: (refs\/\S+)$/.exec(loose)?.[1];
    return target ? readRef(dirs, target, depth + 1) : undefined;
  }
  if (own) return 'absent';
  const packed = await packedRef(dirs.commonDir, ref);
  if (packed === undefined || packed === 'absent') return packed;
  return packed.peeledNeeded ? undefined : packed.id;
}

/** The branch `HEAD` names (`refs/heads/…`), or undefined when it is detached or unreadable. */
export async function headBranch(dirs: GitDirs): Promise<string | undefined> {
  return /^ref: (refs\/heads\/\S+)$/.exec((await readText(path.join(dirs.gitDir, 'HEAD'))) ?? '')?.[1];
}

/**
 * The commit `HEAD`, or the branch `base`, names in `worktree`, read from git's files;
 * undefined when git itself must answer. A branch name is read only when nothing earlier in
 * git's own look-up order (gitrevisions(7): `<name>`, refs/<name>, refs/tags/<name>, before
 * refs/heads/<name>) exists, so the answer is always the one `git rev-parse` would give.
 */
export async function readCommitFast(worktree: string, base?: string): Promise<string | undefined> {
  const dirs = await gitDirsOf(worktree);
  if (!dirs) return undefined;
  if (base === undefined || base === 'HEAD') {
    const head = await readRef(dirs, 'HEAD');
    return head === 'absent' ? undefined : head;
  }
  for (const earlier of [base, `refs/${base}`, `refs/tags/${base}`]) {
    if ((await readRef(dirs, earlier)) !== 'absent') return undefined;
  }
  const branch = await readRef(dirs, `refs/heads/${base}`);
  return branch === 'absent' ? undefined : branch;
}
