// Several bridges on one PostgreSQL database: 500 simulated runners spread over 2 real
// bridges. Per round it prints the issue's figure — the bridge sending job/offer to the
// acceptance stored — beside typed → accepted and each step between (bench/taskTimeline.ts),
// the PG statements per task and the load average; one bridge on SQLite with the same 500
// runners is the baseline in the same run. A task not accepted within 10 s is described
// with its timeline and followed for 30 s more: late, or never. Last, the idle memory of a
// bridge process on PostgreSQL beside one on SQLite.
// BENCH_SKIP_SQLITE=1, BENCH_ROUNDS=n, BENCH_RUNNERS=n, BENCH_SLOWEST=1, BENCH_COUNT_SQL=1 (each round's statements by kind) and BENCH_TRACE_SQL=1 help while working on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type WebSocket from 'ws';
import { Bridge } from '../bridge/bridge.js';
import { loadBridgeEnv } from '../bridge/config.js';
import { connectToBridge } from '../extension/core/link/bridgeClient.js';
import { silentLogger } from '../shared/logger.js';
import { PROTOCOL_VERSION, bridgeToRunner, runnerToBridge } from '../shared/protocol/bridgeRunner.js';
import { call, handle } from '../shared/protocol/rpc.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { RecordingTransport } from '../test/helpers/recordingTransport.js';
import { compiledBridgeEntry, idleRss } from './bridge.js';
import { fmt, percentile } from './stats.js';
import { TaskTimeline, type Mark } from './taskTimeline.js';

/** BENCH_RUNNERS to vary it (a small number while tracing one task's statements). */
const RUNNERS = Number(process.env.BENCH_RUNNERS ?? 500);
/** Users typing at once across the team. */
const IN_FLIGHT = 10;
/** A task not accepted by then is reported as missed, with its timeline. */
const GIVE_UP_MS = Number(process.env.BENCH_GIVE_UP_MS ?? 10_000);
/** Rounds of each kind on PostgreSQL (BENCH_ROUNDS, while hunting a rare miss). */
const PG_ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
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

interface Samples {
  /** Typed → acceptance stored, ms. */
  accepted: number[];
  /** The bridge sent job/offer → acceptance stored (what the issue's target is about), ms. */
  offerToAccepted: number[];
  /** Typed → the bridge sent job/offer, ms. */
  offered: number[];
  /** SQL statements sent by the whole process (both bridges) per task of the round. */
  statementsPerTask: number;
  /** Tasks not accepted within the give-up time, each described. */
  missed: string[];
  slowest: string;
  /** p50/p99 ms of each step: typed → job stored → offer sent → offer at the runner → answer back, write started → acceptance stored. */
  segments: string;
  /** The process's event-loop delay during the round (both bridges and every runner share it), and the store pool's queue at each acceptance write. */
  contention: string;
}

/** Each user's task in a thread of its own (one per round), so a miss can be described by what its thread was told. */
const threadOf = (round: number, i: number) => ({ platform: 'slack' as const, channelId: 'C1', threadId: `r${round}-t${i}` });

/**
 * Connects RUNNERS runners, machine i to bridge i mod n, and pairs user i with machine i.
 * Each round, users [0, count) type one task each at `submitAt(their runner's bridge)`,
 * IN_FLIGHT users at once.
 */
