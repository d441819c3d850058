import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { DepsCache } from './depsCache.js';
import { installedFolder } from './depsKey.js';
import { toolEnv } from './processTree.js';
import { slugify } from './slug.js';
import { writeStateFileAtomic } from './stateFiles.js';
import { gitDirsOf, headBranch, readRef } from './gitRefs.js';
import { lowerPriority } from './treeCopy.js';
import { TreeWatch } from './treeWatch.js';
import type { NewWorktree, Worktrees } from './worktrees.js';

/** What a pool entry's dependencies are copied into: not the project's files. */
const INSTALLED_FOLDERS = ['node_modules', '.venv'];

const EntrySchema = z.object({
  id: z.string().regex(/^[a-f0-9]{8}$/),
  repoRoot: z.string(),
  baseCommit: z.string(),
  branch: z.string().startsWith('dispatch/pool-'),
  worktree: z.string(),
  createdAt: z.number(),
  /** Written last: an entry without it was cut off mid-build and is never used. */
  ready: z.boolean(),
  deps: z.object({ keyId: z.string(), lockHash: z.string(), ms: z.number(), folder: z.string().optional() }).optional(),
});
type PoolEntry = z.infer<typeof EntrySchema>;

export interface PoolRepo {
  name: string;
  path: string;
  base?: string;
}

export interface TakenWorktree extends NewWorktree {
  /** The cached dependencies copied in while the entry was built. */
  deps?: { lockHash: string; ms: number };
}

export interface PoolOptions {
  home: string;
  /** Ready worktrees per repository (DISPATCH_WORKTREE_POOL); 0 turns the pool off. */
  size: number;
  worktrees: Worktrees;
  deps?: DepsCache;
  logger?: Logger;
}

