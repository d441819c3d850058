import { lockLabel, type DepsCache } from './depsCache.js';
import { withoutLockfile, type DepsKey } from './depsKey.js';
import { roughly } from './duration.js';

/**
 * A turn's way to dependencies that were installed before (handed to the agent in its
 * context), and the one line that says which path the turn took, for its log and result:
 * "dependencies: from cache (lockfile a1b2c3d4…, 4.9 s)" or "dependencies: installed (92.0 s)".
 */
export interface DependencySource {
  /** Copies a cached install matching the worktree's lockfile in; the report line, or undefined when none matches. */
  restore(worktree: string): Promise<string | undefined>;
  /** Records a successful install (`ms` of the command alone) and keeps a pristine copy for later sessions. */
  installed(worktree: string, ms: number): Promise<string>;
  /** Set for the install command: pip's download and wheel cache, shared by sessions (PIP_CACHE_DIR). */
  readonly installEnv: Record<string, string>;
  readonly report: string | undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

function ago(ms: number): string {
  return ms < 60_000 ? 'just now' : `${roughly(ms)} ago`;
}

export class TurnDependencies implements DependencySource {
  report: string | undefined;
  /** The key before the install: only an install that kept to its lockfile is cached. */
  private before: DepsKey | undefined;

  constructor(private readonly cache: DepsCache) {}

  get installEnv(): Record<string, string> {
    // A second install of the same requirements (a new lock, a venv not kept) downloads and builds nothing again.
    return { PIP_CACHE_DIR: this.cache.pipCacheDir, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  }

  async restore(worktree: string): Promise<string | undefined> {
    this.before = await this.cache.keyOf(worktree);
    if (!this.before) return undefined;
    const restored = await this.cache.restore(worktree, { key: this.before });
    if (!restored) return undefined;
    // Without a lockfile the install is as old as its cache entry: the line says how old.
    const age = withoutLockfile(restored.key) ? `, cached ${ago(Date.now() - restored.cachedAt)}` : '';
    this.report = `dependencies: from cache (${lockLabel(restored.key)}${age}, ${seconds(restored.ms)})`;
    return this.report;
  }

  async installed(worktree: string, ms: number): Promise<string> {
    const kept = await this.cache.keep(worktree, this.before?.id).catch((error: unknown) => ({ kept: false as const, reason: String(error) }));
    // A poetry or uv lock is read by Dispatch, not by pip: the line says which one.
    const from = this.before?.lockfile === 'poetry.lock' || this.before?.lockfile === 'uv.lock' ? ` from ${this.before.lockfile}` : '';
    this.report = `dependencies: installed${from} (${seconds(ms)})`;
    // A dash, not a colon: the reason may hold one of its own ("could not copy …: EACCES").
    if (!kept.kept) return `${this.report}; not cached — ${kept.reason}`;
    const how = kept.later ? 'being copied into the cache in the background' : 'kept in the cache';
    return `${this.report}; ${how} for the next session (${lockLabel(kept.key)})`;
  }

  /** The worktree came from the warm pool with the cached tree already copied in. */
  fromPool(lockHash: string, ms: number): string {
    this.report = `dependencies: from cache (${lockLabel({ lockHash })}, ${seconds(ms)} before the session, in a warm worktree)`;
    return this.report;
  }
}
