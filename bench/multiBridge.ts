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

/**
 * Connects RUNNERS runners, machine i to bridge i mod n, and pairs user i with machine i; then
 * user i types one task at `submitAt(its runner's bridge)`, IN_FLIGHT users at once. Runner i
 * gets exactly one offer, so its job is known from the offer before the acceptance is stored.
 */
async function measure(bridges: BenchBridge[], submitAt: (runnerBridge: number) => number): Promise<Samples> {
  const typedAt: number[] = [];
  const offeredAt: number[] = [];
  const runnerOfJob = new Map<string, number>();
  const done: (() => void)[] = [];
  const samples: Samples = { offered: [], accepted: [], missed: [] };
  for (const { bridge } of bridges) {
    watchAcceptances(bridge.store, (jobId) => {
      const i = runnerOfJob.get(jobId);
      if (i === undefined) return;
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
  const connectMs = performance.now() - connectStarted;

  let next = 0;
  const user = async (): Promise<void> => {
    while (next < RUNNERS) {
      const i = next++;
      const at = bridges[submitAt(i % bridges.length)]!;
      await new Promise<void>((resolve, reject) => {
        // A task not accepted within 10 s is counted and described, not waited for forever.
        const timer = setTimeout(() => {
          void describeMiss(bridges, at, i, offeredAt[i] !== undefined).then((why) => {
            samples.missed.push(why);
            resolve();
          }, reject);
        }, 10_000);
        done[i] = () => {
          clearTimeout(timer);
          resolve();
        };
        typedAt[i] = performance.now();
        at.chat.say({ platform: 'slack', userId: `U${i}` }, `run the tests #${i}`, threadOf(i)).catch(reject);
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, user));
  for (const link of links) link.socket.close();
  console.log(`multi-bridge:   (${RUNNERS} runners connected and said hello in ${fmt(connectMs / 1_000, 1)} s)`);
  return samples;
}

/** What became of a task that was not accepted: its job as stored, whether its runner was online, what the chat was told. */
/** Each user's task in a thread of its own, so a miss can be described by what its thread was told. */
const threadOf = (i: number) => ({ platform: 'slack' as const, channelId: 'C1', threadId: `t${i}` });

async function describeMiss(bridges: BenchBridge[], at: BenchBridge, i: number, offered: boolean): Promise<string> {
  const owner = { platform: 'slack' as const, userId: `U${i}` };
  const jobs = (await at.bridge.store.listJobs({ owner })).map((job) => `${job.delivery}/${job.state}`);
  const told = at.chat.inThread(threadOf(i)).map((posted) => `${posted.message.title ?? ''} ${posted.message.text}`.trim());
  return `task ${i} (typed at bridge ${bridges.indexOf(at)}, runner on bridge ${i % bridges.length}, online there: ${bridges[i % bridges.length]!.bridge.hub.isOnline(`bench-m${i}`)}): ${offered ? 'offered, acceptance not stored' : 'never offered'}; job ${jobs.join(', ') || 'none'}; told ${JSON.stringify(told)}`;
}

function report(what: string, samples: Samples): void {
  const p99 = percentile(samples.accepted, 99);
  console.log(
    `multi-bridge: ${what.padEnd(44)} typed → accepted p50 ${fmt(percentile(samples.accepted, 50), 1)} ms, p99 ${fmt(p99, 1)} ms (target p99 ≤ 100 ms: ${p99 <= 100 ? 'met' : 'MISSED'}); typed → offer at the runner p50 ${fmt(percentile(samples.offered, 50), 1)} ms  [n=${samples.accepted.length}]`,
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
    if (sqlite.length) report(`1 bridge on SQLite, ${RUNNERS} runners`, await measure(sqlite, () => 0));
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
      report(`2 bridges on PostgreSQL, ${RUNNERS / 2} runners each`, await measure(pair, (own) => own));
      // Jobs typed at the other bridge reach the machine only once cross-bridge delivery (h/xbridge) is in.
      console.log('multi-bridge: jobs typed at the other bridge: not measured (cross-bridge delivery is not merged in this branch)');
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
