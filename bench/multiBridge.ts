// Several bridges on one PostgreSQL database: 500 simulated runners spread over 2 real
// bridges, the time from a task typed to its offer accepted by the machine; one bridge on
// SQLite with the same 500 runners as the baseline; and the idle memory of a bridge process
// on PostgreSQL beside one on SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type WebSocket from 'ws';
import { Bridge } from '../bridge/bridge.js';
import { loadBridgeEnv } from '../bridge/config.js';
import type { Store } from '../bridge/store/store.js';
import { connectToBridge } from '../extension/core/link/bridgeClient.js';
import { silentLogger } from '../shared/logger.js';
import { PROTOCOL_VERSION, bridgeToRunner, runnerToBridge } from '../shared/protocol/bridgeRunner.js';
import { call, handle } from '../shared/protocol/rpc.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { RecordingTransport } from '../test/helpers/recordingTransport.js';
import { compiledBridgeEntry, idleRss } from './bridge.js';
import { fmt, percentile } from './stats.js';

const RUNNERS = 500;
/** Users typing at once across the team. */
const IN_FLIGHT = 10;
const RUNNER_TOKEN = 'bench-runner-token-0123456789';
const WEB_TOKEN = 'bench-web-token-0123456789abcdef';

interface BenchBridge {
  bridge: Bridge;
  chat: RecordingTransport;
  home: string;
}

async function startBridge(env: Record<string, string>): Promise<BenchBridge> {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-bench-multi-'));
  const chat = new RecordingTransport('slack');
  const config = loadBridgeEnv({ DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_WEB: 'off', DISPATCH_LOG_LEVEL: 'silent', ...env });
  const bridge = await Bridge.start({ config, secrets: { runnerToken: RUNNER_TOKEN, webToken: WEB_TOKEN }, logger: silentLogger, transports: [chat] });
  return { bridge, chat, home };
}

/**
 * A simulated runner: the real link client and protocol (hello with the registration token,
 * resync, then it answers every job/offer with "accepted" at once), no worktrees or agents.
 */
async function simulatedRunner(url: string, machineId: string, onOffer: (jobId: string) => void): Promise<{ socket: WebSocket; connection: MessageConnection }> {
  const link = await connectToBridge(url, RUNNER_TOKEN);
  handle(link.connection, bridgeToRunner, 'job/offer', ({ job }) => {
    onOffer(job.jobId);
    return { accepted: true };
  });
  handle(link.connection, bridgeToRunner, 'machine/didChange', () => ({ ok: true as const }));
  await call(link.connection, runnerToBridge, 'machine/hello', { protocolVersion: PROTOCOL_VERSION, machineId, machineName: machineId, platform: 'linux', agent: 'builtin', repos: [{ name: 'api', default: true }], role: 'runner' });
  await call(link.connection, runnerToBridge, 'machine/resync', { sessions: [] });
  return link;
}

/** Calls `onAccepted(jobId)` once the hub has stored a runner's acceptance (the bench wraps the store's updateJob). */
function watchAcceptances(store: Store, onAccepted: (jobId: string) => void): void {
  const updateJob = store.updateJob.bind(store);
  store.updateJob = async (id, patch) => {
    await updateJob(id, patch);
    if (patch.delivery === 'accepted') onAccepted(id);
  };
}

interface Samples {
  offered: number[];
  accepted: number[];
  /** Tasks not accepted within 10 s, each described. */
  missed: string[];
}

/** Each user's task in a thread of its own (one per round), so a miss can be described by what its thread was told. */
const threadOf = (round: number, i: number) => ({ platform: 'slack' as const, channelId: 'C1', threadId: `r${round}-t${i}` });

/**
 * Connects RUNNERS runners, machine i to bridge i mod n, and pairs user i with machine i.
 * Each round, users [0, count) type one task each at `submitAt(their runner's bridge)`,
 * IN_FLIGHT users at once. Runner i gets one offer per round, so its job is known from the
 * offer before the acceptance is stored.
 */
