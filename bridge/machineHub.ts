import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Clock } from '../shared/clock.js';
import { DispatchError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import {
  LINK_DEAD_MS,
  LINK_PING_MS,
  LinkClose,
  MAX_LINK_FRAME_BYTES,
  PROTOCOL_VERSION,
  REVOKED_STATUS,
  RUNNER_PATH,
  bridgeToRunner,
  runnerToBridge,
} from '../shared/protocol/bridgeRunner.js';
import { watchLiveness } from '../shared/protocol/liveness.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, SocketMessageReader, SocketMessageWriter, call, handle } from '../shared/protocol/rpc.js';
import type { ApprovalDecision, SessionEvent } from '../shared/sessions.js';
import { MachineCredentials, type LinkAuth } from './machineCredentials.js';
import { KeyedSerial } from './keyedSerial.js';
import { JobOffers } from './jobOffers.js';
import { LinkChecks } from './linkChecks.js';
import { refuseForeignJobs } from './ownJobs.js';
import { Redelivery } from './redelivery.js';
import type { ShipAnswer, ShipParams } from './machineLinks.js';
import type { Pairing } from './pairing.js';
import type { JobRecord, Store } from './store/store.js';

export interface MachineHubEvents {
  /** New (never seen) events were stored for these jobs. */
  eventsStored(jobIds: string[]): void;
  /** The runner refused a job (bad repo, bad task); `error` says why and what to do. */
  jobRejected(job: JobRecord, error: string): void;
  machineOnline(machineId: string): void;
  /** A machine's link closed or went silent; `why` is for people. */
  machineOffline?(machineId: string, why: string): void;
  /** A machine was revoked (from the chat, or noticed on its live link after `dispatch machines revoke`). */
  machineRevoked?(machineId: string): void;
}

/** Where the hub records which machines it holds, for the other bridges (machine_links on PostgreSQL). */
export interface LinkRecorder {
  linked(machineId: string): Promise<void>;
  /** Only this bridge's row goes: the machine may have moved to another bridge. */
  unlinked(machineId: string): Promise<void>;
}

/** Timings of the link (tests shorten them). */
export interface LinkTimings {
  pingMs?: number;
  deadMs?: number;
  requestTimeoutMs?: number;
}

interface Link {
  machineId: string;
  connection: MessageConnection;
  socket: WebSocket;
}

/** How long a push plus a pull request may take on the machine before the chat hears it timed out. */
const SHIP_TIMEOUT_MS = 150_000;

/** Ws's own ceiling well above ours, so our reader can close oversized frames with a readable reason. */
const WS_MAX_PAYLOAD = 4 * MAX_LINK_FRAME_BYTES;

/**
 * The bridge's end of the machine link: accepts runners on `/runner` (token checked
 * before the upgrade), binds each connection to the one machine its credential names,
 * stores what it reports, and offers it jobs, decisions, cancels and follow-ups.
 * Everything it receives is stored before it is acknowledged.
 */
export class MachineHub {
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_PAYLOAD });
  private readonly links = new Map<string, Link>();
  private readonly credentials: MachineCredentials;
  private readonly timeoutMs: number;
  private readonly redelivery: Redelivery;
  private readonly hellos = new KeyedSerial();
  private readonly linkChecks: LinkChecks;
  private readonly offers: JobOffers;
  /** Offers on their way to a runner, by job id. */
  private readonly offering = new Map<string, Promise<void>>();

  constructor(
    private readonly options: {
      store: Store;
      pairing: Pairing;
      /** The registration token (DISPATCH_RUNNER_TOKEN): lets a new machine register once. */
      runnerToken: string;
      clock: Clock;
      logger: Logger;
      version: string;
      on: MachineHubEvents;
      timings?: LinkTimings;
      /** Several bridges: each accepted hello and each close is recorded for the others. */
      recorder?: LinkRecorder;
    },
  ) {
    this.credentials = new MachineCredentials(options.store, options.runnerToken, options.clock);
    this.timeoutMs = options.timings?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.linkChecks = new LinkChecks({ store: options.store, clock: options.clock, logger: options.logger });
    this.offers = new JobOffers({ store: options.store, clock: options.clock, logger: options.logger, timeoutMs: this.timeoutMs, connectionOf: (id) => this.links.get(id)?.connection, jobRejected: (job, error) => options.on.jobRejected(job, error) });
    this.redelivery = new Redelivery({ store: options.store, logger: options.logger, isLinked: (id) => this.links.has(id), offer: (job) => this.offer(job), decide: (job, decision) => this.decide(job, decision) });
  }

  /** Online through this bridge's own link (the cluster's view is remoteMachines.ts). */
  isOnline(machineId: string): boolean {
    return this.links.has(machineId);
  }

  /** The machines whose live link is on this bridge. */
  linkedMachines(): string[] {
    return [...this.links.keys()];
  }

  /** Takes the WebSocket upgrade for `/runner`; refuses an unknown token with 401, a revoked credential with 403. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(request.url ?? '/', 'http://bridge').pathname !== RUNNER_PATH) return false;
    const header = request.headers.authorization ?? '';
    // The path is ours, so the upgrade is taken now; the credential is looked up in the store
    // (asynchronous) before the socket is answered. A lookup that fails refuses with 503.
    this.credentials.authenticate(header.startsWith('Bearer ') ? header.slice(7) : '').then(
      (auth) => this.answerUpgrade(request, socket, head, auth),
      (error: unknown) => {
        this.options.logger.error('runner refused: credential lookup failed', { error: String(error) });
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      },
    );
    return true;
  }

  private answerUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, auth: LinkAuth): void {
    if (auth.kind === 'unknown' || auth.kind === 'revoked') {
      const revoked = auth.kind === 'revoked';
      this.options.logger.warn(revoked ? 'runner refused: revoked machine' : 'runner refused: bad token', {
        remote: request.socket.remoteAddress,
        ...(revoked ? { machineId: auth.machineId } : {}),
      });
      const status = revoked ? `${REVOKED_STATUS} Forbidden` : '401 Unauthorized';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.accept(ws, auth));
  }

  /**
   * Offers a stored job to its machine if it is online; the job stays `waiting` otherwise.
   * An offer of the same job still in flight (the dispatcher's, and a sweep or wake-up that
   * found the job still waiting meanwhile) is joined, not sent twice: under load the second
   * one doubled the link's and the store's work in the very window the runner waits on.
   */
  offer(job: JobRecord): Promise<void> {
    const inFlight = this.offering.get(job.id);
    if (inFlight) return inFlight;
    if (!this.links.has(job.machineId)) return Promise.resolve();
    const offered = this.offers.offer(job).finally(() => this.offering.delete(job.id));
    this.offering.set(job.id, offered);
    return offered;
  }

  async decide(job: JobRecord, decision: ApprovalDecision): Promise<boolean> {
    return this.send(job.machineId, (connection) => call(connection, bridgeToRunner, 'approval/decide', { sessionId: job.id, decision }, { timeoutMs: this.timeoutMs }));
  }

  async endGrant(job: JobRecord, grantId: string): Promise<'ended' | 'gone' | 'offline'> {
    const link = this.links.get(job.machineId);
    if (!link) return 'offline';
    const answer = await call(link.connection, bridgeToRunner, 'approval/endGrant', { sessionId: job.id, grantId }, { timeoutMs: this.timeoutMs });
    return answer.ended ? 'ended' : 'gone';
  }

  async cancel(job: JobRecord): Promise<boolean> {
    return this.send(job.machineId, (connection) => call(connection, bridgeToRunner, 'session/cancel', { sessionId: job.id }, { timeoutMs: this.timeoutMs }));
  }

  async followUp(job: JobRecord, text: string): Promise<boolean> {
    return this.send(job.machineId, (connection) => call(connection, bridgeToRunner, 'session/followUp', { sessionId: job.id, text }, { timeoutMs: this.timeoutMs }));
  }

  /** A push and a pull request talk to remote servers: they get longer than an ordinary request. */
  async ship(job: JobRecord, params: ShipParams): Promise<ShipAnswer | false> {
    const link = this.links.get(job.machineId);
    if (!link) return false;
    return call(link.connection, bridgeToRunner, 'session/ship', { sessionId: job.id, ...params }, { timeoutMs: Math.max(this.timeoutMs, SHIP_TIMEOUT_MS) });
  }

  async pairingChanged(machineId: string): Promise<void> {
    const paired = (await this.options.store.countPairings(machineId)) > 0;
    await this.send(machineId, (connection) => call(connection, bridgeToRunner, 'machine/didChange', { paired }, { timeoutMs: this.timeoutMs })).catch((error) =>
      this.options.logger.warn('telling a machine about pairing failed', { machineId, error: String(error) }),
    );
  }

  /** Revokes a machine: its credential stops connecting, its pairings go, and its live link is closed with the reason. */
  async revoke(machineId: string): Promise<boolean> {
    const revoked = await this.options.store.credentials.revoke(machineId, this.options.clock.now());
    await this.options.store.audit({ at: this.options.clock.now(), actor: 'admin', action: 'revoke_machine', detail: { machineId } });
    this.closeRevoked(machineId);
    if (revoked) this.options.on.machineRevoked?.(machineId);
    return revoked;
  }

  /** Closes the live link of a machine revoked in the store (here or on another bridge); false when it has none here. */
  closeRevoked(machineId: string): boolean {
    const link = this.links.get(machineId);
    if (link) closeFirmly(link.socket, LinkClose.revoked, 'This machine was revoked on the bridge.');
    return link !== undefined;
  }

  /** A note for the owner of every online machine (the runner logs it; the editor shows runner log lines). */
  async tellAll(notice: string): Promise<void> {
    for (const machineId of [...this.links.keys()]) await this.tell(machineId, notice);
  }

  /** A note for one machine's owner, if its link is here; failures are logged. */
  async tell(machineId: string, notice: string): Promise<boolean> {
    const paired = (await this.options.store.countPairings(machineId)) > 0;
    return this.send(machineId, (connection) => call(connection, bridgeToRunner, 'machine/didChange', { paired, notice }, { timeoutMs: this.timeoutMs })).catch((error) => {
      this.options.logger.warn('telling a machine failed', { machineId, error: String(error) });
      return false;
    });
  }

  close(): void {
    for (const link of this.links.values()) link.connection.dispose();
    for (const socket of this.sockets.clients) socket.terminate();
    this.links.clear();
    this.sockets.close();
  }

  private async send(machineId: string, action: (connection: MessageConnection) => Promise<unknown>): Promise<boolean> {
    const link = this.links.get(machineId);
    if (!link) return false;
    await action(link.connection);
    return true;
  }

  private accept(socket: WebSocket, auth: Exclude<LinkAuth, { kind: 'unknown' | 'revoked' }>): void {
    const { store, logger, clock } = this.options;
    const connection = createMessageConnection(new SocketMessageReader(socket, { maxFrameBytes: MAX_LINK_FRAME_BYTES }), new SocketMessageWriter(socket));
    // The machine this connection speaks for: known from its credential, or set by the hello that registers it.
    let machineId: string | undefined = auth.kind === 'machine' ? auth.machineId : undefined;
    let role: 'runner' | 'pairing' | undefined;
    /** Registered on this connection and not yet confirmed: the next request shows the runner got its credential. */
    let unconfirmed = false;
    let closed = false;
    const requireHello = async (): Promise<string> => {
      if (!machineId || !role) throw new DispatchError('unauthorized', 'Say machine/hello first.');
      const id = machineId;
      if (unconfirmed) {
        unconfirmed = false;
        await this.credentials.confirm(id);
      }
      return id;
    };
    const requireRunner = async (): Promise<string> => {
      const id = await requireHello();
      if (role !== 'runner') throw new DispatchError('forbidden', 'A pairing connection only asks for pairing codes.');
      return id;
    };
    const requireOwnJobs = (id: string, sessionIds: Iterable<string>): Promise<void> => refuseForeignJobs(store, logger, id, sessionIds);

    handle(connection, runnerToBridge, 'machine/hello', async (hello) => {
      if (hello.protocolVersion !== PROTOCOL_VERSION) {
        throw new DispatchError('bad_input', `This bridge speaks protocol ${PROTOCOL_VERSION}, the runner ${hello.protocolVersion}: update the older one.`);
      }
      if (machineId !== undefined && hello.machineId !== machineId) {
        logger.warn('runner claimed another machine’s id; refused', { machineId, claimed: hello.machineId });
        throw new DispatchError('forbidden', `This connection belongs to machine ${machineId}; it cannot speak for ${hello.machineId}. A machine can only speak for itself.`);
      }
      if (role !== undefined && hello.role !== role) throw new DispatchError('bad_input', `This connection already said hello as a ${role} connection.`);
      // One hello per machine at a time, in arrival order: the store is asynchronous, and the
      // newest connection must still be the one that ends up as the machine's link.
      return this.hellos.run(hello.machineId, async () => {
        let credential: string | undefined;
        if (machineId === undefined) {
          credential = await this.credentials.register(hello.machineId, (await store.getMachine(hello.machineId))?.name ?? hello.machineName);
          unconfirmed = true;
          logger.info('machine registered', { machineId: hello.machineId, machineName: hello.machineName });
        }
        machineId = hello.machineId;
        role = hello.role;
        const known = await store.getMachine(hello.machineId);
        if (hello.role === 'runner') {
          await store.upsertMachine({ id: hello.machineId, name: hello.machineName, platform: hello.platform, agent: hello.agent, repos: hello.repos, lastSeenAt: clock.now() });
          await store.saveRepoVocabularies(hello.machineId, hello.repos, clock.now());
          // The newest connection of a machine wins: the old one is usually a half-dead socket,
          // and closing it makes a runner still behind it notice at once.
          // A socket that closed during the awaits above must not be registered as the machine's live link.
          if (closed) throw new DispatchError('offline', 'The link closed during its hello.');
          const previous = this.links.get(hello.machineId);
          if (previous && previous.connection !== connection) {
            previous.connection.dispose();
            closeFirmly(previous.socket, LinkClose.replaced, 'A newer connection of this machine took over.');
          }
          this.links.set(hello.machineId, { machineId: hello.machineId, connection, socket });
          // Recorded before the hello is answered: once the runner is online, every bridge sees it.
          await this.options.recorder?.linked(hello.machineId).catch((error: unknown) => logger.warn('recording the machine’s link failed', { machineId: hello.machineId, error: String(error) }));
          logger.info('runner connected', { machineId, machineName: hello.machineName });
        } else if (!known) {
          // A pairing hello changes nothing about a known machine (it may come from another folder with other repos).
          await store.upsertMachine({ id: hello.machineId, name: hello.machineName, platform: hello.platform, agent: hello.agent, repos: hello.repos, lastSeenAt: clock.now() });
        }
        const paired = (await store.countPairings(hello.machineId)) > 0;
        return { bridgeVersion: this.options.version, protocolVersion: PROTOCOL_VERSION, paired, ...(credential ? { credential } : {}) };
      });
    });

    handle(connection, runnerToBridge, 'machine/resync', async ({ sessions }) => {
      const id = await requireRunner();
      await requireOwnJobs(id, sessions.map((session) => session.sessionId));
      const known = new Set(sessions.map((session) => session.sessionId));
      const waiting = (await store.listJobs({ machineId: id, delivery: 'waiting', limit: 1_000 })).reverse();
      for (const job of waiting) if (known.has(job.id)) await store.updateJob(job.id, { delivery: 'accepted' });
      // Offered one by one with job/offer, so a refusal (repo gone, agent missing) reaches its thread.
      const offers = waiting.filter((job) => !known.has(job.id) && job.state === 'queued');
      setImmediate(() => void this.redelivery.offerAll(id, offers));
      // Decisions taken while the machine was away reach it now (the runner ignores repeats).
      setImmediate(() => void this.redelivery.redeliverDecisions(id).catch((error) => logger.warn('redelivering decisions failed', { machineId: id, error: String(error) })));
      this.options.on.machineOnline(id);
      return { offers: [] };
    });

    handle(connection, runnerToBridge, 'session/events', async ({ events }) => {
      const id = await requireRunner();
      await requireOwnJobs(id, events.map((event) => event.sessionId));
      const bySession = new Map<string, SessionEvent[]>();
      for (const event of events) bySession.set(event.sessionId, [...(bySession.get(event.sessionId) ?? []), event]);
      const acked: { sessionId: string; throughSeq: number }[] = [];
      const changed: string[] = [];
      for (const [sessionId, batch] of bySession) {
        // recordEvents stores each (job, seq) once and returns only what this call added, so two
        // batches in flight at once (or a runner's resend) never notify an event twice.
        if ((await store.recordEvents(sessionId, batch)).length > 0) changed.push(sessionId);
        acked.push({ sessionId, throughSeq: Math.max(...batch.map((event) => event.seq)) });
      }
      if (changed.length > 0) this.options.on.eventsStored(changed);
      return { acked };
    });

    handle(connection, runnerToBridge, 'machine/didUpdateRepos', async ({ repos }) => {
      const id = await requireRunner();
      const known = new Set((await store.getMachine(id))?.repos.map((repo) => repo.name));
      const unknown = repos.find((repo) => !known.has(repo.name));
      if (unknown) throw new DispatchError('bad_input', `"${unknown.name}" is not one of this machine's repositories; nothing was stored.`);
      await store.saveRepoVocabularies(id, repos, clock.now());
      return { ok: true as const };
    });

    handle(connection, runnerToBridge, 'pairing/create', async () => this.options.pairing.createCode(await requireHello()));

    const stopWatching = watchLiveness(socket, {
      pingMs: this.options.timings?.pingMs ?? LINK_PING_MS,
      deadMs: this.options.timings?.deadMs ?? LINK_DEAD_MS,
      onDead: () => logger.warn('runner link went silent; closing it', { machineId }),
      onTick: () => {
        if (!machineId || role !== 'runner') return;
        const id = machineId;
        this.linkChecks.check(id, {
          live: () => !closed && role === 'runner',
          revoked: () => {
            role = undefined; // told once; the socket is closing
            closeFirmly(socket, LinkClose.revoked, 'This machine was revoked on the bridge.');
            this.options.on.machineRevoked?.(id);
          },
        });
      },
    });
    socket.on('close', (code, reason) => {
      closed = true;
      stopWatching();
      if (machineId && this.links.get(machineId)?.connection === connection) {
        this.links.delete(machineId);
        const gone = machineId;
        void this.options.recorder?.unlinked(gone).catch((error: unknown) => logger.warn('removing the machine’s link record failed', { machineId: gone, error: String(error) }));
        void store.touchMachine(machineId, clock.now()).catch((error) => logger.warn('recording last contact failed', { machineId, error: String(error) }));
        logger.info('runner disconnected', { machineId, code, ...(reason.length ? { reason: reason.toString() } : {}) });
        this.options.on.machineOffline?.(machineId, code === 1006 ? 'its link stopped answering' : 'its runner disconnected');
      }
      connection.dispose();
    });
    connection.onError(([error]) => logger.warn('runner link error', { error: error.message }));
    connection.listen();
  }

  /** Offers this machine's waiting jobs (woken by another bridge, or by the sweep); only if its link is here. */
  offerWaiting(machineId: string): Promise<void> {
    return this.redelivery.offerWaiting(machineId);
  }

  /** Sends the stored decisions of the machine's pending approvals again (the runner ignores repeats). */
  redeliverDecisions(machineId: string): Promise<void> {
    return this.redelivery.redeliverDecisions(machineId);
  }
}

/** Sends a close frame with the reason, then cuts the socket: a half-dead peer must not keep it open. */
function closeFirmly(socket: WebSocket, code: number, reason: string): void {
  socket.close(code, reason);
  setTimeout(() => socket.terminate(), 500).unref();
}

