import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** `dispatch` from source, as argv: node with the tsx loader, then the entry. */
export const DISPATCH_FROM_SOURCE = [
  process.execPath,
  '--import',
  `file://${path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')}`,
  path.join(ROOT, 'test', 'helpers', 'dispatchFromSource.ts'),
];

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

/**
 * The program runs under a shell that waits for it and prints its exit status on the
 * screen: when the pane's own process is node, tmux 3.3 may see the terminal close before
 * it reaps the process and record no status at all. The arguments pass through "$@" (no
 * shell parsing); `trap : INT` leaves Ctrl+C to the program (its child keeps the default).
 */
const WAITING_SHELL = ['sh', '-c', 'trap : INT; "$@"; status=$?; printf "\\n[exited %s]\\n" "$status"; exit "$status"', 'sh'];
const EXITED = /\[exited (\d+)\]\s*$/;

/**
 * A real pseudo-terminal: a private tmux server (its own socket, no user config) running
 * one program, with keys typed into it and its screen read back. Panes stay after the
 * program exits, so the exit status can be read.
 */
export class TmuxTerminal {
  private readonly socket = `dispatch-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  // Its own socket folder: what earlier (killed) runs left in the shared /tmp/tmux-UID cannot reach it.
  private readonly socketDir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-tmux-'));

  private tmux(args: string[], env?: NodeJS.ProcessEnv): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      env: { ...(env ?? process.env), TMUX_TMPDIR: this.socketDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Starts `argv` (run directly, no shell) in `cwd` with exactly `env`. */
  start(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): void {
    this.tmux(
      ['start-server', ';', 'set-option', '-g', 'exit-empty', 'off', ';', 'set-option', '-g', 'remain-on-exit', 'on', ';', 'new-session', '-d', '-s', 'main', '-x', '200', '-y', '50', '-c', options.cwd, ...WAITING_SHELL, ...argv],
      options.env,
    );
  }

  type(...keys: string[]): void {
    this.tmux(['send-keys', '-t', 'main', ...keys]);
  }

  screen(): string {
    return this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', 'main']);
  }

  /** The pane's exit status once its program has exited, else undefined. */
  exitStatus(): number | undefined {
    const [dead, status] = this.tmux(['list-panes', '-t', 'main', '-F', '#{pane_dead} #{pane_dead_status}']).trim().split(' ');
    if (dead === '1' && status !== undefined && /^\d+$/.test(status)) return Number(status);
    const printed = EXITED.exec(this.screen().trimEnd());
    return printed ? Number(printed[1]) : undefined;
  }

  async waitForScreen(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}; it shows:\n${screen}`);
      await sleep(50);
    }
  }

  async waitForExit(timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) {
        const pane = this.tmux(['list-panes', '-t', 'main', '-F', 'dead=#{pane_dead} status=#{pane_dead_status} signal=#{pane_dead_signal}']).trim();
        throw new Error(`the program in the terminal did not exit (${pane}); it shows:\n${this.screen()}`);
      }
      await sleep(50);
    }
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // Already gone.
    }
    rmSync(this.socketDir, { recursive: true, force: true });
  }
}
