import type WebSocket from 'ws';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { DispatchError, asDispatchError, type ErrorCode } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';
import { LINK_DEAD_MS, LINK_PING_MS, LinkClose, PROTOCOL_VERSION, bridgeToRunner, runnerToBridge } from '../../../shared/protocol/bridgeRunner.js';
import { watchLiveness } from '../../../shared/protocol/liveness.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, call, handle } from '../../../shared/protocol/rpc.js';
import type { Runner } from '../runner.js';
import { REVOKED_MESSAGE } from './bridgeClient.js';
import { MachineCredential, dialAsMachine } from './machineCredential.js';
import { RepoVocabularyFeed, type VocabularyBuilder } from './repoVocabularyFeed.js';
import type { RepoVocabulary } from '../../../shared/routing/context.js';
import type { MachineIdentity } from './machineIdentity.js';
import { BridgeRotation } from './bridgeRotation.js';
import { closeReason, EVENT_BATCH_BYTES, resyncSessions, VOCABULARY_BUDGET, vocabularySize, withinBytes } from './linkMessages.js';

export type LinkStatus = 'connecting' | 'online' | 'offline';

export interface BridgeLinkOptions {
  /**
   * The bridge, or several separated by commas (bridges sharing one database): the link
   * holds one at a time and, when it fails, tries the next in order, wrapping around.
   */
  bridgeUrl: string;
  /** Where `bridgeUrl` came from (`--bridge`, `dispatch.bridgeUrl`), for the error a bad entry makes. */
  bridgeSetting?: string;
  /** The bridge's registration token (DISPATCH_RUNNER_TOKEN): used only until the machine has its own credential. */
  token: string;
  runner: Runner;
  identity: MachineIdentity;
  agent: string;
  logger: Logger;
  /** Reconnect delays grow from min to max (with jitter), once per full round of the bridges. */
  backoff?: { minMs: number; maxMs: number };
  /** Ping interval, dead time and request timeout of the link (tests shorten them). */
  timings?: { pingMs?: number; deadMs?: number; requestTimeoutMs?: number };
  /**
   * The repositories' vocabularies for the bridge's router: how to build one, how long a
   * hello waits for the first builds (default 300 ms; the rest follow in
   * `machine/didUpdateRepos`), and how often they are rebuilt.
   */
  vocabulary?: { build?: VocabularyBuilder; helloWaitMs?: number; refreshMs?: number };
}

const EVENT_BATCH = 500;

