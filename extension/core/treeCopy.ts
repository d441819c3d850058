import { execFileSync, spawn } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { cp, lstat, readdir, readlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The lowest scheduling priority: background work (the warm pool) yields to everything else. */
export const LOW_PRIORITY = 19;

/**
 * Lowers a child's scheduling priority (nice 19 on POSIX, "below normal" on Windows).
 * A child that already ended, or a system that refuses, just runs at normal priority.
 */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, LOW_PRIORITY);
  } catch {
    // gone already, or not permitted: it runs at normal priority
  }
}

// fs.cp with COPYFILE_FICLONE: a copy-on-write reflink where the filesystem has them
// (btrfs, XFS, APFS), a plain copy elsewhere. Never a hard link: each copy is its own.
// verbatimSymlinks keeps relative links relative, so `.bin/x -> ../pkg/bin/x` points
// into the copy, not back at the source.
const CP_OPTIONS = { recursive: true, mode: constants.COPYFILE_FICLONE, verbatimSymlinks: true, errorOnExist: true, force: false } as const;

/** The same copy, done by a low-priority child process so the runner's own threads stay free. */
const CHILD_COPY = `require('node:fs').cp(process.argv[1], process.argv[2], ${JSON.stringify(CP_OPTIONS)}, (e) => { if (e) { process.stderr.write(String(e.message)); process.exit(1); } });`;

/** The copying child needs no secrets: nothing but what Windows needs to start a program. */
function childEnv(): NodeJS.ProcessEnv {
  return process.env.SystemRoot ? { SystemRoot: process.env.SystemRoot } : {};
}

// GNU cp does the same in one process, faster than fs.cp's many small steps: -d keeps
// links as they are, --reflink=auto clones where it can, and no --preserve=links, so two
// names of one file in the source become two files.
const GNU_CP = ['-dR', '--reflink=auto', '--preserve=mode,timestamps', '--'];
let gnuCp: boolean | undefined;

function hasGnuCp(): boolean {
  if (gnuCp === undefined) {
    gnuCp = false;
    if (process.platform === 'linux') {
      try {
        gnuCp = /GNU coreutils/.test(execFileSync('cp', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }));
      } catch {
        gnuCp = false;
      }
    }
  }
  return gnuCp;
}

// ionice's best-effort class at its lowest level: the background copy yields the disk to
// sessions, but is not starved outright as the idle class can be on a busy disk.
let ionice: boolean | undefined;
function hasIonice(): boolean {
  ionice ??= process.platform === 'linux' && ['/usr/bin/ionice', '/bin/ionice'].some((file) => existsSync(file));
  return ionice;
}

/** Copies the tree `source` to `target` (which must not exist). */
export async function copyTree(source: string, target: string, options: { lowPriority?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const viaCp = hasGnuCp();
  if (!options.lowPriority && !viaCp) {
    await cp(source, target, CP_OPTIONS);
    return;
  }
  const [file, args] = viaCp ? ['cp', [...GNU_CP, source, target]] : [process.execPath, ['-e', CHILD_COPY, source, target]];
  await runCopier(file, args, options);
}

/**
 * A snapshot of `source` at `target` made of hard links: each file's content is not
 * copied, so it takes a fraction of a copy's time. Only for the cache's own staging,
 * never handed to a session: the files are shared with `source` until they are copied,
 * and a write through `source` shows in them (see changedSince). GNU cp only; it throws
 * elsewhere, and across filesystems.
 */
export async function linkTree(source: string, target: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  if (!hasGnuCp()) throw new Error('hard-link snapshots need GNU cp');
  await runCopier('cp', ['-R', '-l', '-P', '--', source, target], options);
}

function runCopier(file: string, args: string[], options: { lowPriority?: boolean; signal?: AbortSignal }): Promise<void> {
  const low = options.lowPriority && hasIonice() && file === 'cp';
  const [command, commandArgs] = low ? ['ionice', ['-c2', '-n7', file, ...args]] : [file, args];
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv(), ...(options.signal ? { signal: options.signal } : {}) });
    if (options.lowPriority) lowerPriority(child.pid);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`copy failed: ${stderr.trim() || `exit ${code}`}`))));
  });
}

export interface TreeSurvey {
  bytes: number;
  files: number;
  /** Symbolic links that would not stay inside a copy of `within` (absolute, or leading out of it). */
  escapingLinks: string[];
  /** Files whose inode changed (content, mode or times) after `changedAfterNs`, when asked. */
  changed: string[];
}

/**
 * Walks `dir`: its size, and every symbolic link whose target is absolute or resolves
 * outside `within`. A tree with such a link is not cached: a copy of it would point
 * into the user's checkout or another session's worktree. With `changedAfterNs`, also
 * every file whose status-change time (ctime: set by the kernel on any write, chmod or
 * utimes, and never settable by a program) is later than that.
 */
export async function surveyTree(dir: string, within: string, options: { changedAfterNs?: bigint } = {}): Promise<TreeSurvey> {
  const survey: TreeSurvey = { bytes: 0, files: 0, escapingLinks: [], changed: [] };
  const root = path.resolve(within);
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() ?? '';
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isSymbolicLink()) {
        const target = await readlink(full);
        const resolved = path.resolve(path.dirname(full), target);
        if (path.isAbsolute(target) || (resolved !== root && !resolved.startsWith(root + path.sep))) survey.escapingLinks.push(path.relative(root, full));
      } else {
        const info = await lstat(full, { bigint: true });
        survey.files++;
        survey.bytes += Number(info.size);
        if (options.changedAfterNs !== undefined && info.ctimeNs > options.changedAfterNs) survey.changed.push(path.relative(root, full));
      }
    }
  }
  return survey;
}
