import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { dependencyKey, installedFolder, withoutLockfile, type DepsKey } from './depsKey.js';
import { ensureStateDir, STATE_FILE_MODE } from './stateFiles.js';
import { SnapshotQueue } from './depsSnapshots.js';
import { copyTree, surveyTree, type TreeSurvey } from './treeCopy.js';
import { pruneOlderFiles, relocateVenv, venvEscape } from './venvTree.js';

/** The default bound of the cache: 5 GB. */
export const DEFAULT_DEPS_CACHE_BYTES = 5_000_000_000;
/** The default lifetime of an entry keyed by package.json alone (no lockfile): 24 hours. */
export const DEFAULT_NO_LOCKFILE_TTL_MS = 24 * 3_600_000;
/** A temp folder older than this is a leftover of a runner killed mid-copy. */
const LEFTOVER_MS = 60 * 60_000;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** "5GB", "500MB", "1.5 GiB", "0" (off) → bytes; undefined when unreadable. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined) return undefined;
  return Math.round(Number(match[1]) * unit);
}

/** "1.2 GB", for messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${Math.round(bytes / 1e3)} kB`;
}

const EntryMetaSchema = z.object({
  id: z.string(),
  manager: z.string(),
  managerVersion: z.string(),
  lockfile: z.string(),
  lockHash: z.string(),
  node: z.string(),
  python: z.string().optional(),
  platform: z.string(),
  /** Where the tree was installed: a venv's copies are rewritten from this path to their own. */
  origin: z.string().optional(),
  bytes: z.number(),
  files: z.number(),
  createdAt: z.number(),
});
type EntryMeta = z.infer<typeof EntryMetaSchema>;

export interface CacheEntry extends EntryMeta {
  folder: string;
  /** Last restore (or creation): the least recently used goes first. */
  usedAt: number;
}

export interface Restored {
  key: DepsKey;
  ms: number;
  /** When the copied install was kept (now, for one still on its way into the cache). */
  cachedAt: number;
}

/** "lockfile a1b2c3d4…", "poetry.lock a1b2c3d4…" (a lock pip does not read itself), "no lockfile: package.json a1b2c3d4…". */
export function lockLabel(key: Pick<DepsKey, 'lockHash'> & { lockfile?: string }): string {
  const hash = `${key.lockHash.slice(0, 8)}…`;
  if (key.lockfile === 'poetry.lock' || key.lockfile === 'uv.lock') return `${key.lockfile} ${hash}`;
  if (key.lockfile === 'package.json') return `no lockfile: package.json ${hash}`;
  return `lockfile ${hash}`;
}

/**
 * Installed dependency trees (node_modules), kept pristine right after a successful install
 * under DISPATCH_HOME/deps-cache and keyed by what determines them (depsKey.ts). A session
 * whose key matches gets a copy — a reflink where the filesystem can — never a link, so
 * nothing it writes reaches the cache, another session or the user's checkout.
 *
 * Every change is a rename of a finished folder: an entry is complete or absent, and a
 * restored node_modules appears whole or not at all, whenever the runner is killed.
 */
export class DepsCache {
  readonly root: string;
  private readonly entriesDir: string;
  private readonly tempDir: string;
  /** Entries being copied from right now: eviction leaves them alone. */
  private readonly inUse = new Map<string, number>();
  /** Installs on their way into the cache: a session that needs one copies its snapshot. */
  private readonly snapshots: SnapshotQueue;

  constructor(
    home: string,
    readonly maxBytes = DEFAULT_DEPS_CACHE_BYTES,
    private readonly logger: Logger = silentLogger,
    /**
     * Resolves when no session is running (the runner's): the background copy waits for
     * it, so it never shares the machine with the session that installed, nor another.
     * Default: at once.
     */
    whenIdle: (signal: AbortSignal) => Promise<void> = async () => undefined,
    /**
     * How long an npm install without a lockfile is reused (keyed by package.json alone: the
     * registry moves on, and a fresh install would resolve newer versions). Default 24 h.
     */
    readonly noLockfileTtlMs = DEFAULT_NO_LOCKFILE_TTL_MS,
  ) {
    this.root = path.join(home, 'deps-cache');
    this.entriesDir = path.join(this.root, 'entries');
    this.tempDir = path.join(this.root, 'tmp');
    const target = {
      hasEntry: (id: string) => existsSync(path.join(this.entriesDir, id, 'meta.json')),
      tempFolder: (purpose: string) => this.tempFolder(purpose),
      refusal: (survey: TreeSurvey, key: DepsKey) => this.refusal(survey, key),
      commit: (temp: string, key: DepsKey, survey: TreeSurvey, origin: string) => this.commit(temp, key, survey, origin),
      evict: () => this.evict(),
    };
    this.snapshots = new SnapshotQueue(target, logger, whenIdle);
  }

