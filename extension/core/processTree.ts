import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DispatchError } from '../../shared/errors.js';
import { agentEnv } from './agents/agentEnv.js';
import { processScope } from './processGroups.js';

export interface ProcessOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** After SIGTERM to the group, how long before SIGKILL. */
  killGraceMs?: number;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  aborted: boolean;
}

/** Programs that are `.cmd` shims on Windows and cannot be spawned without a shell. */
const WINDOWS_SHIMS = new Set(['npm', 'npx', 'pnpm', 'yarn', 'corepack']);
/** What a shim argument may contain when it has to go through cmd.exe. */
const CMD_SAFE_ARG = /^[A-Za-z0-9_:.\\/=@+,-]+$/;

/**
 * How to spawn `command` without a shell string. On Windows, npm/npx run through node
 * and their JS entry (Node ≥ 20.12 refuses to spawn `.cmd` files without a shell);
 * other shims go through `cmd.exe /d /s /c` only when every argument is plainly safe.
 */
export function resolveCommand(
  command: readonly string[],
  platform: NodeJS.Platform = process.platform,
  execPath: string = process.execPath,
): { file: string; args: string[]; verbatim: boolean } {
  const [program, ...args] = command;
  if (!program) throw new DispatchError('bad_input', 'Empty command');
  if (platform !== 'win32' || !WINDOWS_SHIMS.has(program)) return { file: program, args, verbatim: false };
  if (program === 'npm' || program === 'npx') {
    const cli = path.win32.join(path.win32.dirname(execPath), 'node_modules', 'npm', 'bin', `${program}-cli.js`);
    if (existsSync(cli)) return { file: execPath, args: [cli, ...args], verbatim: false };
  }
  for (const arg of args) {
    if (!CMD_SAFE_ARG.test(arg)) {
      throw new DispatchError('bad_input', `Refusing to pass ${JSON.stringify(arg)} to ${program}.cmd through cmd.exe`);
    }
  }
  return { file: 'cmd.exe', args: ['/d', '/s', '/c', `"${[`${program}.cmd`, ...args].join(' ')}"`], verbatim: true };
}

/**
 * The environment for a tool a session runs (the builtin agent's `npm test`, git hooks):
 * the same allowlist as every agent, with no model's auth, plus DISPATCH_AGENT_ENV's
 * names. CI keeps test runners out of watch mode and prompts. No colour variable is set:
 * the output goes through pipes (so tools print plain text on their own) and escape codes
 * are stripped before parsing anyway, while a NO_COLOR or FORCE_COLOR here would change
 * what a project's own tests see (commander's colour tests fail under NO_COLOR=1) and
 * make "run the tests" disagree with the user's terminal and CI.
 */
export function toolEnv(env: NodeJS.ProcessEnv = process.env, passEnv: readonly string[] = []): NodeJS.ProcessEnv {
  return agentEnv('builtin', env, passEnv, { CI: '1', npm_config_update_notifier: 'false' });
}

/** Whether a process with this pid exists (EPERM: it does, but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills a whole process tree: the process group on POSIX, `taskkill /T /F` on Windows. */
export function killTree(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => {});
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs a command with an argument array, streaming its output. The child leads its own
 * process group (detached on POSIX) so an abort kills everything it started, e.g. the
 * `sh → node → workers` chain under `npm test`.
 */
export function runProcess(command: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const { file, args, verbatim } = resolveCommand(command);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({ exitCode: null, signal: null, aborted: true });
      return;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? toolEnv(),
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: verbatim,
    });
    // Journaled for the session, so a runner killed meanwhile ends this group at its next start.
    const watcher = processScope.getStore();
    const pid = child.pid;
    if (pid !== undefined) watcher?.started(pid, command);
    let aborted = false;
    let forceTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      aborted = true;
      if (child.pid === undefined) return;
      killTree(child.pid, 'SIGTERM');
      forceTimer = setTimeout(() => child.pid !== undefined && killTree(child.pid, 'SIGKILL'), options.killGraceMs ?? 2_000);
      forceTimer.unref();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (text: string) => options.onOutput?.(text, 'stdout'));
    child.stderr.setEncoding('utf8').on('data', (text: string) => options.onOutput?.(text, 'stderr'));
    child.on('error', (error: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      const message =
        error.code === 'ENOENT' ? `${command[0]} is not installed or not on PATH` : `Could not start ${command[0]}: ${error.message}`;
      reject(new DispatchError('agent_failed', message));
    });
    child.on('close', (exitCode, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (forceTimer) clearTimeout(forceTimer);
      // Grandchildren that outlived an aborted leader still hold the group: finish them.
      if (aborted && child.pid !== undefined) killTree(child.pid, 'SIGKILL');
      if (pid !== undefined) watcher?.ended(pid);
      resolve({ exitCode, signal, aborted });
    });
  });
}