async function connectRunners(bridges: BenchBridge[]) {
  let typedAt: number[] = [];
  let offeredAt: number[] = [];
  let done: (() => void)[] = [];
  let samples: Samples = { offered: [], accepted: [], missed: [] };
  const runnerOfJob = new Map<string, number>();
  for (const { bridge } of bridges) {
    watchAcceptances(bridge.store, (jobId) => {
      const i = runnerOfJob.get(jobId);
      if (i === undefined || typedAt[i] === undefined) return;
      samples.offered.push(offeredAt[i]! - typedAt[i]!);
      samples.accepted.push(performance.now() - typedAt[i]!);
      done[i]?.();
    });
  }
  const links: { socket: WebSocket }[] = [];
  const connectStarted = performance.now();
  for (let i = 0; i < RUNNERS; i += 1) {
    const machineId = `bench-m${i}`;
    const onOffer = (jobId: string): void => {
      offeredAt[i] = performance.now();
      runnerOfJob.set(jobId, i);
    };
    links.push(await simulatedRunner(bridges[i % bridges.length]!.bridge.url, machineId, onOffer));
    await bridges[0]!.bridge.store.addPairing({ platform: 'slack', userId: `U${i}` }, machineId, 0);
  }
  console.log(`multi-bridge:   (${RUNNERS} runners connected and said hello over ${bridges.length} bridge(s) in ${fmt((performance.now() - connectStarted) / 1_000, 1)} s)`);

  let rounds = 0;
  const round = async (submitAt: (runnerBridge: number) => number, options: { count?: number; giveUpMs?: number } = {}): Promise<Samples> => {
    const count = options.count ?? RUNNERS;
    const number = ++rounds;
    typedAt = [];
    offeredAt = [];
    done = [];
    samples = { offered: [], accepted: [], missed: [] };
    const mine = samples;
    let next = 0;
    const user = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const at = bridges[submitAt(i % bridges.length)]!;
        await new Promise<void>((resolve, reject) => {
          // A task not accepted in time is counted and described, not waited for forever.
          const timer = setTimeout(() => {
            void describeMiss(bridges, at, number, i, offeredAt[i] !== undefined).then((why) => {
              mine.missed.push(why);
              resolve();
            }, reject);
          }, options.giveUpMs ?? 10_000);
          done[i] = () => {
            clearTimeout(timer);
            resolve();
          };
          typedAt[i] = performance.now();
          at.chat.say({ platform: 'slack', userId: `U${i}` }, `run the tests #${number}.${i}`, threadOf(number, i)).catch(reject);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, user));
    return mine;
  };
  return { round, close: () => links.forEach((link) => link.socket.close()) };
}

/** What became of a task that was not accepted: its job as stored, whether its runner was online, what its thread was told. */
async function describeMiss(bridges: BenchBridge[], at: BenchBridge, round: number, i: number, offered: boolean): Promise<string> {
  const owner = { platform: 'slack' as const, userId: `U${i}` };
  const jobs = (await at.bridge.store.listJobs({ owner, limit: 1 })).map((job) => `${job.delivery}/${job.state}`);
  const told = at.chat.inThread(threadOf(round, i)).map((posted) => `${posted.message.title ?? ''} ${posted.message.text}`.trim());
  return `task ${i} (typed at bridge ${bridges.indexOf(at)}, runner on bridge ${i % bridges.length}, online there: ${bridges[i % bridges.length]!.bridge.hub.isOnline(`bench-m${i}`)}): ${offered ? 'offered, acceptance not stored' : 'never offered'}; latest job ${jobs.join(', ') || 'none'}; told ${JSON.stringify(told)}`;
}

