import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Clock } from '../shared/clock.js';
import { DispatchError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { PROTOCOL_VERSION, RUNNER_PATH, bridgeToRunner, runnerToBridge } from '../shared/protocol/bridgeRunner.js';
import { SocketMessageReader, SocketMessageWriter, call, handle } from '../shared/protocol/rpc.js';
import type { ApprovalDecision, SessionEvent } from '../shared/sessions.js';
import type { Pairing } from './pairing.js';
import { jobSpecOf, type JobRecord, type Store } from './store/store.js';

export interface MachineHubEvents {
  /** New (never seen) events were stored for these jobs. */
  eventsStored(jobIds: string[]): void;
  /** The runner refused a job (bad repo, bad task). */
  jobRejected(job: JobRecord, error: string): void;
  machineOnline(machineId: string): void;
}

interface Link {
  machineId: string;
  connection: MessageConnection;
}

/**
 * The bridge's end of the machine link: accepts runners on `/runner` (token checked
 * before the upgrade), stores what they report, and offers them jobs, decisions,
 * cancels and follow-ups. Everything it receives is stored before it is acknowledged.
 */
export class MachineHub {
  private readonly sockets = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  private readonly links = new Map<string, Link>();
  private readonly tokenDigest: Buffer;

  constructor(
    private readonly options: {
      store: Store;
      pairing: Pairing;
      runnerToken: string;
      clock: Clock;
      logger: Logger;
      version: string;
      on: MachineHubEvents;
    },
  ) {
    this.tokenDigest = digest(options.runnerToken);
  }

  isOnline(machineId: string): boolean {
    return this.links.has(machineId);
  }

  /** Takes the WebSocket upgrade for `/runner`; refuses a missing or wrong token with 401. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (new URL(request.url ?? '/', 'http://bridge').pathname !== RUNNER_PATH) return false;
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!timingSafeEqual(digest(token), this.tokenDigest)) {
      this.options.logger.warn('runner refused: bad token', { remote: request.socket.remoteAddress });
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
    return true;
  }

  /** Offers a stored job to its machine if it is online; the job stays `waiting` otherwise. */
  async offer(job: JobRecord): Promise<void> {
    const link = this.links.get(job.machineId);
    if (!link) return;
    try {
      const answer = await call(link.connection, bridgeToRunner, 'job/offer', { job: jobSpecOf(job) });
      if (answer.accepted) {
        this.options.store.updateJob(job.id, { delivery: 'accepted' });
      } else {
        this.options.store.updateJob(job.id, { delivery: 'rejected', state: 'failed', updatedAt: this.options.clock.now() });
        this.options.on.jobRejected(job, answer.error ?? 'The runner refused the job.');
      }
    } catch (error) {
      // The link dropped mid-offer: the job stays waiting and is offered again on resync.
      this.options.logger.warn('offer failed; will retry on reconnect', { jobId: job.id, error: String(error) });
    }
  }

  async decide(job: JobRecord, decision: ApprovalDecision): Promise<boolean> {
    return this.send(job.machineId, (connection) => call(connection, bridgeToRunner, 'approval/decide', { sessionId: job.id, decision }));
  }

  async cancel(job: JobRecord): Promise<boolean> {
    return this.send(job.machineId, (connection) => call(connection, bridgeToRunner, 'session/cancel', { sessionId: job.id }));
  }

  async followUp(job: JobRecord, text: string): Promise<boolean> {
    return this.send(job.machineId, (connection) => call(connection, bridgeToRunner, 'session/followUp', { sessionId: job.id, text }));
  }

  async pairingChanged(machineId: string): Promise<void> {
    const paired = this.options.store.countPairings(machineId) > 0;
    await this.send(machineId, (connection) => call(connection, bridgeToRunner, 'machine/didChange', { paired })).catch((error) =>
      this.options.logger.warn('telling a machine about pairing failed', { machineId, error: String(error) }),
    );
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

  private accept(socket: WebSocket): void {
    const { store, logger, clock } = this.options;
    const connection = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
    let machineId: string | undefined;
    const requireHello = (): string => {
      if (!machineId) throw new DispatchError('unauthorized', 'Say machine/hello first.');
      return machineId;
    };

    handle(connection, runnerToBridge, 'machine/hello', (hello) => {
      if (hello.protocolVersion !== PROTOCOL_VERSION) {
        throw new DispatchError('bad_input', `This bridge speaks protocol ${PROTOCOL_VERSION}, the runner ${hello.protocolVersion}: update the older one.`);
      }
      machineId = hello.machineId;
      store.upsertMachine({ id: hello.machineId, name: hello.machineName, platform: hello.platform, agent: hello.agent, repos: hello.repos, lastSeenAt: clock.now() });
      store.saveRepoVocabularies(hello.machineId, hello.repos, clock.now());
      const paired = store.countPairings(hello.machineId) > 0;
      if (hello.role === 'pairing') return { bridgeVersion: this.options.version, protocolVersion: PROTOCOL_VERSION, paired };
      // The newest connection of a machine wins: the old one is usually a half-dead socket.
      this.links.get(hello.machineId)?.connection.dispose();
      this.links.set(hello.machineId, { machineId: hello.machineId, connection });
      logger.info('runner connected', { machineId, machineName: hello.machineName });
      return { bridgeVersion: this.options.version, protocolVersion: PROTOCOL_VERSION, paired };
    });

    handle(connection, runnerToBridge, 'machine/resync', ({ sessions }) => {
      const id = requireHello();
      const known = new Set(sessions.map((session) => session.sessionId));
      const waiting = store.listJobs({ machineId: id, delivery: 'waiting', limit: 1_000 }).reverse();
      for (const job of waiting) if (known.has(job.id)) store.updateJob(job.id, { delivery: 'accepted' });
      // Offered until the runner reports them (its events or a later resync mark them accepted).
      const offers = waiting.filter((job) => !known.has(job.id) && job.state === 'queued');
      // Decisions taken while the machine was away reach it now (the runner ignores repeats).
      setImmediate(() => this.redeliverDecisions(id));
      this.options.on.machineOnline(id);
      return { offers: offers.map(jobSpecOf) };
    });

    handle(connection, runnerToBridge, 'session/events', ({ events }) => {
      requireHello();
      const bySession = new Map<string, SessionEvent[]>();
      for (const event of events) bySession.set(event.sessionId, [...(bySession.get(event.sessionId) ?? []), event]);
      const acked: { sessionId: string; throughSeq: number }[] = [];
      const changed: string[] = [];
      for (const [sessionId, batch] of bySession) {
        if (store.recordEvents(sessionId, batch).length > 0) changed.push(sessionId);
        acked.push({ sessionId, throughSeq: Math.max(...batch.map((event) => event.seq)) });
      }
      if (changed.length > 0) this.options.on.eventsStored(changed);
      return { acked };
    });

    handle(connection, runnerToBridge, 'machine/didUpdateRepos', ({ repos }) => {
      const id = requireHello();
      const known = new Set(store.getMachine(id)?.repos.map((repo) => repo.name));
      const unknown = repos.find((repo) => !known.has(repo.name));
      if (unknown) throw new DispatchError('bad_input', `"${unknown.name}" is not one of this machine's repositories; nothing was stored.`);
      store.saveRepoVocabularies(id, repos, clock.now());
      return { ok: true as const };
    });

    handle(connection, runnerToBridge, 'pairing/create', () => this.options.pairing.createCode(requireHello()));

    socket.on('close', () => {
      if (machineId && this.links.get(machineId)?.connection === connection) {
        this.links.delete(machineId);
        logger.info('runner disconnected', { machineId });
      }
      connection.dispose();
    });
    connection.onError(([error]) => logger.warn('runner link error', { error: error.message }));
    connection.listen();
  }

  private redeliverDecisions(machineId: string): void {
    const { store, logger } = this.options;
    for (const job of store.listJobs({ machineId, active: true, limit: 1_000 })) {
      for (const request of job.pendingApprovals) {
        const decision = store.approval(job.id, request.requestId)?.decision;
        if (decision) this.decide(job, decision).catch((error) => logger.warn('redelivering a decision failed', { jobId: job.id, error: String(error) }));
      }
    }
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
