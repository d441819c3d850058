import { mkdir, realpath, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { DispatchError } from '../../shared/errors.js';
import type { FileChange } from '../../shared/sessions.js';
import { readCommitFast } from './gitRefs.js';
import { toolEnv } from './processTree.js';
import { KeyedLock } from './repoLock.js';

/** The identity of the runner's commits, passed per command so no git config is needed. */
const COMMIT_CONFIG = ['user.name=Dispatch', 'user.email=dispatch@localhost', 'commit.gpgsign=false'];
/** A configured base branch: plain ref characters only, never an option or a range. */
const SAFE_REF = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]{1,200}$/;

// The allowlisted environment: no ambient GIT_* variables (GIT_DIR, GIT_INDEX_FILE, …) that
// could point a command at the user's checkout, and no secrets for the repository's hooks
// (post-checkout, pre-commit) that `worktree add` and `commit` run.
function git(dir: string, config: string[] = []): SimpleGit {
  return simpleGit({ baseDir: dir, config, maxConcurrentProcesses: 4 }).env(toolEnv());
}

function gitMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n')[0] ?? '';
}

export interface RepositoryInfo {
  /** The repository's top-level folder (real path). */
  root: string;
}

export interface NewWorktree {
  repoRoot: string;
  worktree: string;
  branch: string;
  baseCommit: string;
}

/**
 * Git operations of the runner. Everything that changes the repository's shared state
 * (worktree add/remove, branch delete) is serialized per repository; nothing here
 * ever runs in, or writes to, the user's own working tree, index or HEAD.
 */
export class Worktrees {
  private readonly lock = new KeyedLock();
  /**
   * Repositories found good before: a repository does not lose its work tree or its
   * commits, so a session's admission costs no git process after the first (the folder
   * and its .git are still looked at, and a later git command fails plainly anyway).
   */
  private readonly inspected = new Map<string, RepositoryInfo>();

  /** Checks `repoPath` is a git repository with at least one commit. */
  async inspect(repoPath: string): Promise<RepositoryInfo> {
    const info = await stat(repoPath).catch(() => undefined);
    if (!info?.isDirectory()) {
      this.inspected.delete(repoPath);
      throw new DispatchError('not_a_repository', `${repoPath} does not exist or is not a folder.`);
    }
    const known = this.inspected.get(repoPath);
    if (known && existsSync(path.join(known.root, '.git'))) return known;
    const found = await this.inspectWithGit(repoPath);
    this.inspected.set(repoPath, found);
    return found;
  }

  private async inspectWithGit(repoPath: string): Promise<RepositoryInfo> {
    let root: string;
    try {
      root = (await git(repoPath).revparse(['--show-toplevel'])).trim();
    } catch {
      throw new DispatchError('not_a_repository', `${repoPath} is not a git repository (git rev-parse found no work tree).`);
    }
    if (!(await this.revision(root, 'HEAD^{commit}'))) {
      throw new DispatchError('empty_repository', `${root} has no commits yet: make a first commit, then try again.`);
    }
    return { root: await realpath(root) };
  }

  /** The commit a session starts from: the configured branch, else the repository's HEAD. */
  async resolveBase(repoRoot: string, base?: string): Promise<string> {
    return (await this.resolveBaseNamed(repoRoot, base)).commit;
  }

  /** resolveBase, and the name that answered: "master" when `base` was "main" in a repository that has no main. */
  async resolveBaseNamed(repoRoot: string, base?: string): Promise<{ commit: string; name: string | undefined }> {
    if (base !== undefined && !SAFE_REF.test(base)) {
      throw new DispatchError('bad_config', `Base branch ${JSON.stringify(base)} is not a plain branch name.`);
    }
    // Read from git's files where they answer plainly (gitRefs.ts), else asked of git. "On main"
    // in a repository whose default branch is master (or the reverse) means that branch.
    const other = base === 'main' ? 'master' : base === 'master' ? 'main' : undefined;
    const resolve = async (name: string | undefined) => (await readCommitFast(repoRoot, name)) ?? (await this.revision(repoRoot, `${name ?? 'HEAD'}^{commit}`));
    const asked = await resolve(base);
    const commit = asked ?? (other ? await resolve(other) : undefined);
    if (!commit) throw new DispatchError('not_found', `Base ${JSON.stringify(base ?? 'HEAD')} does not name a commit in ${repoRoot}.`);
    return { commit, name: asked ? base : other };
  }