/**
 * The runner's end of the machine link. It dials out, says hello, resyncs (takes jobs
 * the bridge still holds, replays events the bridge has not acknowledged), then takes
 * offers, decisions, cancels and follow-ups. The runner keeps working while the link is
 * down; reconnects back off up to `backoff.maxMs`. With several bridges, a failed link
 * moves straight on to the next one and backs off only after a round where none
 * answered; a bridge that works is kept until it fails.
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
  private readonly credential: MachineCredential;
  /** Set when retrying cannot help (revoked, replaced, refused): no reconnects until start() again. */
  private halted = false;
  private readonly vocabularies: RepoVocabularyFeed;
  /** What this connection's bridge has of each vocabulary (reset on every connection). */
  private sentVocabularies = new Map<string, RepoVocabulary>();
  private sendingVocabularies: Promise<void> = Promise.resolve();
  /** Which of the listed bridges is dialled (or held) now. */
  private readonly bridges: BridgeRotation;

  constructor(private readonly options: BridgeLinkOptions) {
    this.bridges = new BridgeRotation(options.bridgeUrl, options.bridgeSetting);
    this.credential = new MachineCredential(options.identity);
    this.vocabularies = new RepoVocabularyFeed({
      repos: options.runner.repositories(),
      logger: options.logger,
      ...(options.vocabulary?.build ? { build: options.vocabulary.build } : {}),
      ...(options.vocabulary?.refreshMs !== undefined ? { refreshMs: options.vocabulary.refreshMs } : {}),
    });
    const offEvent = options.runner.onEvent(() => void this.flush());
    const offVocabulary = this.vocabularies.onBuilt(() => void this.sendVocabularies());
    this.unsubscribe = () => {
      offEvent();
      offVocabulary();
    };
  }

  private get timeout(): { timeoutMs: number } {
    return { timeoutMs: this.options.timings?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };
  }

  get status(): LinkStatus {
    return this.currentStatus;
  }

  /** The bridge this link is connected to (or dialling), as the status shows it: no credentials. */
  get bridgeUrl(): string {
    return this.bridges.label;
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
    this.halted = false;
    void this.vocabularies.start();
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.unsubscribe();
    this.vocabularies.stop();
    this.connection?.dispose();
    this.socket?.close();
    this.setStatus('offline');
  }

  /** Asks the bridge for a pairing code for this machine. */
  async createPairingCode(): Promise<{ code: string; expiresAt: number }> {
    if (!this.connection) throw new DispatchError('offline', 'Not connected to the bridge yet.');
    return call(this.connection, runnerToBridge, 'pairing/create', {}, this.timeout);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.halted) return;
    const { logger, runner } = this.options;
    const bridge = this.bridgeUrl;
    this.setStatus('connecting');
    let opened: WebSocket | undefined;
    try {
      const { socket, connection, registering } = await dialAsMachine(this.bridges.current, this.credential, () => this.options.token || undefined);
      if (this.stopped) {
        socket.close();
        return;
      }
      this.socket = socket;
      opened = socket;
      socket.on('close', (code, reason) => this.lost(socket, connection, code, reason.toString()));
      watchLiveness(socket, {
        pingMs: this.options.timings?.pingMs ?? LINK_PING_MS,
        deadMs: this.options.timings?.deadMs ?? LINK_DEAD_MS,
        onDead: () => logger.warn('the bridge link went silent; reconnecting', { bridge }),
      });
      this.registerHandlers(connection);
      const repos = await this.reposForHello();
      const hello = await call(
        connection,
        runnerToBridge,
        'machine/hello',
        {
          protocolVersion: PROTOCOL_VERSION,
          machineId: this.options.identity.machineId,
          machineName: this.options.identity.machineName,
          platform: process.platform,
          agent: this.options.agent,
          repos,
          role: 'runner',
        },
        this.timeout,
      );
      if (hello.credential) {
        this.credential.keep(hello.credential);
        runner.maskSecret(hello.credential);
        logger.info('registered with the bridge; this machine now has its own credential', { registering, bridge });
      }
      const { offers } = await call(
        connection,
        runnerToBridge,
        'machine/resync',
        { sessions: resyncSessions(runner) },
        this.timeout,
      );
      this.connection = connection;
      this.attempt = 0;
      this.bridges.succeeded();
      this.setPaired(hello.paired);
      this.setStatus('online');
      logger.info('connected to the bridge', { offers: offers.length, bridge });
      // Older bridges hand jobs over here; current ones offer each with job/offer, which answers refusals.
      for (const job of offers) await runner.submit(job).catch((error) => logger.warn('an offered job was refused', { jobId: job.jobId, error: asDispatchError(error).message }));
      await this.flush();
      await this.sendVocabularies();
    } catch (error) {
      const refused = asDispatchError(error);
      logger.warn('bridge link failed', { error: refused.message, bridge });
      // A socket that closed under the hello was already handled (and failed over) by lost().
      const alreadyLost = opened !== undefined && this.socket !== opened;
      if (opened && this.socket === opened) {
        // A half-made link (hello refused, resync timed out) is closed here; its close is no news.
        this.socket = undefined;
        opened.terminate();
      }
      // Refusals that retrying cannot fix (revoked, another machine's id) stop the link until someone acts.
      if (refused.code === 'forbidden') this.halt(refused.message, refused.code);
      else {
        this.setStatus('offline', refused.message, refused.code);
        if (!alreadyLost) this.retry();
      }
    }
  }

  /** The repositories, with the vocabularies built so far (a big repository's may follow the hello). */
  private async reposForHello(): Promise<{ name: string; default: boolean; vocabulary?: RepoVocabulary }[]> {
    const wait = this.options.vocabulary?.helloWaitMs ?? 300;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.vocabularies.start(), new Promise<void>((resolve) => (timer = setTimeout(resolve, wait)))]);
    clearTimeout(timer);
    const built = this.vocabularies.current();
    this.sentVocabularies = new Map();
    let budget = VOCABULARY_BUDGET;
    return this.options.runner.repositories().map((repo) => {
      const vocabulary = built.get(repo.name);
      const size = vocabulary ? vocabularySize(vocabulary) : 0;
      if (!vocabulary || size > budget) return { name: repo.name, default: repo.default };
      budget -= size;
      this.sentVocabularies.set(repo.name, vocabulary);
      return { name: repo.name, default: repo.default, vocabulary };
    });
  }

  /** Sends the vocabularies this connection's bridge lacks, in messages under the budget (one flight at a time). */
  private sendVocabularies(): Promise<void> {
    this.sendingVocabularies = this.sendingVocabularies.then(async () => {
      for (;;) {
        const connection = this.connection;
        if (!connection) return;
        const batch: { name: string; vocabulary: RepoVocabulary }[] = [];
        let budget = VOCABULARY_BUDGET;
        for (const [name, vocabulary] of this.vocabularies.current()) {
          if (this.sentVocabularies.get(name) === vocabulary) continue;
          const size = vocabularySize(vocabulary);
          if (batch.length > 0 && size > budget) break;
          batch.push({ name, vocabulary });
          budget -= size;
        }
        if (batch.length === 0) return;
        try {
          await call(connection, runnerToBridge, 'machine/didUpdateRepos', { repos: batch }, this.timeout);
        } catch (error) {
          // The next connection's hello carries them.
          this.options.logger.warn('sending repository vocabularies failed', { error: asDispatchError(error).message });
          return;
        }
        if (this.connection !== connection) return;
        for (const { name, vocabulary } of batch) this.sentVocabularies.set(name, vocabulary);
      }
    });
    return this.sendingVocabularies;
  }

  private registerHandlers(connection: MessageConnection): void {
    const { runner } = this.options;
    handle(connection, bridgeToRunner, 'job/offer', async ({ job }) => {
      try {
        return { accepted: true, snapshot: await runner.submit(job) };
      } catch (error) {
        const refused = asDispatchError(error);
        this.options.logger.warn('refused an offered job', { jobId: job.jobId, error: refused.message });
        return { accepted: false, error: refused.message, code: refused.code };
      }
    });
    handle(connection, bridgeToRunner, 'approval/decide', ({ sessionId, decision }) => {
      runner.decide(sessionId, decision);
      return { ok: true as const };
    });
    handle(connection, bridgeToRunner, 'approval/endGrant', ({ sessionId, grantId }) => ({ ended: runner.endGrant(sessionId, grantId) }));
    handle(connection, bridgeToRunner, 'session/cancel', async ({ sessionId }) => {
      await runner.cancel(sessionId);
      return { ok: true as const };
    });
    handle(connection, bridgeToRunner, 'machine/didChange', ({ paired, notice }) => {
      if (notice) this.options.logger.warn(notice);
      this.setPaired(paired);
      return { ok: true as const };
    });
    handle(connection, bridgeToRunner, 'session/followUp', async ({ sessionId, text }) => {
      await runner.followUp(sessionId, text);
      return { ok: true as const };
    });
    handle(connection, bridgeToRunner, 'session/ship', ({ sessionId, action, draft, threadUrl, requester }) =>
      runner.ship(sessionId, { action, draft, requester, ...(threadUrl ? { threadUrl } : {}) }),
    );
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
          const pending = withinBytes(this.options.runner.unacknowledged().slice(0, EVENT_BATCH), EVENT_BATCH_BYTES);
          if (!connection || pending.length === 0) break;
          const { acked } = await call(connection, runnerToBridge, 'session/events', { events: pending }, this.timeout);
          for (const ack of acked) this.options.runner.acknowledge(ack.sessionId, ack.throughSeq);
        }
      } while (this.flushAgain);
    } catch (error) {
      // The link broke mid-send: the events stay journaled and go out after the next resync.
      this.options.logger.warn('sending events failed; will resend', { error: asDispatchError(error).message });
    }
  }

  private lost(socket: WebSocket, connection: MessageConnection, code: number, reason: string): void {
    connection.dispose();
    // A socket this link already replaced closing late is no news.
    if (socket !== this.socket) return;
    this.socket = undefined;
    if (this.connection === connection) this.connection = undefined;
    if (this.stopped) return;
    const why = closeReason(code, reason);
    if (code === LinkClose.revoked) return this.halt(REVOKED_MESSAGE);
    if (code === LinkClose.replaced) {
      return this.halt('Another runner connected to the bridge as this machine (same machine id), so this one stepped back. Run one runner per DISPATCH_HOME.');
    }
    this.options.logger.warn('bridge link lost; reconnecting', { code, reason: why, bridge: this.bridgeUrl });
    this.setStatus('offline', `link lost: ${why}`);
    this.retry();
  }

  /**
   * After a failed or lost link: the next bridge at once, or — once every bridge of this
   * round has failed (always, with one bridge) — the same order again after the backoff.
   */
  private retry(): void {
    if (this.stopped || this.halted) return;
    if (this.bridges.failed() === 'backoff') return this.scheduleReconnect();
    this.options.logger.info('trying the next bridge', { bridge: this.bridgeUrl });
    this.scheduleReconnect('now');
  }

  private halt(message: string, code?: ErrorCode): void {
    this.halted = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.options.logger.error('the bridge link stopped', { error: message });
    this.setStatus('offline', message, code);
  }

  /** `now`: the next bridge of a round is dialled without waiting, and without growing the backoff. */
  private scheduleReconnect(when: 'backoff' | 'now' = 'backoff'): void {
    if (this.stopped || this.halted || this.retryTimer?.hasRef()) return;
    const { minMs, maxMs } = this.options.backoff ?? { minMs: 500, maxMs: 30_000 };
    const delay = when === 'now' ? 0 : Math.min(maxMs, minMs * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    if (when === 'backoff') this.attempt += 1;
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