  /** pip's own cache (downloads and wheels it built), shared by every session's install. */
  get pipCacheDir(): string {
    return path.join(this.root, 'pip');
  }

  get enabled(): boolean {
    return this.maxBytes > 0;
  }

  /** The key of what `worktree` would install (undefined when it cannot be cached). */
  async keyOf(worktree: string): Promise<DepsKey | undefined> {
    const key = await dependencyKey(worktree);
    return 'none' in key ? undefined : key;
  }

  /**
   * Copies the cached tree matching `worktree`'s key into `worktree/node_modules`;
   * undefined when there is none (or node_modules exists, or the copy failed: then
   * nothing is left behind and the caller installs as usual). A tree still on its way
   * into the cache is copied from its snapshot, checked unchanged after the copy.
   */
  async restore(worktree: string, options: { lowPriority?: boolean; signal?: AbortSignal; key?: DepsKey } = {}): Promise<Restored | undefined> {
    if (!this.enabled) return undefined;
    const started = performance.now();
    const key = options.key ?? (await this.keyOf(worktree));
    if (!key) return undefined;
    const target = path.join(worktree, installedFolder(key));
    if (existsSync(target)) return undefined;
    const entry = path.join(this.entriesDir, key.id);
    const meta = await this.meta(entry);
    const pending = meta ? undefined : this.snapshots.acquire(key.id);
    if (!pending && (!meta || this.expired(meta))) return undefined;
    this.inUse.set(key.id, (this.inUse.get(key.id) ?? 0) + 1);
    const temp = this.tempFolder('restore');
    try {
      ensureStateDir(this.tempDir);
      const copyOptions = { ...(options.lowPriority ? { lowPriority: true } : {}), ...(options.signal ? { signal: options.signal } : {}) };
      await copyTree(pending ? pending.tree : path.join(entry, 'tree'), temp, copyOptions);
      // A venv's copy names its own path before it appears (the cached tree keeps the path it was built at).
      const origin = pending ? pending.origin : meta?.origin;
      if (key.manager === 'pip') await relocateVenv(temp, origin ?? target, target);
      if (pending) {
        const { changed } = await surveyTree(pending.tree, pending.folder, { changedAfterNs: pending.pristineAtNs });
        if (changed.length > 0) throw new Error(`the installing session changed ${changed[0]} before it was kept`);
      }
      await rename(temp, target);
      if (!pending) {
        const now = new Date();
        await utimes(path.join(entry, 'meta.json'), now, now);
      }
      return { key, ms: performance.now() - started, cachedAt: meta?.createdAt ?? Date.now() };
    } catch (error) {
      this.logger.warn('could not copy cached dependencies; installing instead', { worktree, error: String(error) });
      await rm(temp, { recursive: true, force: true });
      return undefined;
    } finally {
      const left = (this.inUse.get(key.id) ?? 1) - 1;
      if (left > 0) this.inUse.set(key.id, left);
      else this.inUse.delete(key.id);
      if (pending) await this.snapshots.release(pending);
    }
  }

