import { EventEmitter } from 'node:events';
import pg from 'pg';
import { z } from 'zod';
import { DispatchError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';

/**
 * Wake-ups between bridges. A wake-up says "look again", never "here is the work": the
 * database is the truth, so a lost notification loses no work — after a reconnect every
 * subscriber is told to re-read (`resync`).
 *
 * - `machine`: work waits for this machine (payload: the machine id); the bridge holding its link delivers it.
 * - `events`: stored events are waiting to be told in their threads (payload: a job or session id).
 * - `web`: a web chat user's history changed (payload: the user id).
 * - `answered`: a bridge answered a machine request another asked for (payload: the request id; machineRequests.ts).
 */
export const WAKE_TOPICS = ['machine', 'events', 'web', 'answered'] as const;
export type WakeTopic = (typeof WAKE_TOPICS)[number];

/** What a subscriber is told: an id to look at, or `resync` (anything may have been missed: re-read it all). */
export type Wake = { resync: false; payload: string } | { resync: true };
export type WakeHandler = (wake: Wake) => void;

export interface WakeBus {
  publish(topic: WakeTopic, payload: string): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(topic: WakeTopic, handler: WakeHandler): () => void;
  close(): Promise<void>;
}

/** Payloads are ids: short, printable, no spaces. Checked when sent and again when received from the database. */
export const wakePayload = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:@-]+$/, 'a wake-up payload is an id (letters, digits, _ . : @ -)');

