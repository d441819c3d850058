import type WebSocket from 'ws';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { DispatchError, asDispatchError, type ErrorCode } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { PROTOCOL_VERSION, bridgeToRunner, runnerToBridge } from '../../../shared/protocol/bridgeRunner.js';
import { call, handle } from '../../../shared/protocol/rpc.js';
import type { Runner } from '../runner.js';
import { connectToBridge } from './bridgeClient.js';
import type { MachineIdentity } from './machineIdentity.js';

export type LinkStatus = 'connecting' | 'online' | 'offline';

export interface BridgeLinkOptions {
  bridgeUrl: string;
  token: string;
  runner: Runner;
  identity: MachineIdentity;
  agent: string;
  logger: Logger;
  /** Reconnect delays grow from min to max (with jitter). */
  backoff?: { minMs: number; maxMs: number };
}

const EVENT_BATCH = 500;

/**
 * The runner's end of the machine link. It dials out, says hello, resyncs (takes jobs
 * the bridge still holds, replays events the bridge has not acknowledged), then takes
 * offers, decisions, cancels and follow-ups. The runner keeps working while the link is
 * down; reconnects back off up to `backoff.maxMs`.
 */
export class BridgeLink {
  private connection: MessageConnection | undefined;
  private socket: WebSocket | undefined;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private flushAgain = false;
  private currentStatus: LinkStatus = 'offline';
  private currentPaired: boolean | undefined;
  private readonly pairedListeners = new Set<(paired: boolean) => void>();
  private readonly statusListeners = new Set<(status: LinkStatus, detail?: string, code?: ErrorCode) => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly options: BridgeLinkOptions) {
    this.unsubscribe = options.runner.onEvent(() => void this.flush());
  }

  get status(): LinkStatus {
    return this.currentStatus;
  }

  /** Whether any chat user is paired with this machine (unknown until the first hello). */
  get paired(): boolean | undefined {
    return this.currentPaired;
  }

  onPairedChange(listener: (paired: boolean) => void): () => void {
    this.pairedListeners.add(listener);
    return () => this.pairedListeners.delete(listener);
  }

  onStatus(listener: (status: LinkStatus, detail?: string, code?: ErrorCode) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.unsubscribe();
    this.connection?.dispose();
    this.socket?.close();
    this.setStatus('offline');
  }

  /** Asks the bridge for a pairing code for this machine. */
  async createPairingCode(): Promise<{ code: string; expiresAt: number }> {
    if (!this.connection) throw new DispatchError('offline', 'Not connected to the bridge yet.');
    return call(this.connection, runnerToBridge, 'pairing/create', {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const { logger, runner } = this.options;
    this.setStatus('connecting');
    try {
      const { socket, connection } = await connectToBridge(this.options.bridgeUrl, this.options.token);
      if (this.stopped) {
        socket.close();
        return;
      }
      this.socket = socket;
      socket.on('close', () => this.lost(connection));
      this.registerHandlers(connection);
      const hello = await call(connection, runnerToBridge, 'machine/hello', {
        protocolVersion: PROTOCOL_VERSION,
        machineId: this.options.identity.machineId,
        machineName: this.options.identity.machineName,
        platform: process.platform,
        agent: this.options.agent,
        repos: runner.repositories().map((repo) => ({ name: repo.name, default: repo.default })),
        role: 'runner',
      });
      const { offers } = await call(connection, runnerToBridge, 'machine/resync', {
        sessions: runner.sessions().map((session) => ({ sessionId: session.sessionId, state: session.state, lastSeq: session.lastSeq })),
      });
      this.connection = connection;
      this.attempt = 0;
      this.setPaired(hello.paired);
      this.setStatus('online');
      logger.info('connected to the bridge', { offers: offers.length });
      for (const job of offers) await runner.submit(job).catch((error) => logger.warn('an offered job was refused', { jobId: job.jobId, error: asDispatchError(error).message }));
      await this.flush();
    } catch (error) {
      const { message, code } = asDispatchError(error);
      logger.warn('bridge link failed', { error: message });
      this.setStatus('offline', message, code);
      this.scheduleReconnect();
    }
  }

  private registerHandlers(connection: MessageConnection): void {
    const { runner } = this.options;
    handle(connection, bridgeToRunner, 'job/offer', async ({ job }) => {
      try {
        return { accepted: true, snapshot: await runner.submit(job) };
      } catch (error) {
        return { accepted: false, error: asDispatchError(error).message };
      }
    });
    handle(connection, bridgeToRunner, 'approval/decide', ({ sessionId, decision }) => {
      runner.decide(sessionId, decision);
      return { ok: true as const };
    });
    handle(connection, bridgeToRunner, 'session/cancel', async ({ sessionId }) => {
      await runner.cancel(sessionId);
      return { ok: true as const };
    });
    handle(connection, bridgeToRunner, 'machine/didChange', ({ paired }) => {
      this.setPaired(paired);
      return { ok: true as const };
    });
    handle(connection, bridgeToRunner, 'session/followUp', async ({ sessionId, text }) => {
      await runner.followUp(sessionId, text);
      return { ok: true as const };
    });
  }

  /** Sends every unacknowledged event, in order, until none is left (single-flight). */
  private flush(): Promise<void> {
    if (this.flushing) {
      this.flushAgain = true;
      return this.flushing;
    }
    // `.finally` runs after the assignment even when there is nothing to send.
    this.flushing = this.sendUnacknowledged().finally(() => {
      this.flushing = undefined;
      // An event that arrived after the last check must not wait for the next one.
      if (this.flushAgain && this.connection) void this.flush();
    });
    return this.flushing;
  }

  private async sendUnacknowledged(): Promise<void> {
    try {
      do {
        this.flushAgain = false;
        for (;;) {
          const connection = this.connection;
          const pending = this.options.runner.unacknowledged().slice(0, EVENT_BATCH);
          if (!connection || pending.length === 0) break;
          const { acked } = await call(connection, runnerToBridge, 'session/events', { events: pending });
          for (const ack of acked) this.options.runner.acknowledge(ack.sessionId, ack.throughSeq);
        }
      } while (this.flushAgain);
    } catch (error) {
      // The link broke mid-send: the events stay journaled and go out after the next resync.
      this.options.logger.warn('sending events failed; will resend', { error: asDispatchError(error).message });
    }
  }

  private lost(connection: MessageConnection): void {
    connection.dispose();
    if (this.connection === connection) this.connection = undefined;
    if (this.stopped) return;
    this.options.logger.warn('bridge link lost; reconnecting');
    this.setStatus('offline', 'link lost');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retryTimer?.hasRef()) return;
    const { minMs, maxMs } = this.options.backoff ?? { minMs: 500, maxMs: 30_000 };
    const delay = Math.min(maxMs, minMs * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
  }

  private setPaired(paired: boolean): void {
    if (paired === this.currentPaired) return;
    this.currentPaired = paired;
    for (const listener of this.pairedListeners) listener(paired);
  }

  /** `code`: why the last attempt failed (`unauthorized`: the bridge refused the token). */
  private setStatus(status: LinkStatus, detail?: string, code?: ErrorCode): void {
    this.currentStatus = status;
    for (const listener of this.statusListeners) listener(status, detail, code);
  }
}