  /**
   * Keeps a pristine copy of `worktree/node_modules` right after a successful install,
   * before anything else ran in it. `expectedId` is the key before the install.
   *
   * The session waits only for a snapshot of hard links (a fraction of a copy's time);
   * the copy into the cache runs in the background at the lowest priority, once no session
   * runs (the runner says when: see whenIdle). A file the
   * session writes through a shared link changes its status time, and a snapshot with
   * such a file is thrown away, never stored (depsSnapshots.ts). Where no snapshot can
   * be made (no GNU cp, another filesystem), the tree is copied before returning.
   */
  async keep(worktree: string, expectedId?: string): Promise<{ kept: true; key: DepsKey; later: boolean } | { kept: false; reason: string }> {
    if (!this.enabled) return { kept: false, reason: 'the dependency cache is off (DISPATCH_DEPS_CACHE_MAX=0)' };
    let key = await dependencyKey(worktree);
    // npm install writes a package-lock.json a project without one does not commit: its next session is keyed by package.json again.
    if (!('none' in key) && key.id !== expectedId && key.manager === 'npm') {
      const unlocked = await dependencyKey(worktree, { ignoreLockfile: true });
      if (!('none' in unlocked) && unlocked.id === expectedId) key = unlocked;
    }
    if ('none' in key) return { kept: false, reason: key.none };
    if (withoutLockfile(key) && this.noLockfileTtlMs <= 0) return { kept: false, reason: 'no lockfile, and such installs are not reused (DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL=0)' };
    // An install that wrote its own lockfile resolved afresh: the next session's committed lockfile differs.
    if (expectedId !== key.id) return { kept: false, reason: `the install changed or created ${key.lockfile}` };
    const folderName = installedFolder(key);
    const source = path.join(worktree, folderName);
    const entry = path.join(this.entriesDir, key.id);
    if (!existsSync(source)) return { kept: false, reason: `the install made no ${folderName}` };
    const meta = await this.meta(entry);
    const expired = meta !== undefined && this.expired(meta);
    if (existsSync(entry) && !expired) return { kept: true, key, later: false };
    // An entry of a manifest past its lifetime makes way for this install, resolved today.
    if (expired) {
      if (this.inUse.has(key.id)) return { kept: false, reason: 'the earlier install of this package.json is being copied right now' };
      await this.discard(entry);
    }
    const escape = key.manager === 'pip' ? await venvEscape(source, worktree) : undefined;
    if (escape) return { kept: false, reason: `the venv points outside itself: ${escape}` };
    if (!(await this.snapshots.take(key, source, folderName))) return this.copyNow(worktree, key);
    return { kept: true, key, later: true };
  }

  /** Before `worktree` is deleted: see SnapshotQueue.holdUntilKept. */
  async holdUntilKept(worktree: string): Promise<void> {
    await this.snapshots.holdUntilKept(worktree);
  }

  /** Waits for every tree on its way into the cache (tests, benchmarks, and a runner's stop). */
  async settled(): Promise<void> {
    await this.snapshots.settled();
  }

  /** Stops the background copies (their halves are removed) and waits for them. */
  async stop(): Promise<void> {
    await this.snapshots.stop();
  }

  /** An entry's meta.json, or undefined when it is no complete entry. */
  private async meta(entry: string): Promise<EntryMeta | undefined> {
    try {
      return EntryMetaSchema.parse(JSON.parse(await readFile(path.join(entry, 'meta.json'), 'utf8')));
    } catch {
      return undefined;
    }
  }

  /** An install without a lockfile past its lifetime (noLockfileTtlMs): not reused. */
  private expired(meta: EntryMeta, now = Date.now()): boolean {
    return withoutLockfile(meta) && now - meta.createdAt >= this.noLockfileTtlMs;
  }

  /** Writes meta.json beside `temp/tree` and renames `temp` into place: the entry appears whole, or not at all. */
  private async commit(temp: string, key: DepsKey, survey: TreeSurvey, origin: string): Promise<void> {
    ensureStateDir(this.entriesDir);
    const meta: EntryMeta = { ...key, bytes: survey.bytes, files: survey.files, createdAt: Date.now(), origin };
    await writeFile(path.join(temp, 'meta.json'), JSON.stringify(meta, null, 2), { mode: STATE_FILE_MODE });
    await rename(temp, path.join(this.entriesDir, key.id));
  }

  /** Why a surveyed tree must not be cached, or undefined. */
  private refusal(survey: TreeSurvey, key: DepsKey): string | undefined {
    // A venv's python links to the interpreter it was made from: venvEscape checked bin/'s links.
    const folder = installedFolder(key);
    const escaping = key.manager === 'pip' ? survey.escapingLinks.filter((link) => !link.startsWith(path.join(folder, 'bin') + path.sep)) : survey.escapingLinks;
    if (escaping.length > 0) return `${folder} links outside the worktree (${escaping.slice(0, 3).join(', ')})`;
    if (survey.bytes > this.maxBytes) return `${formatBytes(survey.bytes)} is more than the cache's bound of ${formatBytes(this.maxBytes)}`;
    return undefined;
  }

  /** keep() where no snapshot can be made: the copy is made before the session goes on. */
  private async copyNow(worktree: string, key: DepsKey): Promise<{ kept: true; key: DepsKey; later: boolean } | { kept: false; reason: string }> {
    const source = path.join(worktree, installedFolder(key));
    const entry = path.join(this.entriesDir, key.id);
    const survey = await surveyTree(source, worktree);
    const refusal = this.refusal(survey, key);
    if (refusal) return { kept: false, reason: refusal };
    const temp = this.tempFolder(key.id);
    try {
      ensureStateDir(temp);
      await copyTree(source, path.join(temp, 'tree'));
      await this.commit(temp, key, survey, source);
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      if (existsSync(path.join(entry, 'meta.json'))) return { kept: true, key, later: false }; // another session kept the same tree first
      return { kept: false, reason: `could not copy ${installedFolder(key)} into the cache: ${String(error)}` };
    }
    await this.evict();
    return { kept: true, key, later: false };
  }