function checkedPayload(topic: WakeTopic, payload: string): string {
  const parsed = wakePayload.safeParse(payload);
  if (!parsed.success) throw new DispatchError('bad_input', `Not a ${topic} wake-up id: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
  return parsed.data;
}

/** The channel a topic is sent on (one namespace per deployment would be a prefix here). */
export function channelOf(topic: WakeTopic): string {
  return `dispatch_${topic}`;
}

/** One bridge (SQLite): a plain emitter; a publish reaches this process's subscribers. */
export class InProcessWakeBus implements WakeBus {
  private readonly emitter = new EventEmitter();

  constructor(private readonly logger: Logger = silentLogger) {
    this.emitter.setMaxListeners(0);
  }

  async publish(topic: WakeTopic, payload: string): Promise<void> {
    const id = checkedPayload(topic, payload);
    // After the caller's write, like a NOTIFY after its commit: handlers run on a later tick.
    queueMicrotask(() => this.emitter.emit(topic, { resync: false, payload: id } satisfies Wake));
  }

  subscribe(topic: WakeTopic, handler: WakeHandler): () => void {
    const safe = (wake: Wake): void => callSafely(handler, wake, topic, this.logger);
    this.emitter.on(topic, safe);
    return () => this.emitter.off(topic, safe);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

export interface PgWakeBusOptions {
  connectionString: string;
  logger?: Logger;
  /** First wait before reconnecting; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Shows in pg_stat_activity (which bridge listens). */
  applicationName?: string;
}

/**
 * Several bridges on PostgreSQL: LISTEN on one dedicated connection, NOTIFY through a
 * small pool (so a publish does not wait on, or die with, the listening connection).
 * When the listening connection drops it reconnects with backoff, listens again, and
 * tells every subscriber `resync`, since notifications sent meanwhile are gone.
 */
export class PgWakeBus implements WakeBus {
  private readonly handlers = new Map<WakeTopic, Set<WakeHandler>>();
  private readonly publisher: pg.Pool;
  private readonly logger: Logger;
  private listener: pg.Client | undefined;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  /** Resolves on the next (re)connection; tests and callers may wait for it. */
  private connectedWaiters: (() => void)[] = [];

  private constructor(private readonly options: PgWakeBusOptions) {
    this.logger = options.logger ?? silentLogger;
    this.publisher = new pg.Pool({ connectionString: options.connectionString, max: 2, ...(options.applicationName ? { application_name: `${options.applicationName}:notify` } : {}) });
    this.publisher.on('error', (error) => this.logger.warn('wake-up publisher connection failed', { error: error.message }));
  }

  /** Connects and listens on every topic; fails with a clear message when the database is unreachable. */
  static async connect(options: PgWakeBusOptions): Promise<PgWakeBus> {
    const bus = new PgWakeBus(options);
    try {
      await bus.listen();
    } catch (thrown) {
      await bus.publisher.end().catch(() => undefined);
      throw new DispatchError('offline', `Could not listen for wake-ups on the database: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
    return bus;
  }

  /** The server process id of the listening connection (what pg_terminate_backend takes), while connected. */
  get listenerPid(): number | undefined {
    return (this.listener as unknown as { processID?: number } | undefined)?.processID;
  }

  async publish(topic: WakeTopic, payload: string): Promise<void> {
    const id = checkedPayload(topic, payload);
    await this.publisher.query('SELECT pg_notify($1, $2)', [channelOf(topic), id]);
  }

  subscribe(topic: WakeTopic, handler: WakeHandler): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(handler);
    return () => void set.delete(handler);
  }

  /** Resolves once the listening connection is up again (at once when it is up). */
  whenConnected(): Promise<void> {
    if (this.listener) return Promise.resolve();
    return new Promise((resolve) => this.connectedWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    this.handlers.clear();
    await listener?.end().catch(() => undefined);
    await this.publisher.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, ...(this.options.applicationName ? { application_name: `${this.options.applicationName}:listen` } : {}) });
    let dropped = false;
    const drop = (why: string): void => {
      if (dropped) return;
      dropped = true;
      if (this.listener === client) this.listener = undefined;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn('wake-up connection lost; reconnecting', { why });
        this.scheduleReconnect();
      }
    };
    client.on('error', (error) => drop(error.message));
    client.on('end', () => drop('connection ended'));
    client.on('notification', (message) => this.onNotification(message.channel, message.payload));
    await client.connect();
    for (const topic of WAKE_TOPICS) await client.query(`LISTEN ${channelOf(topic)}`);
    if (this.closed || dropped) {
      await client.end().catch(() => undefined);
      if (dropped) throw new DispatchError('offline', 'The wake-up connection dropped while it was being set up.');
      return;
    }
    this.listener = client;
    this.attempts = 0;
    for (const resolve of this.connectedWaiters.splice(0)) resolve();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const base = this.options.backoffMs ?? 200;
    const wait = Math.min(base * 2 ** this.attempts, this.options.maxBackoffMs ?? 10_000);
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.listen().then(
        () => {
          if (this.closed) return;
          this.logger.info('wake-up connection restored; subscribers re-read the database');
          this.resyncAll();
        },
        (error: unknown) => {
          this.logger.warn('wake-up reconnect failed', { error: error instanceof Error ? error.message : String(error), attempt: this.attempts });
          this.scheduleReconnect();
        },
      );
    }, wait);
  }

  private resyncAll(): void {
    for (const [topic, set] of this.handlers) for (const handler of [...set]) callSafely(handler, { resync: true }, topic, this.logger);
  }

  private onNotification(channel: string, payload: string | undefined): void {
    const topic = WAKE_TOPICS.find((candidate) => channelOf(candidate) === channel);
    if (!topic) return;
    // Anyone who can reach the database can NOTIFY: a payload is checked like any input.
    const parsed = wakePayload.safeParse(payload);
    if (!parsed.success) {
      this.logger.warn('ignored a malformed wake-up', { topic, length: payload?.length ?? 0 });
      return;
    }
    for (const handler of [...(this.handlers.get(topic) ?? [])]) callSafely(handler, { resync: false, payload: parsed.data }, topic, this.logger);
  }
}

function callSafely(handler: WakeHandler, wake: Wake, topic: WakeTopic, logger: Logger): void {
  try {
    handler(wake);
  } catch (error) {
    logger.error('a wake-up handler failed', { topic, error: error instanceof Error ? error.message : String(error) });
  }
}
