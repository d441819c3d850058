// Store benchmark: tasks routed, stored and acknowledged per second on PostgreSQL beside
// SQLite in the same run, with one bridge and with two bridges (two PgStore pools) writing
// to one database at once. Every task goes through the real Dispatcher (route, create the
// job, post the acknowledgement); then the store calls the machine hub and the notifier make
// for it: three events recorded (the hub's recordEvents) and each marked notified (markNotified).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Platform, Transport } from '../bridge/chat.js';
import { noModelCowork } from '../bridge/cowork.js';
import { Dispatcher } from '../bridge/dispatcher.js';
import { Notifier } from '../bridge/notifier.js';
import { Pairing } from '../bridge/pairing.js';
import { PgStore } from '../bridge/store/pg/pgStore.js';
import { SqliteStore } from '../bridge/store/sqliteStore.js';
import type { Store } from '../bridge/store/store.js';
import { silentLogger } from '../shared/logger.js';
import type { SessionEvent } from '../shared/sessions.js';
import { RecordingMachines } from '../test/helpers/bridgeHarness.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { RecordingTransport } from '../test/helpers/recordingTransport.js';
import { fmt, percentile } from './stats.js';

/** Chat conversations in flight per bridge (a team's users type at the same time); BENCH_STORE_USERS to vary it. */
const USERS_PER_BRIDGE = Number(process.env.BENCH_STORE_USERS ?? 8);
const SECONDS = 4;
const TASKS = ['run the tests', 'fix the crash when the cart is empty in the api repo', 'update lodash to 4.17.21', 'review the diff on branch fix/login'];

/** One bridge's write path over `store`: the real dispatcher, a recording chat and recording machine links. */
async function bridgeOver(store: Store, name: string) {
  const chat = new RecordingTransport('slack');
  const transports = new Map<Platform, Transport>([['slack', chat]]);
  const clock = { now: () => Date.now() };
  const notifier = new Notifier({ store, transports, clock, logger: silentLogger, approvalTtlMinutes: 30, editIntervalMs: 0, heartbeatMs: 0 });
  const machines = new RecordingMachines();
  machines.online.add('m1');
  const dispatcher = new Dispatcher({ store, machines, pairing: new Pairing(store, clock), cowork: noModelCowork, notifier, clock, logger: silentLogger });
  await chat.start(dispatcher);
  await store.upsertMachine({ id: 'm1', name: 'laptop', platform: 'linux', agent: 'builtin', repos: [{ name: 'api', default: true }], lastSeenAt: 0 });
  const users = Array.from({ length: USERS_PER_BRIDGE }, (_, index) => ({ platform: 'slack' as const, userId: `U${name}${index}` }));
  for (const user of users) await store.addPairing(user, 'm1', 0);

  /** One task, end to end on the store; returns its latency in ms. */
  const task = async (user: (typeof users)[number], i: number): Promise<number> => {
    const before = performance.now();
    const thread = await chat.say(user, `${TASKS[i % TASKS.length]!} #${name}${i}`);
    const job = await store.findJobByThread(thread);
    if (!job) throw new Error(`no job stored for ${thread.threadId}`);
    const at = Date.now();
    const events: SessionEvent[] = [
      { sessionId: job.id, seq: 1, at, kind: 'state', state: 'running' },
      { sessionId: job.id, seq: 2, at, kind: 'progress', text: 'running npm test' },
      { sessionId: job.id, seq: 3, at, kind: 'state', state: 'completed' },
    ];
    await store.recordEvents(job.id, events);
    for (const event of events) await store.markNotified(job.id, event.seq);
    return performance.now() - before;
  };

  /** Every user types one task after another until `until`; returns the latencies. */
  const runUntil = async (until: number): Promise<number[]> => {
    const latencies: number[] = [];
    await Promise.all(
      users.map(async (user, u) => {
        for (let i = 0; performance.now() < until; i += 1) latencies.push(await task(user, u * 1_000_000 + i));
      }),
    );
    chat.posted.length = 0; // the recording transport keeps every post; don't let it grow across phases
    return latencies;
  };
  return { runUntil, stop: () => notifier.stop() };
}

interface Figure {
  perSecond: number;
  p50: number;
  p99: number;
}

/** Warms up, then runs every bridge at once for SECONDS; tasks per second summed over the bridges. */
async function measure(stores: Store[], label: string): Promise<Figure> {
  const bridges = await Promise.all(stores.map((store, index) => bridgeOver(store, `${label}${index}`)));
  await Promise.all(bridges.map((bridge) => bridge.runUntil(performance.now() + 500)));
  const started = performance.now();
  const runs = await Promise.all(bridges.map((bridge) => bridge.runUntil(started + SECONDS * 1_000)));
  const seconds = (performance.now() - started) / 1_000;
  await Promise.all(bridges.map((bridge) => bridge.stop()));
  const latencies = runs.flat();
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const line = (what: string, figure: Figure): string => `store: ${what.padEnd(34)} ${fmt(figure.perSecond, 0).padStart(6)} tasks/s   p50 ${fmt(figure.p50, 2)} ms, p99 ${fmt(figure.p99, 2)} ms`;

export async function benchStore(): Promise<void> {
  console.log(`store: each task = dispatcher (route + job + ack) + 3 events recorded + 3 marked notified; ${USERS_PER_BRIDGE} users typing at once per bridge, ${SECONDS} s each`);
  const folder = mkdtempSync(join(tmpdir(), 'dispatch-bench-store-'));
  const sqlite = new SqliteStore(join(folder, 'bridge.db'));
  let sqliteFigure: Figure;
  try {
    sqliteFigure = await measure([sqlite], 'sqlite');
    console.log(line('SQLite, 1 bridge', sqliteFigure));
  } finally {
    await sqlite.close();
    rmSync(folder, { recursive: true, force: true });
  }

  const server = await startPostgres();
  if (!server) {
    console.log('store: PostgreSQL skipped (no server binaries here: apt-get install -y postgresql)');
    return;
  }
  try {
    // A private server as the tests run it (fsync off), so the figure is the store's cost, not the disk's.
    const one = await PgStore.open(await server.createDatabase());
    const oneFigure = await measure([one], 'pg').finally(() => one.close());
    console.log(line('PostgreSQL, 1 bridge', oneFigure));
    const url = await server.createDatabase();
    const a = await PgStore.open(url);
    const b = await PgStore.open(url);
    const twoFigure = await measure([a, b], 'pg2').finally(async () => {
      await a.close();
      await b.close();
    });
    console.log(line('PostgreSQL, 2 bridges (2 pools)', twoFigure));
    console.log(`store: PG/SQLite ${fmt(oneFigure.perSecond / sqliteFigure.perSecond, 2)} with 1 bridge, ${fmt(twoFigure.perSecond / sqliteFigure.perSecond, 2)} with 2 bridges (PostgreSQL fsync off; SQLite WAL, synchronous=NORMAL)`);
  } finally {
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchStore();
