import { chmodSync, closeSync, existsSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Dispatch's state (journals, logs, the machine's credential, the bridge's database and
 * secrets) is readable by its owner only, whatever the umask: folders 0700, files 0600.
 * Modes are set explicitly after creating, because the umask only ever narrows them.
 */
export const STATE_DIR_MODE = 0o700;
export const STATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) owner-only; an existing `dir` is made owner-only too. */
export function ensureStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
  chmodQuietly(dir, STATE_DIR_MODE);
}

/**
 * Writes a state file atomically (temp file, fsync, rename), owner-only from its first
 * byte: a kill -9 at any instant leaves the old content or the new, never half.
 */
export function writeStateFileAtomic(file: string, data: string): void {
  ensureStateDir(path.dirname(file));
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', STATE_FILE_MODE);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodQuietly(temp, STATE_FILE_MODE);
  renameSync(temp, file);
}

/** Makes a file owner-only if it exists (a SQLite -wal or -shm file, a log). */
export function restrictFile(file: string): void {
  if (existsSync(file)) chmodQuietly(file, STATE_FILE_MODE);
}

/**
 * Fixes state made before this rule (or by another umask): `dir` and every folder under
 * it 0700, every file 0600. Symbolic links are not followed. `skip` names folders whose
 * contents are not state (the worktrees: the user's code keeps its own modes).
 */
export function restrictTree(dir: string, skip: readonly string[] = []): void {
  if (!existsSync(dir)) return;
  chmodQuietly(dir, STATE_DIR_MODE);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      if (skip.includes(full)) chmodQuietly(full, STATE_DIR_MODE);
      else restrictTree(full, skip);
    } else if (entry.isFile()) {
      chmodQuietly(full, STATE_FILE_MODE);
    }
  }
}

function chmodQuietly(target: string, mode: number): void {
  // Windows has no POSIX modes; its ACLs follow the user profile, where DISPATCH_HOME lives.
  if (process.platform === 'win32') return;
  try {
    if ((lstatSync(target).mode & 0o777) !== mode) chmodSync(target, mode);
  } catch {
    // Gone meanwhile, or not ours to change: nothing to fix.
  }
}

/**
 * The runner's state under DISPATCH_HOME, made owner-only: the folder, the journal and
 * the logs (with everything in them), the machine's identity and credential, a local
 * bridge's secrets and database, the lock. The worktrees folder is closed to others,
 * but the code inside keeps its modes. Nothing else under DISPATCH_HOME is touched.
 */
export function restrictRunnerState(home: string): void {
  ensureStateDir(home);
  for (const folder of ['journal', 'logs']) {
    ensureStateDir(path.join(home, folder));
    restrictTree(path.join(home, folder));
  }
  if (existsSync(path.join(home, 'worktrees'))) ensureStateDir(path.join(home, 'worktrees'));
  for (const file of ['machine.json', 'secrets.json', 'runner.lock', ...SQLITE_FILES.map((suffix) => `bridge.db${suffix}`)]) restrictFile(path.join(home, file));
}

/** A SQLite database and the files beside it in WAL mode. */
export const SQLITE_FILES = ['', '-wal', '-shm', '-journal'];
