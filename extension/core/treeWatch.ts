import { watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** More folders than this are not watched (each is a kernel watch): the caller asks git instead. */
const MAX_WATCHED_DIRS = 4_000;

/**
 * Notes whether anything under a folder changed since it was looked over, so the warm pool
 * can hand out an entry without a `git status` on the session's path. One watch per
 * folder: the kernel reports a folder's own entries being created, written, renamed or
 * removed (inotify on Linux, FSEvents/ReadDirectoryChangesW elsewhere). It only ever says
 * "changed" or "nothing seen": whatever it cannot watch counts as changed, and a change
 * means the caller checks with git.
 */
export class TreeWatch {
  private watchers: FSWatcher[] = [];
  private seen: string | undefined;

  private constructor() {}

  /** Watches `root` and its folders but those named in `skip` (e.g. node_modules, .git). */
  static async start(root: string, skip: readonly string[]): Promise<TreeWatch> {
    const tree = new TreeWatch();
    try {
      const pending = [root];
      while (pending.length > 0 && !tree.seen) {
        const dir = pending.pop() ?? '';
        tree.add(dir);
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          if (entry.isDirectory() && !skip.includes(entry.name)) pending.push(path.join(dir, entry.name));
        }
        if (tree.watchers.length > MAX_WATCHED_DIRS) tree.mark(`more than ${MAX_WATCHED_DIRS} folders`);
      }
    } catch (error) {
      tree.mark(`could not watch: ${String(error)}`);
    }
    return tree;
  }

  private add(dir: string): void {
    const watcher = watch(dir, { persistent: false }, (_event, name) => this.mark(`${path.join(dir, String(name ?? ''))} changed`));
    watcher.on('error', (error) => this.mark(`the watch failed: ${String(error)}`));
    this.watchers.push(watcher);
  }

  private mark(why: string): void {
    this.seen ??= why;
    this.close();
  }

  /**
   * What changed since the watch began (the first thing seen), or undefined when nothing
   * did. Lets the event loop deliver what the kernel has queued first: a write that ended
   * before this call is always seen.
   */
  async changed(): Promise<string | undefined> {
    // Two turns: the second comes after a poll of the kernel's queue that began after this call.
    await nextTurn();
    await nextTurn();
    return this.seen;
  }

  /** Nothing seen so far (what the event loop has delivered: changed() waits for the rest). */
  get quiet(): boolean {
    return this.seen === undefined;
  }

  /** Stops watching; from now on it says "changed". */
  close(): void {
    this.seen ??= 'no longer watched';
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }
}
