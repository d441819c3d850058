import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Platform, Transport } from './chat.js';
import { ensureStateDir } from '../extension/core/stateFiles.js';
import { clusterTimingsOf, type BridgeEnv } from './config.js';
import { noModelCowork, type CoworkResponder } from './cowork.js';
import { Dispatcher } from './dispatcher.js';
import { DEFAULT_OFFLINE_NOTICE_MS, LinkNotices } from './linkNotices.js';
import { MachineHub, type LinkTimings } from './machineHub.js';
import type { RouteAdvisor } from './modelRouter.js';
import { Notifier } from './notifier.js';
import { packageVersion } from './packageRoot.js';
import { Pairing } from './pairing.js';
import type { BridgeSecrets } from './secrets.js';
import { openStore } from './store/openStore.js';
import type { Store } from './store/store.js';
import { loginUrl } from './transports/web/webAuth.js';
import { WebTransport } from './transports/web/webTransport.js';
import { startCluster, type ClusterParts } from './cluster/cluster.js';
import { healthReport, type HealthSources } from './cluster/health.js';
import { recordedTimings } from './cluster/clusterTimings.js';
import { PgBridgePresence } from './cluster/bridgePresence.js';
import { DeadBridges } from './cluster/deadBridges.js';
import { StaleRows } from './cluster/staleRows.js';
import { untoldOfflineMachines } from './cluster/offlineMachines.js';
import { PgNoticeLedger } from './cluster/linkNoticeLedger.js';
import { LinkedMachineWork } from './cluster/linkedMachineWork.js';
import { PgMachinePresence } from './cluster/machinePresence.js';
import { PgMachineRequests } from './cluster/machineRequests.js';
import { RemoteMachines } from './cluster/remoteMachines.js';
import type { MachineLinks } from './machineLinks.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../shared/protocol/rpc.js';

/** The parts of a bridge beside others that reach machines across bridges (PostgreSQL only). */
interface ClusteredMachines {
  remote: RemoteMachines;
  work: LinkedMachineWork;
  presence: PgMachinePresence;
  dead: DeadBridges;
  stale: StaleRows;
  /** Stops re-recording links when the presence row comes back. */
  rejoined: () => void;
}

export interface BridgeStartOptions {
  config: BridgeEnv;
  secrets: BridgeSecrets;
  logger: Logger;
  clock?: Clock;
  /**
   * Slack, Discord: built by the caller from the configured tokens; a function gets the
   * cluster's parts first (a Slack event handled once across bridges, the Discord gateway lease).
   */
  transports?: Transport[] | ((cluster: ClusterParts) => Promise<Transport[]>);
  cowork?: CoworkResponder;
  approvalTtlMinutes?: number;
  /** Status edits at most this often per job (default 2 s). */
  editIntervalMs?: number;
  /** Machine link timings (ping, dead time, request timeout) and how long a machine stays offline before its threads are told. */
  link?: LinkTimings & { offlineNoticeMs?: number };
  /** What /healthz reads, instead of this bridge's own store and peers (tests give a database that hangs). */
  health?: HealthSources;
  /** Several bridges on PostgreSQL: presence beat and window, and the sweep for lost wake-ups (tests shorten them; else DISPATCH_CLUSTER_* and the rest). */
  cluster?: { heartbeatMs?: number; freshMs?: number; sweepMs?: number; answerPollMs?: number };
}

/**
 * The bridge: one HTTP server (web chat on `/`, runners on `/runner`, `/healthz`), the
 * store, the machine hub, the dispatcher and the notifier, wired once here.
 */