  /** The complete entries, least recently used first. */
  async entries(): Promise<CacheEntry[]> {
    const names = await readdir(this.entriesDir).catch(() => [] as string[]);
    const found: CacheEntry[] = [];
    for (const name of names) {
      const folder = path.join(this.entriesDir, name);
      const metaFile = path.join(folder, 'meta.json');
      try {
        const meta = EntryMetaSchema.parse(JSON.parse(await readFile(metaFile, 'utf8')));
        found.push({ ...meta, folder, usedAt: (await stat(metaFile)).mtimeMs });
      } catch {
        // no readable meta.json: not an entry this cache made; prune removes it
      }
    }
    return found.sort((a, b) => a.usedAt - b.usedAt);
  }

  /** Removes least recently used entries until the cache fits its bound; returns them. */
  async evict(): Promise<CacheEntry[]> {
    const entries = await this.entries();
    let total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
    const removed: CacheEntry[] = [];
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      if (this.inUse.has(entry.id)) continue;
      await this.discard(entry.folder);
      total -= entry.bytes;
      removed.push(entry);
      this.logger.info('evicted cached dependencies', { lockHash: entry.lockHash.slice(0, 8), bytes: entry.bytes });
    }
    return removed;
  }

  /**
   * `dispatch runner prune`: leftovers of killed copies, folders that are no complete
   * entry, entries unused for `olderThanMs`, then whatever is over the bound. Returns a
   * line per removal.
   */
  async prune(olderThanMs: number, now = Date.now()): Promise<string[]> {
    const lines: string[] = [];
    for (const name of await readdir(this.tempDir).catch(() => [] as string[])) {
      const folder = path.join(this.tempDir, name);
      const info = await stat(folder).catch(() => undefined);
      if (info && now - info.mtimeMs < LEFTOVER_MS) continue; // maybe a copy under way right now
      await rm(folder, { recursive: true, force: true });
      lines.push(`removed an unfinished dependency copy (${folder})`);
    }
    const entries = await this.entries();
    const complete = new Set(entries.map((entry) => entry.folder));
    for (const name of await readdir(this.entriesDir).catch(() => [] as string[])) {
      const folder = path.join(this.entriesDir, name);
      if (complete.has(folder)) continue;
      await this.discard(folder);
      lines.push(`removed an unreadable dependency cache entry (${folder})`);
    }
    for (const entry of entries) {
      if (this.inUse.has(entry.id)) continue;
      if (this.expired(entry, now)) {
        await this.discard(entry.folder);
        lines.push(`removed cached dependencies: ${describe(entry)}, kept ${Math.round((now - entry.createdAt) / 3_600_000)} h ago (over the lifetime of an install without a lockfile)`);
        continue;
      }
      if (now - entry.usedAt < olderThanMs) continue;
      await this.discard(entry.folder);
      lines.push(`removed cached dependencies: ${describe(entry)}, unused for ${Math.round((now - entry.usedAt) / 3_600_000)} h`);
    }
    for (const entry of await this.evict()) lines.push(`removed cached dependencies: ${describe(entry)}, over the bound of ${formatBytes(this.maxBytes)}`);
    const pip = await pruneOlderFiles(this.pipCacheDir, now - olderThanMs);
    if (pip.files > 0) lines.push(`removed ${pip.files} file${pip.files === 1 ? '' : 's'} (${formatBytes(pip.bytes)}) from pip's cache, unwritten for ${Math.round(olderThanMs / 3_600_000)} h`);
    return lines;
  }

  /** Renamed away first, so a half-deleted entry is never mistaken for a whole one. */
  private async discard(folder: string): Promise<void> {
    const trash = this.tempFolder('trash');
    ensureStateDir(this.tempDir);
    try {
      await rename(folder, trash);
    } catch {
      await rm(folder, { recursive: true, force: true });
      return;
    }
    await rm(trash, { recursive: true, force: true });
  }

  private tempFolder(purpose: string): string {
    return path.join(this.tempDir, `${purpose}-${process.pid}-${randomBytes(4).toString('hex')}`);
  }
}

function describe(entry: CacheEntry): string {
  return `${entry.manager} ${lockLabel(entry)} (${formatBytes(entry.bytes)})`;
}
