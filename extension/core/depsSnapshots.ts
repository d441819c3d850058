import { existsSync } from 'node:fs';
import { lstat, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../shared/logger.js';
import type { DepsKey } from './depsKey.js';
import { ensureStateDir, STATE_FILE_MODE } from './stateFiles.js';
import { copyTree, linkTree, surveyTree, type TreeSurvey } from './treeCopy.js';

/** A hard-link snapshot of a fresh install, waiting for its copy into the cache. */
export interface Snapshot {
  key: DepsKey;
  folder: string;
  tree: string;
  /** The installed folder the snapshot was taken of (a venv's copies are rewritten from this path to their own). */
  origin: string;
  /**
   * The snapshot's own status time: a file's later than it was written after the install.
   * (The kernel's clock for it ticks every few ms; the session's next command cannot start
   * and write within the tick the snapshot ended in.)
   */
  pristineAtNs: bigint;
  /** The store and the restores copying from it; the last to finish removes the snapshot. */
  readers: number;
  done: Promise<void>;
}

/** What the queue needs of the cache it fills (depsCache.ts). */
export interface SnapshotTarget {
  /** A complete entry of this key is there already. */
  hasEntry(id: string): boolean;
  tempFolder(purpose: string): string;
  /** Why a surveyed tree must not be cached, or undefined. */
  refusal(survey: TreeSurvey, key: DepsKey): string | undefined;
  /** Writes the entry's meta into `temp` (holding `tree/`) and renames it into place: the entry appears whole. */
  commit(temp: string, key: DepsKey, survey: TreeSurvey, origin: string): Promise<void>;
  evict(): Promise<unknown>;
}

/**
 * The background half of DepsCache.keep(): a fresh install is snapshotted as hard links
 * (a fraction of a copy's time, which is all the session waits for), and the snapshot is
 * copied into the cache at the lowest priority once no session runs. A file the session
 * writes through a shared link changes its status time, and a snapshot with such a file
 * is thrown away, never stored. Restores of a key still on its way copy its snapshot.
 */
export class SnapshotQueue {
  /** Installs on their way into the cache, by key id. */
  private readonly pending = new Map<string, Snapshot>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly target: SnapshotTarget,
    private readonly logger: Logger,
    /** Resolves when no session is running: the copy never shares the machine with one. */
    private readonly whenIdle: (signal: AbortSignal) => Promise<void>,
  ) {}

  /** The snapshot of `id` still on its way, counted as read until release(). */
  acquire(id: string): Snapshot | undefined {
    const snapshot = this.pending.get(id);
    if (snapshot) snapshot.readers++;
    return snapshot;
  }

  /**
   * Snapshots `source` (installed for `key`) and queues its copy; false when no snapshot
   * can be made (no GNU cp, the cache on another filesystem): the caller copies now.
   */
  async take(key: DepsKey, source: string, folderName: string): Promise<boolean> {
    // A snapshot of the same key may still wait for an idle runner, and may turn out changed (its
    // session wrote into it): this one queues behind it and is stored only if that one was not.
    const previous = this.pending.get(key.id);
    const folder = this.target.tempFolder(`snapshot-${key.id}`);
    try {
      ensureStateDir(folder);
      // Hard links cannot cross filesystems (and cp would try, and fail, file by file).
      if ((await stat(folder)).dev !== (await stat(source)).dev) throw new Error('the cache is on another filesystem than the worktree');
      // Named as in the worktree, so a link's or a file's path in a message reads the same.
      await linkTree(source, path.join(folder, folderName));
    } catch (error) {
      await rm(folder, { recursive: true, force: true });
      this.logger.debug('no hard-link snapshot; copying the install now', { error: String(error) });
      return false;
    }
    // Its status time is the line: a file's status time later than it was changed after the snapshot.
    const marker = path.join(folder, 'pristine-at');
    await writeFile(marker, '', { mode: STATE_FILE_MODE });
    const snapshot: Snapshot = { key, folder, tree: path.join(folder, folderName), origin: source, pristineAtNs: (await lstat(marker, { bigint: true })).ctimeNs, readers: 1, done: Promise.resolve() };
    const stored = (): Promise<void> => (this.target.hasEntry(key.id) ? Promise.resolve() : this.store(snapshot));
    snapshot.done = (previous ? previous.done.then(stored) : stored()).finally(() => this.release(snapshot));
    this.pending.set(key.id, snapshot);
    return true;
  }

  /**
   * Before `worktree` is deleted: its installed folder, if a snapshot of it is still on its
   * way into the cache, moves aside until the copy is done. Deleting it would unlink each
   * file the snapshot shares, and an unlink changes a file's status time as a write does:
   * the snapshot would look changed and be thrown away.
   */
  async holdUntilKept(worktree: string): Promise<void> {
    for (const snapshot of this.pending.values()) {
      if (path.dirname(snapshot.origin) !== path.resolve(worktree) || !existsSync(snapshot.origin)) continue;
      // Into the snapshot's folder: removed with it, once the copy and every restore from it are done.
      await rename(snapshot.origin, path.join(snapshot.folder, 'held')).catch(() => {
        // left in place: the snapshot may be refused, and a later install is kept instead
      });
    }
  }

  /** Waits for every snapshot's copy. */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].map((snapshot) => snapshot.done));
  }

  /** Stops the copies (their halves are removed) and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.settled();
  }

  /** A reader (or the store) is done with a snapshot: the last one removes it. */
  async release(snapshot: Snapshot): Promise<void> {
    snapshot.readers -= 1;
    if (snapshot.readers > 0) return;
    if (this.pending.get(snapshot.key.id) === snapshot) this.pending.delete(snapshot.key.id);
    await rm(snapshot.folder, { recursive: true, force: true });
  }

  /** Copy, check the snapshot unchanged, then the entry appears whole. */
  private async store(snapshot: Snapshot): Promise<void> {
    const { key } = snapshot;
    const temp = this.target.tempFolder(key.id);
    try {
      await this.whenIdle(this.stopping.signal);
      if (this.stopping.signal.aborted) throw new Error('stopped before the copy');
      ensureStateDir(temp);
      await copyTree(snapshot.tree, path.join(temp, 'tree'), { lowPriority: true, signal: this.stopping.signal });
      // Walked after the copy: a write during the copy is caught too.
      const survey = await surveyTree(snapshot.tree, snapshot.folder, { changedAfterNs: snapshot.pristineAtNs });
      const refusal = this.target.refusal(survey, key) ?? (survey.changed.length > 0 ? `the session changed ${survey.changed.slice(0, 3).join(', ')} before it was kept` : undefined);
      if (refusal) {
        this.logger.info('did not keep the installed dependencies', { lockHash: key.lockHash.slice(0, 8), reason: refusal });
        await rm(temp, { recursive: true, force: true });
        return;
      }
      await this.target.commit(temp, key, survey, snapshot.origin);
      this.logger.info('kept installed dependencies for later sessions', { lockHash: key.lockHash.slice(0, 8), bytes: survey.bytes });
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      if (!this.stopping.signal.aborted && !this.target.hasEntry(key.id)) {
        this.logger.warn('could not copy installed dependencies into the cache', { lockHash: key.lockHash.slice(0, 8), error: String(error) });
      }
      return;
    }
    await this.target.evict();
  }
}
