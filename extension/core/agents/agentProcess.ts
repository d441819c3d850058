import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { processScope } from '../processGroups.js';
import { killTree } from '../processTree.js';

export interface AgentProcessOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** The process's stderr, as it arrives (for the session log). */
  onStderr?: (text: string) => void;
}

/**
 * A long-running agent process talking over stdin/stdout (the `claude` CLI, `codex
 * app-server`). It leads its own process group (POSIX) so stopping it also ends what it
 * started — the shell commands the model ran, their test runners and servers.
 */
export class AgentProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves when the process has exited (or failed to start). */
  readonly exited: Promise<void>;
  private forceTimer: NodeJS.Timeout | undefined;

  constructor(command: string, args: readonly string[], options: AgentProcessOptions) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: process.platform !== 'win32',
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    // Journaled for the session, so a runner killed meanwhile ends this group at its next start.
    const watcher = processScope.getStore();
    const pid = this.child.pid;
    if (pid !== undefined) watcher?.started(pid, [command, ...args]);
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => options.onStderr?.(text));
    // Writes after the process died must not crash the runner (EPIPE).
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.once('error', () => resolve());
    });
    void this.exited.then(() => {
      if (pid !== undefined) watcher?.ended(pid);
      if (this.forceTimer) clearTimeout(this.forceTimer);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** Signals the whole group; SIGTERM escalates to SIGKILL after `graceMs` if anything is left. */
  kill(signal: NodeJS.Signals = 'SIGTERM', graceMs = 3_000): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    killTree(pid, signal);
    if (signal === 'SIGKILL' || this.forceTimer) return;
    this.forceTimer = setTimeout(() => killTree(pid, 'SIGKILL'), graceMs);
    this.forceTimer.unref();
  }

  /** Ends the process: closes stdin, then the group gets SIGTERM after `graceMs`, SIGKILL later. */
  async stop(graceMs = 1_000): Promise<void> {
    this.child.stdin.end();
    if (!this.running) return;
    const timer = setTimeout(() => this.kill('SIGTERM'), graceMs);
    timer.unref();
    await this.exited;
    clearTimeout(timer);
    // Grandchildren that outlived the leader still hold the group: finish them.
    if (this.child.pid !== undefined) killTree(this.child.pid, 'SIGKILL');
  }
}