export class Bridge {
  private constructor(
    readonly store: Store,
    /** This bridge among others on one database (in process when alone on SQLite). */
    readonly cluster: ClusterParts,
    readonly hub: MachineHub,
    /** The team's machines as the dispatcher reaches them: the hub alone, or the hub plus the other bridges. */
    readonly machines: MachineLinks & { tellAll(notice: string): Promise<void> },
    private readonly machineWork: ClusteredMachines | undefined,
    readonly dispatcher: Dispatcher,
    readonly notifier: Notifier,
    readonly transports: Map<Platform, Transport>,
    readonly web: WebTransport | undefined,
    private readonly notices: LinkNotices,
    private readonly server: Server,
    private readonly secrets: BridgeSecrets,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  static async start(options: BridgeStartOptions): Promise<Bridge> {
    const { config, logger, secrets } = options;
    const clock = options.clock ?? systemClock;
    // The bridge's folder holds its database and secrets: owner-only, fixed at every start.
    ensureStateDir(config.DISPATCH_HOME);
    const opened = await openStore(config);
    const store: Store = opened.store;
    logger.info('store opened', { engine: opened.engine, location: opened.location, schema: opened.schema.after, migrated: opened.schema.applied });
    // On PostgreSQL this bridge may be one of several: wake-ups, presence, handled-once and leases go through the database.
    // From the environment (DISPATCH_CLUSTER_BEAT_MS …), unless a test shortens them.
    const timings = { ...clusterTimingsOf(config), ...Object.fromEntries(Object.entries(options.cluster ?? {}).filter(([, value]) => value !== undefined)) };
    const cluster = await startCluster({
      ...(opened.engine === 'postgres' ? { connectionString: config.DISPATCH_DATABASE_URL!, pool: opened.store.pool } : {}),
      logger: logger.child({ part: 'cluster' }),
      heartbeatMs: timings.heartbeatMs,
      freshMs: timings.freshMs,
      timings: recordedTimings(timings),
    }).catch(async (error: unknown) => {
      await store.close();
      throw error;
    });
    const health: HealthSources = options.health ?? { database: () => store.healthCheck(), ...(cluster.clustered ? { presence: cluster.presence } : {}) };
    const chatTransports = typeof options.transports === 'function' ? await options.transports(cluster) : (options.transports ?? []);
    const transports = new Map<Platform, Transport>();
    const web =
      config.DISPATCH_WEB === 'on'
        ? new WebTransport({ history: store.webMessages, loginToken: secrets.webToken, logger: logger.child({ transport: 'web' }), ...(cluster.clustered ? { cluster: { bridgeId: cluster.bridgeId, wakeBus: cluster.wakeBus } } : {}) })
        : undefined;
    for (const transport of [...(web ? [web] : []), ...chatTransports]) transports.set(transport.platform, transport);

    const approvalTtlMinutes = options.approvalTtlMinutes ?? 30;
    const notifier = new Notifier({
      store,
      transports,
      clock,
      logger,
      approvalTtlMinutes,
      bridgeId: cluster.bridgeId,
      // Beside other bridges: a lost wake-up, or a dead bridge's expired claims, wait at most this long.
      ...(cluster.clustered ? { sweepMs: timings.notifySweepMs, claimLeaseMs: timings.notifyLeaseMs, claimRenewMs: timings.notifyRenewMs } : {}),
      ...(options.editIntervalMs !== undefined ? { editIntervalMs: options.editIntervalMs } : {}),
    });
    // Events stored by any bridge (its runners') are told by whichever bridge claims the job; `resync` kicks too.
    cluster.wakeBus.subscribe('events', () => void notifier.kick());
    // Declared before the hub, which it tells when pairing pauses (the hub needs pairing in turn).
    let tellMachines: (notice: string) => void = () => undefined;
    const pairing = new Pairing(store, clock, { logger: logger.child({ part: 'pairing' }), onPause: (notice) => tellMachines(notice) });
    // Which bridge holds each machine's link, and the requests for machines linked elsewhere (PostgreSQL only).
    const pool = opened.engine === 'postgres' && cluster.clustered ? opened.store.pool : undefined;
    const presence = pool && new PgMachinePresence({ pool, bridgeId: cluster.bridgeId, logger, freshMs: timings.freshMs });
    const offlineNoticeMs = options.link?.offlineNoticeMs ?? DEFAULT_OFFLINE_NOTICE_MS;
    const notices = new LinkNotices({
      store,
      // Beside other bridges, who was told is in the database: told once, whichever bridge notices.
      ...(pool && presence ? { ledger: new PgNoticeLedger({ pool, bridgeId: cluster.bridgeId, isOnline: async (machineId) => hub.isOnline(machineId) || (await presence.holder(machineId)) !== undefined }) } : {}),
      post: (thread, message) => notifier.post(thread, message),
      refreshStatus: (jobId) => notifier.refreshStatus(jobId, true),
      logger,
      clock,
      delayMs: offlineNoticeMs,
    });
    let machineWork: LinkedMachineWork | undefined;
    const hub = new MachineHub({
      store,
      pairing,
      runnerToken: secrets.runnerToken,
      clock,
      logger: logger.child({ part: 'hub' }),
      version: packageVersion(),
      on: {
        eventsStored: () => {
          void notifier.kick();
          if (cluster.clustered) void cluster.wakeBus.publish('events', cluster.bridgeId).catch((error: unknown) => logger.warn('waking the other bridges failed', { error: String(error) }));
        },
        jobRejected: (job, error) => void notifier.jobRejected(job, error),
        machineOnline: (machineId) => {
          notices.cameOnline(machineId);
          // Requests other bridges made while the machine was linked elsewhere (or nowhere) are taken now.
          void machineWork?.catchUp(machineId);
        },
        machineOffline: (machineId, why) => notices.wentOffline(machineId, why),
        machineRevoked: (machineId) => void notices.revoked(machineId),
      },
      ...(options.link ? { timings: options.link } : {}),
      ...(presence ? { recorder: { linked: (id: string) => presence.linked(id), unlinked: (id: string) => presence.unlinked(id) } } : {}),
    });
    let clustered: ClusteredMachines | undefined;
    if (pool && presence) {
      const requests = new PgMachineRequests(pool);
      const hubLogger = logger.child({ part: 'hub' });
      const requestTimeoutMs = options.link?.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const remote = new RemoteMachines({ hub, presence, requests, wakeBus: cluster.wakeBus, logger: hubLogger, requestTimeoutMs, ...(options.cluster?.answerPollMs ? { pollMs: options.cluster.answerPollMs } : {}) });
      const dueMachines = opened.engine === 'postgres' ? (ids: string[]) => opened.store.machinesWithDueWork(ids) : undefined;
      machineWork = new LinkedMachineWork({ hub, store, requests, wakeBus: cluster.wakeBus, bridgeId: cluster.bridgeId, logger: hubLogger, sweepMs: timings.sweepMs, ...(dueMachines ? { dueMachines } : {}) });
      // A bridge found dead (kill -9) leaves its machines' threads to the survivor that found it.
      const dead = new DeadBridges({ pool, bridgeId: cluster.bridgeId, freshMs: presence.freshMs, now: () => clock.now(), everyMs: timings.heartbeatMs, logger: logger.child({ part: 'cluster' }), orphaned: (machineIds) => {
        for (const machineId of machineIds) notices.wentOffline(machineId, 'the bridge it was linked to stopped answering');
      }, afterLook: async () => {
        // Whatever no timer is left to tell (its bridge stopped cleanly, or died with the notice pending);
        // a window later than the timers, so that a bridge's own timer, with its better reason, tells first.
        for (const machineId of await untoldOfflineMachines(pool, { delayMs: offlineNoticeMs + presence.freshMs, freshMs: presence.freshMs, now: clock.now() })) await notices.foundOffline(machineId, 'its link to the bridges closed');
      } });
      // Taken for dead by the others (its database connections were down too long): its links are written again.
      const rejoined = cluster.presence instanceof PgBridgePresence ? cluster.presence.onRejoined(() => {
        for (const machineId of hub.linkedMachines()) void presence.linked(machineId).catch((error: unknown) => logger.warn('recording the machine’s link again failed', { machineId, error: String(error) }));
      }) : () => undefined;
      remote.start();
      machineWork.start();
      dead.start();
      // One bridge at a time removes the rows that only grow (old event ids, ended claims…).
      const stale = new StaleRows({ pool, everyMs: timings.pruneEveryMs, now: () => clock.now(), logger: logger.child({ part: 'cluster' }) });
      stale.start();
      clustered = { remote, work: machineWork, presence, dead, stale, rejoined };
    }
    const machines = clustered?.remote ?? hub;
    tellMachines = (notice) => void machines.tellAll(notice);
    const cowork = options.cowork ?? (await coworkFromConfig(config, logger));
    const advisor = await advisorFromConfig(config, logger.child({ part: 'router' }));
    const dispatcher = new Dispatcher({
      store,
      machines,
      pairing,
      cowork,
      ...(advisor ? { advisor } : {}),
      notifier,
      clock,
      logger: logger.child({ part: 'dispatcher' }),
      ...(config.DISPATCH_ALLOWED_USERS ? { allowedUsers: config.DISPATCH_ALLOWED_USERS } : {}),
      ...(config.DISPATCH_ADMINS ? { admins: config.DISPATCH_ADMINS } : {}),
      // Read when a pull request is opened: the server is listening by then. Only a loopback
      // address: a pull request may be public, and a LAN address in it tells strangers too much.
      threadLinks: { webUrl: () => (web && server.listening && isLoopback((server.address() as AddressInfo).address) ? urlOf(server) : undefined), ...(config.DISCORD_GUILD_ID ? { discordGuildId: config.DISCORD_GUILD_ID } : {}) },
    });

    const server = createServer((request, response) => {
      if (request.url === '/healthz') {
        void healthReport(packageVersion(), health).then((report) => response.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report)));
        return;
      }
      if (web?.handleRequest(request, response)) return;
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    });
    server.on('upgrade', (request, socket, head) => {
      if (hub.handleUpgrade(request, socket, head)) return;
      if (web?.handleUpgrade(request, socket, head)) return;
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.DISPATCH_PORT, config.DISPATCH_HOST, () => resolve());
    });
    for (const transport of transports.values()) await transport.start(dispatcher);
    const bridge = new Bridge(store, cluster, hub, machines, clustered, dispatcher, notifier, transports, web, notices, server, secrets, logger, clock);
    logger.info('bridge started', { url: bridge.url, transports: [...transports.keys()] });
    // Whatever was stored but not yet told before a crash is told now.
    void notifier.kick();
    return bridge;
  }

  /** Where the bridge listens, e.g. http://127.0.0.1:7878. */
  get url(): string {
    return urlOf(this.server);
  }

  /** The web chat's ready-to-open login link (contains the login token: show it only to the user). */
  get loginUrl(): string {
    return loginUrl(this.url, this.secrets.webToken);
  }

  async stop(): Promise<void> {
    await this.notifier.stop();
    this.notices.stop();
    for (const transport of this.transports.values()) {
      await transport.stop().catch((error) => this.logger.warn('transport stop failed', { platform: transport.platform, error: String(error) }));
    }
    if (this.machineWork) {
      this.machineWork.rejoined();
      await this.machineWork.dead.stop();
      await this.machineWork.stale.stop();
      this.machineWork.remote.stop();
      await this.machineWork.work.stop();
      // The others stop counting this bridge's machines as online at once, not after the presence window.
      await this.machineWork.presence.forgetAll(this.clock.now());
    }
    this.hub.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.cluster.stop().catch((error: unknown) => this.logger.warn('leaving the other bridges failed', { error: String(error) }));
    await this.store.close();
  }
}

/** The Messages API when a key is configured (the SDK loads only then), else the plain note. */
async function coworkFromConfig(config: BridgeEnv, logger: Logger): Promise<CoworkResponder> {
  if (!config.ANTHROPIC_API_KEY) return noModelCowork;
  const { AnthropicCowork } = await import('./anthropicCowork.js');
  return new AnthropicCowork({ apiKey: config.ANTHROPIC_API_KEY, model: config.DISPATCH_COWORK_MODEL, ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}) }, logger);
}

/** Model routing when a key is configured (DISPATCH_ROUTER_MODEL); without one the local router decides alone. */
async function advisorFromConfig(config: BridgeEnv, logger: Logger): Promise<RouteAdvisor | undefined> {
  if (!config.ANTHROPIC_API_KEY) return undefined;
  const { ModelRouter } = await import('./modelRouter.js');
  return new ModelRouter(
    { apiKey: config.ANTHROPIC_API_KEY, model: config.DISPATCH_ROUTER_MODEL, timeoutMs: config.DISPATCH_ROUTER_TIMEOUT_MS, ...(config.ANTHROPIC_BASE_URL ? { baseURL: config.ANTHROPIC_BASE_URL } : {}) },
    logger,
  );
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