async function connectRunners(bridges: BenchBridge[]) {
  const timeline = new TaskTimeline();
  let done: (() => void)[] = [];
  bridges.forEach(({ bridge }, index) => timeline.watch(bridge, index, (i) => done[i]?.()));
  const links: { socket: WebSocket }[] = [];
  const connectStarted = performance.now();
  for (let i = 0; i < RUNNERS; i += 1) {
    const machineId = `bench-m${i}`;
    links.push(await simulatedRunner(bridges[i % bridges.length]!.bridge.url, machineId, () => timeline.mark(i, 'atRunner')));
    await bridges[0]!.bridge.store.addPairing({ platform: 'slack', userId: `U${i}` }, machineId, 0);
  }
  console.log(`multi-bridge:   (${RUNNERS} runners connected and said hello over ${bridges.length} bridge(s) in ${fmt((performance.now() - connectStarted) / 1_000, 1)} s)`);

  let rounds = 0;
  /** Missed tasks of every round: at the end, late or lost? */
  const late: { jobId: string | undefined; typedAt: number }[] = [];
  /** Waits up to `ms` for every missed task's acceptance, then says of each when it came, or that it never did. */
  const lateOrLost = async (ms: number): Promise<string[]> => {
    const until = performance.now() + ms;
    while (performance.now() < until && late.some(({ jobId }) => !jobId || !timeline.acceptedAt.has(jobId))) await new Promise((resolve) => setTimeout(resolve, 200));
    return Promise.all(
      late.map(async ({ jobId, typedAt }) => {
        const accepted = jobId ? timeline.acceptedAt.get(jobId) : undefined;
        if (accepted !== undefined) return `job ${jobId}: LATE, accepted ${fmt((accepted - typedAt) / 1_000, 1)} s after it was typed`;
        const row = jobId ? await bridges[0]!.bridge.store.getJob(jobId) : undefined;
        return `job ${jobId ?? '(none stored)'}: NOT accepted ${fmt((performance.now() - typedAt) / 1_000, 1)} s after it was typed (stored: ${row ? `${row.delivery}/${row.state}` : 'nothing'})`;
      }),
    );
  };
  const round = async (submitAt: (runnerBridge: number) => number, options: { count?: number; giveUpMs?: number } = {}): Promise<Samples> => {
    const count = options.count ?? RUNNERS;
    const number = ++rounds;
    timeline.reset();
    if (process.env.BENCH_COUNT_SQL && count > 1) TaskTimeline.trace = [];
    done = [];
    const missed: string[] = [];
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    let next = 0;
    const user = async (): Promise<void> => {
      while (next < count) {
        const i = next++;
        const at = bridges[submitAt(i % bridges.length)]!;
        await new Promise<void>((resolve, reject) => {
          // A task not accepted in time is counted and described, not waited for forever.
          const timer = setTimeout(() => {
            void describeMiss(bridges, at, number, i, timeline).then((why) => {
              missed.push(why);
              late.push(timeline.followUp(i));
              resolve();
            }, reject);
          }, options.giveUpMs ?? GIVE_UP_MS);
          done[i] = () => {
            clearTimeout(timer);
            resolve();
          };
          timeline.mark(i, 'typed');
          at.chat.say({ platform: 'slack', userId: `U${i}` }, `run the tests #${number}.${i}`, threadOf(number, i)).catch(reject);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, user));
    loopDelay.disable();
    if (process.env.BENCH_COUNT_SQL && count > 1) {
      // Which statements a round sent, most frequent first (where the per-task figure comes from).
      const kinds = new Map<string, number>();
      for (const line of TaskTimeline.trace ?? []) {
        const sql = line.slice(line.indexOf(' ') + 1).replace(/\s+/g, ' ').slice(0, 90);
        kinds.set(sql, (kinds.get(sql) ?? 0) + 1);
      }
      TaskTimeline.trace = undefined;
      console.log(`multi-bridge:   statements of round ${number} per task:\n    ${[...kinds].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([sql, n]) => `${fmt(n / count, 2)} ${sql}`).join('\n    ')}`);
    }
    const waits = timeline.poolWaiting;
    const contention = `event-loop delay p50 ${fmt(loopDelay.percentile(50) / 1e6, 1)} / p99 ${fmt(loopDelay.percentile(99) / 1e6, 1)} / max ${fmt(loopDelay.max / 1e6, 1)} ms; queue of the acceptance's pool at its write p99 ${percentile(waits, 99) ?? 0}, max ${Math.max(0, ...waits)}`;
    const statements = timeline.statementsSinceReset();
    const of = (from: Mark, to: Mark): number[] => Array.from({ length: count }, (_, i) => timeline.between(i, from, to)).filter((ms): ms is number => ms !== undefined);
    // The slowest task's marks: where a tail comes from.
    const slowest = Array.from({ length: count }, (_, i) => i).sort((a, b) => (timeline.between(b, 'typed', 'accepted') ?? Infinity) - (timeline.between(a, 'typed', 'accepted') ?? Infinity))[0] ?? 0;
    const segments = (['typed', 'stored', 'offered', 'atRunner', 'answered', 'accepted'] as const).slice(1).map((to, index, tos) => {
      const from = index === 0 ? 'typed' : tos[index - 1]!;
      const values = of(from, to);
      return `${from}→${to} ${fmt(percentile(values, 50), 1)}/${fmt(percentile(values, 99), 1)}`;
    });
    return { accepted: of('typed', 'accepted'), offerToAccepted: of('offered', 'accepted'), offered: of('typed', 'offered'), segments: segments.join(', '), contention, statementsPerTask: statements / count, missed, slowest: `task ${slowest}: ${timeline.describe(slowest)}` };
  };
  return { round, lateOrLost, describe: (i: number) => timeline.describe(i), close: () => links.forEach((link) => link.socket.close()) };
}

/** What became of a task that was not accepted: its marks, its job as stored, whether its runner was online, what its thread was told. */
async function describeMiss(bridges: BenchBridge[], at: BenchBridge, round: number, i: number, timeline: TaskTimeline): Promise<string> {
  const owner = { platform: 'slack' as const, userId: `U${i}` };
  const jobs = (await at.bridge.store.listJobs({ owner, limit: 1 })).map((job) => `${job.delivery}/${job.state}`);
  const told = at.chat.inThread(threadOf(round, i)).map((posted) => `${posted.message.title ?? ''} ${posted.message.text}`.trim());
  return `task ${i} (typed at bridge ${bridges.indexOf(at)}, runner on bridge ${i % bridges.length}, online there: ${bridges[i % bridges.length]!.bridge.hub.isOnline(`bench-m${i}`)}): ${timeline.describe(i)}; latest job ${jobs.join(', ') || 'none'}; told ${JSON.stringify(told)}`;
}

function report(what: string, samples: Samples): void {
  const p99 = percentile(samples.offerToAccepted, 99);
  const ms = (values: number[]): string => `p50 ${fmt(percentile(values, 50), 1)} ms, p99 ${fmt(percentile(values, 99), 1)} ms`;
  console.log(
    `multi-bridge: ${what.padEnd(50)} offer → accepted ${ms(samples.offerToAccepted)} (target p99 ≤ 100 ms: ${p99 <= 100 ? 'met' : 'MISSED'}); typed → accepted ${ms(samples.accepted)}; typed → offer sent p50 ${fmt(percentile(samples.offered, 50), 1)} ms; ${fmt(samples.statementsPerTask, 1)} PG statements/task  [n=${samples.accepted.length}, load ${loadavg().map((load) => load.toFixed(2)).join(' ')}]`,
  );
  console.log(`multi-bridge:   steps p50/p99 ms: ${samples.segments}`);
  console.log(`multi-bridge:   ${samples.contention}`);
  if (process.env.BENCH_SLOWEST) console.log(`multi-bridge:   slowest ${samples.slowest}`);
  if (samples.missed.length > 0) console.log(`multi-bridge:   ${samples.missed.length} task(s) NOT accepted within ${GIVE_UP_MS / 1_000} s; ${samples.missed.join('; ')}`);
}

async function stopAll(bridges: BenchBridge[]): Promise<void> {
  for (const { bridge, home } of bridges) {
    await bridge.stop();
    rmSync(home, { recursive: true, force: true });
  }
}

async function benchOffers(): Promise<void> {
  TaskTimeline.countStatements();
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
      for (let n = 0; n < PG_ROUNDS; n += 1) report(`2 PG bridges x ${RUNNERS / 2} runners, typed at runner's bridge`, await runners.round((own) => own));
      // Typed at the other bridge: the job reaches its machine through a wake-up (LISTEN/NOTIFY).
      for (let n = 0; n < PG_ROUNDS; n += 1) report(`2 PG bridges x ${RUNNERS / 2} runners, typed at the other`, await runners.round((own) => 1 - own));
      for (const what of await runners.lateOrLost(30_000)) console.log(`multi-bridge:   missed task followed up: ${what}`);
      if (process.env.BENCH_TRACE_SQL) {
        // One task of each kind alone, with the statements it cost (both bridges, in order).
        for (const [kind, submitAt] of [['own', (own: number) => own], ['other', (own: number) => 1 - own]] as const) {
          TaskTimeline.trace = [];
          const started = performance.now();
          await runners.round(submitAt, { count: 1 });
          console.log(`multi-bridge:   one task typed at the ${kind} bridge (${runners.describe(0)}) from ${started.toFixed(1)}: ${TaskTimeline.trace.length} statements:\n    ${TaskTimeline.trace.map((sql) => sql.replace(/\s+/g, ' ').slice(0, 110)).join('\n    ')}`);
          TaskTimeline.trace = undefined;
        }
      }
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