  /**
   * The object a revision names, or undefined. simple-git reports a failing command
   * with an empty stderr as success, so `--quiet` lookups are judged by their output.
   */
  private async revision(repoRoot: string, revision: string): Promise<string | undefined> {
    try {
      return (await git(repoRoot).raw(['rev-parse', '--verify', '--quiet', revision])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * `git worktree add -b <branch> <folder> <base>`. Branch and folder are sanitized by
   * the caller; a name already taken gets a numeric suffix rather than failing.
   */
  async add(repoRoot: string, folder: string, branch: string, baseCommit: string): Promise<NewWorktree> {
    return this.lock.run(repoRoot, async () => {
      let worktree = folder;
      let name = branch;
      for (let n = 2; existsSync(worktree) || (await this.branchExists(repoRoot, name)); n++) {
        worktree = `${folder}-${n}`;
        name = `${branch}-${n}`;
      }
      await mkdir(path.dirname(worktree), { recursive: true });
      try {
        await git(repoRoot).raw(['worktree', 'add', '--quiet', '-b', name, worktree, baseCommit]);
      } catch (error) {
        throw new DispatchError('internal', `git worktree add failed: ${gitMessage(error)}`);
      }
      return { repoRoot, worktree, branch: name, baseCommit };
    });
  }

  /** Runs `work` holding the repository's lock (the warm pool's git commands, see worktreePool.ts). */
  withLock<T>(repoRoot: string, work: () => Promise<T>): Promise<T> {
    return this.lock.run(repoRoot, work);
  }

  async branchExists(repoRoot: string, branch: string): Promise<boolean> {
    return (await this.revision(repoRoot, `refs/heads/${branch}`)) !== undefined;
  }

  /** Commits everything changed in the worktree; false when there was nothing to commit. */
  async commitAll(worktree: string, message: string): Promise<boolean> {
    const repo = git(worktree, COMMIT_CONFIG);
    await repo.raw(['add', '--all']);
    const staged = await repo.raw(['diff', '--cached', '--name-only']);
    if (!staged.trim()) return false;
    // --no-verify: the user's hooks are for their own commits; this is the session branch.
    await repo.raw(['commit', '--quiet', '--no-verify', '-m', message]);
    return true;
  }

  /**
   * Commits exactly `paths` (tracked or new) in the worktree; false when they hold no
   * change. The builtin agent's commits name their files, so nothing a tool left behind
   * (an installed node_modules without a .gitignore) slips in.
   */
  async commitPaths(worktree: string, paths: readonly string[], message: string): Promise<boolean> {
    if (paths.length === 0) return false;
    const repo = git(worktree, COMMIT_CONFIG);
    await repo.raw(['add', '--all', '--', ...paths]);
    const staged = await repo.raw(['diff', '--cached', '--name-only']);
    if (!staged.trim()) return false;
    await repo.raw(['commit', '--quiet', '--no-verify', '-m', message, '--', ...paths]);
    return true;
  }

  /** Tracked files changed in the worktree (not committed), and untracked files not ignored. */
  async changedFiles(worktree: string): Promise<{ tracked: string[]; untracked: string[] }> {
    const status = await git(worktree).raw(['status', '--porcelain=v1', '-z', '--untracked-files=all']);
    const tracked: string[] = [];
    const untracked: string[] = [];
    const entries = status.split('\0');
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] ?? '';
      if (entry.length < 4) continue;
      const code = entry.slice(0, 2);
      const file = entry.slice(3);
      if (code === '??') untracked.push(file);
      else tracked.push(file);
      if (code.startsWith('R') || code.startsWith('C')) i++; // the rename's source follows
    }
    return { tracked, untracked };
  }

  /** Plain git output in the worktree for read-only questions (log, diff, merge-base, show). */
  async read(worktree: string, args: string[]): Promise<string> {
    const allowed = new Set(['log', 'diff', 'merge-base', 'show', 'rev-parse', 'for-each-ref']);
    if (!allowed.has(args[0] ?? '')) throw new DispatchError('internal', `git ${args[0]} is not a read-only question`);
    return git(worktree).raw(args);
  }

  /** Files changed on the session branch against its base, with a human diffstat. */
  async diffAgainst(worktree: string, baseCommit: string): Promise<{ files: FileChange[]; diffstat: string }> {
    const repo = git(worktree);
    const range = `${baseCommit}..HEAD`;
    const numstat = await repo.raw(['diff', '--numstat', '-z', '--no-renames', range]);
    const files: FileChange[] = [];
    for (const entry of numstat.split('\0')) {
      const match = /^(-|\d+)\t(-|\d+)\t(.+)$/s.exec(entry.replace(/^\n/, ''));
      if (!match) continue;
      files.push({ path: match[3] ?? '', added: Number(match[1]) || 0, removed: Number(match[2]) || 0 });
    }
    const diffstat = files.length ? (await repo.raw(['diff', '--stat', '--no-renames', range])).trimEnd() : '';
    return { files, diffstat: diffstat.slice(0, 20_000) };
  }

  /** `git worktree remove --force`; a folder already deleted by hand is pruned instead. */
  async remove(repoRoot: string, worktree: string): Promise<void> {
    await this.lock.run(repoRoot, async () => {
      if (existsSync(worktree)) await git(repoRoot).raw(['worktree', 'remove', '--force', worktree]);
      await git(repoRoot).raw(['worktree', 'prune']);
    });
  }

  /** Deletes a session branch (only ever a `dispatch/…` name the runner made). */
  async deleteBranch(repoRoot: string, branch: string): Promise<void> {
    if (!branch.startsWith('dispatch/')) throw new DispatchError('bad_input', `Refusing to delete branch ${branch}`);
    await this.lock.run(repoRoot, () => git(repoRoot).raw(['branch', '-D', branch]));
  }
}