function report(what: string, samples: Samples): void {
  const p99 = percentile(samples.accepted, 99);
  console.log(
    `multi-bridge: ${what.padEnd(50)} typed → accepted p50 ${fmt(percentile(samples.accepted, 50), 1)} ms, p99 ${fmt(p99, 1)} ms (target p99 ≤ 100 ms: ${p99 <= 100 ? 'met' : 'MISSED'}); typed → offer at the runner p50 ${fmt(percentile(samples.offered, 50), 1)} ms  [n=${samples.accepted.length}]`,
  );
  if (samples.missed.length > 0) console.log(`multi-bridge:   ${samples.missed.length} task(s) NOT accepted within 10 s; first: ${samples.missed[0]}`);
}

async function stopAll(bridges: BenchBridge[]): Promise<void> {
  for (const { bridge, home } of bridges) {
    await bridge.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

async function benchOffers(): Promise<void> {
  // BENCH_SKIP_SQLITE=1: only the PostgreSQL pair (while working on it).
  const sqlite = process.env.BENCH_SKIP_SQLITE ? [] : [await startBridge({})];
  try {
    if (sqlite.length) {
      const runners = await connectRunners(sqlite);
      report(`1 bridge on SQLite, ${RUNNERS} runners`, await runners.round(() => 0));
      runners.close();
    }
  } finally {
    await stopAll(sqlite);
  }
  const server = await startPostgres();
  if (!server) {
    console.log('multi-bridge: PostgreSQL skipped (no server binaries here: apt-get install -y postgresql)');
    return;
  }
  try {
    const url = await server.createDatabase();
    const pair = [await startBridge({ DISPATCH_DATABASE_URL: url }), await startBridge({ DISPATCH_DATABASE_URL: url })];
    try {
      const runners = await connectRunners(pair);
      report(`2 PG bridges x ${RUNNERS / 2} runners, typed at runner's bridge`, await runners.round((own) => own));
      // Typed at the other bridge, a job reaches its machine only with cross-bridge delivery: one probe first.
      const other = (own: number): number => 1 - own;
      const probe = await runners.round(other, { count: 2, giveUpMs: 5_000 });
      if (probe.missed.length > 0) console.log(`multi-bridge: typed at the other bridge: not delivered in this build (${probe.missed[0]})`);
      else report(`2 PG bridges x ${RUNNERS / 2} runners, typed at the other`, await runners.round(other));
      runners.close();
    } finally {
      await stopAll(pair);
    }
  } finally {
    await server.stop();
  }
}

async function benchIdleMemory(): Promise<void> {
  const entry = compiledBridgeEntry();
  if (!entry) {
    console.log('multi-bridge: idle memory skipped (run `npm run build` first)');
    return;
  }
  const server = await startPostgres();
  const homes: string[] = [];
  const home = (): string => {
    homes.push(mkdtempSync(join(tmpdir(), 'dispatch-bench-idle-')));
    return homes.at(-1)!;
  };
  try {
    const base = { DISPATCH_PORT: '0', DISPATCH_LOG_LEVEL: 'silent', DISPATCH_WEB: 'on' };
    const sqliteRss = await idleRss(['node', entry, 'bridge'], { ...base, DISPATCH_HOME: home() });
    let line = `multi-bridge: idle memory (RSS 3 s after start, no forced GC) SQLite ${fmt(sqliteRss / 1_048_576)} MB`;
    if (server) {
      const pgRss = await idleRss(['node', entry, 'bridge'], { ...base, DISPATCH_HOME: home(), DISPATCH_DATABASE_URL: await server.createDatabase() });
      line += `, PostgreSQL ${fmt(pgRss / 1_048_576)} MB (×${fmt(pgRss / sqliteRss, 2)})`;
    }
    console.log(line);
  } finally {
    await server?.stop();
    for (const folder of homes) rmSync(folder, { recursive: true, force: true });
  }
}

export async function benchMultiBridge(): Promise<void> {
  await benchOffers();
  await benchIdleMemory();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchMultiBridge();
