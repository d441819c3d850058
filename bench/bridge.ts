import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { dispatcherHarness } from '../test/helpers/bridgeHarness.js';
import { fmt, percentile } from './stats.js';

const MESSAGES = 3_000;

/** Tasks routed and durably stored per second, time to the first acknowledgement, and idle memory. */
export async function benchBridge(): Promise<void> {
  await benchThroughput();
  await benchIdleMemory();
}

async function benchThroughput(): Promise<void> {
  const h = await dispatcherHarness();
  try {
    const user = { platform: 'slack' as const, userId: 'UBENCH' };
    await h.store.addPairing(user, 'm1', 0);
    h.machines.online.add('m1');
    const tasks = ['run the tests', 'fix the crash when the cart is empty in the api repo', 'update lodash to 4.17.21', 'review the diff on branch fix/login'];
    for (let i = 0; i < 200; i += 1) await h.chat.say(user, tasks[i % tasks.length]!); // warm-up
    const latencies: number[] = [];
    const started = performance.now();
    for (let i = 0; i < MESSAGES; i += 1) {
      const before = performance.now();
      await h.chat.say(user, `${tasks[i % tasks.length]!} #${i}`);
      latencies.push(performance.now() - before);
    }
    const seconds = (performance.now() - started) / 1_000;
    const perSecond = MESSAGES / seconds;

    // Baseline in the same run: one bare SQLite insert per message with the same settings.
    const folder = mkdtempSync(join(tmpdir(), 'dispatch-bench-'));
    const db = new Database(join(folder, 'raw.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, body TEXT)');
    const insert = db.prepare('INSERT INTO t VALUES (?, ?)');
    const rawStart = performance.now();
    for (let i = 0; i < MESSAGES; i += 1) insert.run(`id-${i}`, JSON.stringify({ task: tasks[i % tasks.length], i }));
    const rawPerSecond = MESSAGES / ((performance.now() - rawStart) / 1_000);
    db.close();
    rmSync(folder, { recursive: true, force: true });

    console.log(
      `bridge: ${fmt(perSecond, 0)} tasks routed + stored + acknowledged per second (target ≥ 2,000); latency p50 ${fmt(percentile(latencies, 50), 2)} ms, p99 ${fmt(percentile(latencies, 99), 2)} ms (target p99 ≤ 20 ms)`,
    );
    console.log(`bridge: message → first acknowledgement posted p50 ${fmt(percentile(latencies, 50), 2)} ms (target ≤ 50 ms)`);
    console.log(`bridge: a bare SQLite insert does ${fmt(rawPerSecond, 0)}/s; a whole task costs ×${fmt(rawPerSecond / perSecond, 1)} of one insert`);
  } finally {
    await h.dispose();
  }
}

async function benchIdleMemory(): Promise<void> {
  const entry = join(import.meta.dirname, '..', 'bin', 'dispatch.js');
  if (!existsCompiled()) {
    console.log('bridge: idle memory skipped (run `npm run build` first)');
    return;
  }
  const home = mkdtempSync(join(tmpdir(), 'dispatch-bench-home-'));
  const bridgeRss = await idleRss(['node', entry, 'bridge'], { DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_LOG_LEVEL: 'silent' });
  const nodeRss = await idleRss(['node', '-e', 'setInterval(() => {}, 1000)'], {});
  rmSync(home, { recursive: true, force: true });
  console.log(`bridge: idle memory ${fmt(bridgeRss / 1_048_576)} MB RSS (target ≤ 90 MB); an empty node process ${fmt(nodeRss / 1_048_576)} MB (×${fmt(bridgeRss / nodeRss, 2)})`);
}

/** The compiled `dispatch` entry (bin/dispatch.js over dist/), or undefined before `npm run build`. */
export function compiledBridgeEntry(): string | undefined {
  return existsCompiled() ? join(import.meta.dirname, '..', 'bin', 'dispatch.js') : undefined;
}

function existsCompiled(): boolean {
  try {
    readFileSync(join(import.meta.dirname, '..', 'dist', 'bridge', 'cli', 'main.js'));
    return true;
  } catch {
    return false;
  }
}

/** Starts a process, lets it settle, and reads its resident memory (Linux /proc). */
export async function idleRss(command: string[], env: Record<string, string>): Promise<number> {
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    await sleep(3_000);
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1_024;
  } finally {
    child.kill('SIGTERM');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchBridge();
