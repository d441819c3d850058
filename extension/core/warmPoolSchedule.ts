import { asDispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { PoolRepo, WorktreePool } from './worktreePool.js';

/** How often an idle runner looks whether a repository's base moved under its warm worktrees. */
const POOL_REFRESH_MS = 60_000;

export interface WarmPoolScheduleOptions {
  pool: WorktreePool;
  repos: PoolRepo[];
  /** No session running, queued or being admitted: the only time the pool is built. */
  idle: () => boolean;
  /** Whether this runner owns DISPATCH_HOME yet (until then another runner may be using it). */
  owner: () => boolean;
  logger: Logger;
  /** How long the runner must have been idle before it builds warm worktrees (default 3 s; tests use 0). */
  delayMs?: number;
}

/**
 * When the runner tops its warm worktree pool up: once it has stayed idle a moment (so a
 * session that arrives just after start, or right after another, does not share the
 * machine with the building), and every minute while idle. Building stops between steps
 * as soon as a session arrives.
 */
export class WarmPoolSchedule {
  private work: { done: Promise<void>; controller: AbortController } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: WarmPoolScheduleOptions) {}

  start(): void {
    this.soon();
    if (this.options.pool.size > 0) this.timer = setInterval(() => this.warm(), POOL_REFRESH_MS).unref();
  }

  /** Tops the pool up after the idle delay, if the runner is still idle then. */
  soon(): void {
    if (this.options.pool.size === 0) return;
    setTimeout(() => {
      if (this.options.idle()) this.warm();
    }, this.options.delayMs ?? 3_000).unref();
  }

  /** Stops scheduling and interrupts a build under way; resolves when that build let go. */
  stop(): Promise<void> | undefined {
    this.stopped = true;
    clearInterval(this.timer);
    this.work?.controller.abort();
    return this.work?.done;
  }

  private warm(): void {
    const { pool, repos, idle, owner, logger } = this.options;
    if (pool.size === 0 || this.stopped || this.work || !owner() || !idle()) return;
    const controller = new AbortController();
    const done = pool
      .refill(repos, () => this.stopped || !idle(), controller.signal)
      .catch((error: unknown) => logger.warn('the warm pool could not be prepared', { error: asDispatchError(error).message }))
      .finally(() => {
        if (this.work?.done === done) this.work = undefined;
      });
    this.work = { done, controller };
  }
}