/** git with the tool allowlist; `low` runs it at the lowest priority (the pool's own building). */
function git(cwd: string, args: string[], low: boolean, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd, env: toolEnv(), maxBuffer: 16 * 1024 * 1024, windowsHide: true, ...(signal ? { signal } : {}) }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args[0]} failed: ${String(stderr).trim().split('\n')[0] || error.message}`));
      else resolve(String(stdout));
    });
    if (low) lowerPriority(child.pid);
  });
}

/** A file replaced whole (git reads the worktree's gitdir file at any moment). */
function writeFileAtomic(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

/**
 * Ready worktrees per configured repository, at its base's current commit with
 * dependencies copied in from the cache, built in the background while the runner is
 * idle (at the lowest priority, holding the repository's lock only for the instant of
 * `worktree add --no-checkout`). A session whose base commit matches takes one: the
 * folder moves to the session's name and the branch is renamed to `dispatch/<id>-<slug>`.
 * An entry at another commit, with changes, or with dependencies for another key is
 * thrown away, never used.
 */
export class WorktreePool {
  readonly size: number;
  private readonly logger: Logger;
  /** Entries this process is building or handing out right now. */
  private readonly busy = new Set<string>();
  /** Entries this process built or checked in full (dependencies' key included). */
  private readonly checked = new Set<string>();
  /** Checked entries' files, watched for any change since (treeWatch.ts). */
  private readonly watches = new Map<string, TreeWatch>();

  constructor(private readonly options: PoolOptions) {
    this.size = options.size;
    this.logger = options.logger ?? silentLogger;
  }

  private folderOf(repoRoot: string): string {
    const hash = createHash('sha256').update(repoRoot).digest('hex').slice(0, 8);
    return path.join(this.poolRoot(), `${slugify(path.basename(repoRoot)) || 'repo'}-${hash}`);
  }

  /** Every entry on disk (of one repository, or all), however complete. */
  entries(repoRoot?: string): PoolEntry[] {
    const folders = repoRoot ? [this.folderOf(repoRoot)] : this.repoFolders();
    const found: PoolEntry[] = [];
    for (const folder of folders) {
      for (const name of existsSync(folder) ? readdirSync(folder) : []) {
        if (!name.endsWith('.json')) continue;
        try {
          found.push(EntrySchema.parse(JSON.parse(readFileSync(path.join(folder, name), 'utf8'))));
        } catch {
          rmSync(path.join(folder, name), { force: true }); // unreadable: not an entry
        }
      }
    }
    return found;
  }

  /**
   * Under the worktrees folder (a repository name never slugs to `.pool`): the entries
   * are the user's code like any session's worktree, and move into place with a rename.
   */
  private poolRoot(): string {
    return path.join(this.options.home, 'worktrees', '.pool');
  }

  private repoFolders(): string[] {
    const root = this.poolRoot();
    return existsSync(root) ? readdirSync(root).map((name) => path.join(root, name)) : [];
  }

  /**
   * A ready worktree at `baseCommit`, moved to `folder` on `branch` (numbered like
   * Worktrees.add when taken); undefined when the pool has none that passes the checks.
   *
   * This is on the session's critical path, so it does only what must be looked at now:
   * an entry checked in full by this process (built, or looked over by a refill) is
   * checked again for what can have changed since — HEAD, its branch, changed files, its
   * node_modules — in one `git status`; then the folder moves (a rename, and git's pointer
   * back to it rewritten) and the branch is renamed with one `git branch -m`.
   */
  async take(repoRoot: string, baseCommit: string, folder: string, branch: string): Promise<TakenWorktree | undefined> {
    if (this.size === 0) return undefined;
    const started = performance.now();
    const entry = this.entries(repoRoot).find((e) => e.ready && e.baseCommit === baseCommit && !this.busy.has(e.id));
    if (!entry) return undefined;
    this.busy.add(entry.id);
    const steps: Record<string, number> = {};
    const step = (name: string, since: number) => (steps[name] = Math.round((performance.now() - since) * 10) / 10);
    try {
      const checking = performance.now();
      const problem = await this.problemNow(entry, baseCommit);
      step('check', checking);
      if (problem) {
        this.logger.info('threw away a warm worktree', { worktree: entry.worktree, problem });
        await this.discard(entry);
        return undefined;
      }
      return await this.options.worktrees.withLock(repoRoot, async () => {
        let target = folder;
        for (let n = 2; existsSync(target); n++) target = `${folder}-${n}`;
        await mkdir(path.dirname(target), { recursive: true });
        const moving = performance.now();
        await this.move(repoRoot, entry, target);
        step('move', moving);
        // The branch name is new almost always (the id is); only a clash costs the extra look-ups.
        const renaming = performance.now();
        let name = branch;
        for (let n = 2; ; n++) {
          try {
            await git(repoRoot, ['branch', '-m', entry.branch, name], false);
            entry.branch = name; // from here on, a failure deletes the renamed branch
            break;
          } catch (error) {
            if (n > 50 || !(await this.options.worktrees.branchExists(repoRoot, name))) throw error;
            name = `${branch}-${n}`;
          }
        }
        step('branch', renaming);
        rmSync(this.metaFile(entry), { force: true });
        this.checked.delete(entry.id);
        step('total', started);
        this.logger.debug('took a warm worktree', { worktree: target, ms: steps });
        return { repoRoot, worktree: target, branch: name, baseCommit, ...(entry.deps ? { deps: { lockHash: entry.deps.lockHash, ms: entry.deps.ms } } : {}) };
      });
    } catch (error) {
      this.logger.warn('could not take a warm worktree; making a fresh one', { worktree: entry.worktree, error: String(error) });
      await this.discard(entry);
      return undefined;
    } finally {
      this.busy.delete(entry.id);
    }
  }

  /**
   * The check on take. An entry this process checked in full and has watched since, with
   * nothing seen changing in its files, needs no `git status`: only its HEAD, read from
   * git's files (a commit or checkout in it changes no watched file). Anything else gets
   * the full check.
   */
  private async problemNow(entry: PoolEntry, baseCommit: string): Promise<string | undefined> {
    const watch = this.watches.get(entry.id);
    this.watches.delete(entry.id);
    const changed = watch ? await watch.changed() : 'not watched';
    watch?.close();
    if (!this.checked.has(entry.id) || changed !== undefined) return this.problemOf(entry, baseCommit, { keyAlreadyChecked: this.checked.has(entry.id) });
    if (entry.baseCommit !== baseCommit) return `the base moved (${entry.baseCommit.slice(0, 8)} → ${baseCommit.slice(0, 8)})`;
    const dirs = await gitDirsOf(entry.worktree);
    const [head, onBranch] = dirs ? await Promise.all([readRef(dirs, 'HEAD'), headBranch(dirs)]) : [undefined, undefined];
    if (head === undefined) return this.problemOf(entry, baseCommit, { keyAlreadyChecked: true }); // only git can tell
    if (head !== baseCommit) return `HEAD is at ${head.slice(0, 8)}, not the base`;
    if (onBranch !== `refs/heads/${entry.branch}`) return `it is on ${onBranch ?? 'no branch'}, not ${entry.branch}`;
    return undefined;
  }

  /** Begins watching a checked entry's files (not its node_modules), so taking it needs no git status. */
  private async watch(entry: PoolEntry): Promise<void> {
    this.watches.get(entry.id)?.close();
    const watch = await TreeWatch.start(entry.worktree, [...INSTALLED_FOLDERS, '.git']);
    this.watches.set(entry.id, watch);
  }

  /**
   * `git worktree move`, done as git does it without starting git: the folder is renamed
   * and the worktree's `gitdir` file (gitrepository-layout(5)) names its new place. A
   * worktree git has locked, or one written with relative pointers, is left to git.
   */
  private async move(repoRoot: string, entry: PoolEntry, target: string): Promise<void> {
    const pointer = /^gitdir: (.+)$/.exec(readFileSync(path.join(entry.worktree, '.git'), 'utf8').trim())?.[1];
    const admin = pointer && path.isAbsolute(pointer) ? pointer : undefined;
    const back = admin ? readFileSync(path.join(admin, 'gitdir'), 'utf8').trim() : '';
    if (!admin || existsSync(path.join(admin, 'locked')) || back !== path.join(entry.worktree, '.git')) {
      await git(repoRoot, ['worktree', 'move', entry.worktree, target], false);
      entry.worktree = target;
      return;
    }
    await rename(entry.worktree, target);
    entry.worktree = target; // from here on, a failure removes it at its new place
    writeFileAtomic(path.join(admin, 'gitdir'), `${path.join(target, '.git')}\n`);
  }

  /** Why `entry` must not be used, or undefined when it is exactly what was built. */
  private async problemOf(entry: PoolEntry, baseCommit: string, options: { low?: boolean; keyAlreadyChecked?: boolean } = {}): Promise<string | undefined> {
    try {
      return await this.checkEntry(entry, baseCommit, options.low ?? false, options.keyAlreadyChecked ?? false);
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private async checkEntry(entry: PoolEntry, baseCommit: string, low: boolean, keyAlreadyChecked: boolean): Promise<string | undefined> {
    if (entry.baseCommit !== baseCommit) return `the base moved (${entry.baseCommit.slice(0, 8)} → ${baseCommit.slice(0, 8)})`;
    if (!existsSync(path.join(entry.worktree, '.git'))) return 'its folder is gone';
    // One git call answers all three: the commit, the branch, and whether anything changed.
    // node_modules and .venv are ours (copied from the cache) even where the project does not ignore them.
    const excluded = INSTALLED_FOLDERS.map((folder) => `:(exclude)${folder}`);
    const status = await git(entry.worktree, ['status', '--porcelain=v2', '--branch', '--untracked-files=normal', '--', '.', ...excluded], low);
    const lines = status.split('\n').filter(Boolean);
    const head = lines.find((line) => line.startsWith('# branch.oid '))?.slice('# branch.oid '.length);
    const onBranch = lines.find((line) => line.startsWith('# branch.head '))?.slice('# branch.head '.length);
    if (head !== baseCommit) return `HEAD is at ${head?.slice(0, 8) ?? 'nothing'}, not the base`;
    if (onBranch !== entry.branch) return `it is on ${onBranch ?? 'nothing'}, not ${entry.branch}`;
    if (lines.some((line) => !line.startsWith('#'))) return 'it has changes';
    if (entry.deps) {
      const folder = entry.deps.folder ?? 'node_modules';
      if (!existsSync(path.join(entry.worktree, folder))) return `its ${folder} is gone`;
      // The key (package manager and Node versions) cannot change while this process runs: checked once.
      if (!keyAlreadyChecked) {
        const key = await this.options.deps?.keyOf(entry.worktree);
        if (key?.id !== entry.deps.keyId) return 'its dependencies are stale (the package manager or Node changed)';
      }
    }
    return undefined;
  }

  /**
   * Brings every repository's pool to `size` ready entries at its base's current commit,
   * throwing away entries that moved base, went stale or were cut off mid-build. Stops
   * between steps as soon as `shouldStop()` says so (a session arrived, the runner stops).
   */
  async refill(repos: PoolRepo[], shouldStop: () => boolean, signal?: AbortSignal): Promise<void> {
    if (this.size === 0) return;
    for (const repo of repos) {
      if (shouldStop()) return;
      try {
        const { root } = await this.options.worktrees.inspect(repo.path);
        const base = await this.options.worktrees.resolveBase(root, repo.base);
        let ready = 0;
        for (const entry of this.entries(root)) {
          if (this.busy.has(entry.id)) continue;
          const problem = entry.ready ? await this.problemOf(entry, base, { low: true }) : 'it was cut off while being built';
          if (problem) {
            this.logger.info('threw away a warm worktree', { worktree: entry.worktree, problem });
            this.checked.delete(entry.id);
            await this.discard(entry);
          } else {
            // Watched from before the check, so nothing between the two goes unseen.
            if (!this.checked.has(entry.id) || !this.watches.get(entry.id)?.quiet) {
              await this.watch(entry);
              if (await this.problemOf(entry, base, { low: true })) {
                this.watches.get(entry.id)?.close();
                this.watches.delete(entry.id);
                continue; // changed just now: looked at again by the next refill
              }
            }
            this.checked.add(entry.id);
            ready++;
          }
        }
        while (ready < this.size && !shouldStop()) {
          await this.build(root, base, shouldStop, signal);
          ready++;
        }
      } catch (error) {
        if (!signal?.aborted) this.logger.warn('could not prepare a warm worktree', { repo: repo.name, error: String(error) });
      }
    }
  }

  private async build(repoRoot: string, baseCommit: string, shouldStop: () => boolean, signal?: AbortSignal): Promise<void> {
    const id = randomBytes(4).toString('hex');
    const entry: PoolEntry = {
      id,
      repoRoot,
      baseCommit,
      branch: `dispatch/pool-${id}`,
      worktree: path.join(this.folderOf(repoRoot), id),
      createdAt: Date.now(),
      ready: false,
    };
    this.busy.add(id);
    try {
      writeStateFileAtomic(this.metaFile(entry), JSON.stringify(entry));
      // The lock is held only to create the branch and register the worktree; the
      // checkout itself touches nothing shared and runs unlocked at the lowest priority.
      await this.options.worktrees.withLock(repoRoot, () => git(repoRoot, ['worktree', 'add', '--quiet', '--no-checkout', '-b', entry.branch, entry.worktree, baseCommit], true, signal));
      await git(entry.worktree, ['reset', '--hard', '--quiet'], true, signal);
      // A session arrived: leave the entry unfinished (never used; the next idle refill removes it),
      // rather than spend the session's time on git commands to remove it now.
      if (shouldStop()) return;
      const restored = await this.options.deps?.restore(entry.worktree, { lowPriority: true, ...(signal ? { signal } : {}) });
      if (restored) entry.deps = { keyId: restored.key.id, lockHash: restored.key.lockHash, ms: restored.ms, folder: installedFolder(restored.key) };
      // Watched from here on; the check after it covers the building (a checkout of its own).
      await this.watch(entry);
      const problem = await this.problemOf(entry, baseCommit, { low: true, keyAlreadyChecked: true });
      if (problem) throw new Error(`the new warm worktree is not clean: ${problem}`);
      entry.ready = true;
      writeStateFileAtomic(this.metaFile(entry), JSON.stringify(entry));
      this.checked.add(id); // its dependencies' key is the one just restored
    } catch (error) {
      // Stopped: the unfinished entry is removed by the next runner's first idle refill.
      if (!signal?.aborted) await this.discard(entry);
      throw error;
    } finally {
      this.busy.delete(id);
    }
  }

  /** Removes every entry (`dispatch runner prune`); returns their folders. */
  async prune(): Promise<string[]> {
    const removed: string[] = [];
    for (const entry of this.entries()) {
      if (this.busy.has(entry.id)) continue;
      await this.discard(entry);
      removed.push(entry.worktree);
    }
    return removed;
  }

  private metaFile(entry: Pick<PoolEntry, 'repoRoot' | 'id'>): string {
    return path.join(this.folderOf(entry.repoRoot), `${entry.id}.json`);
  }

  /** Stops watching the entries (the runner stops). */
  stop(): void {
    for (const watch of this.watches.values()) watch.close();
    this.watches.clear();
  }

  private async discard(entry: PoolEntry): Promise<void> {
    this.watches.get(entry.id)?.close();
    this.watches.delete(entry.id);
    this.checked.delete(entry.id);
    const { worktrees } = this.options;
    try {
      await worktrees.remove(entry.repoRoot, entry.worktree);
    } catch (error) {
      this.logger.warn('could not remove a warm worktree', { worktree: entry.worktree, error: String(error) });
    }
    rmSync(entry.worktree, { recursive: true, force: true });
    if (await worktrees.branchExists(entry.repoRoot, entry.branch)) await worktrees.deleteBranch(entry.repoRoot, entry.branch).catch(() => undefined);
    rmSync(this.metaFile(entry), { force: true });
  }
}
