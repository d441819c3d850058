import { execFileSync, spawnSync } from 'node:child_process';
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
 * A real pseudo-terminal: a private tmux server (its own socket, no user config) running
 * one program, with keys typed into it and its screen read back. Panes stay after the
 * program exits, so the exit status can be read.
 */
export class TmuxTerminal {
  private readonly socket = `dispatch-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(args: string[], env?: NodeJS.ProcessEnv): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Starts `argv` (run directly, no shell) in `cwd` with exactly `env`. */
  start(argv: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): void {
    this.tmux(
      ['start-server', ';', 'set-option', '-g', 'exit-empty', 'off', ';', 'set-option', '-g', 'remain-on-exit', 'on', ';', 'new-session', '-d', '-s', 'main', '-x', '200', '-y', '50', '-c', options.cwd, ...argv],
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
    return dead === '1' ? Number(status) : undefined;
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
      if (Date.now() > deadline) throw new Error(`the program in the terminal did not exit; it shows:\n${this.screen()}`);
      await sleep(50);
    }
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // Already gone.
    }
  }
}
