import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { startClusterBridgeProcess } from '../../helpers/bridgeChild.js';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, AgentFactory } from '../../../extension/core/agents/agent.js';
import { BridgeLink } from '../../../extension/core/link/bridgeLink.js';
import { silentLogger } from '../../../shared/logger.js';
import { TempDirs, makeRepo } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { usePostgres } from '../../helpers/postgres.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };
/** Short beats for the survivors; the killed bridge keeps its own default window (15 s), which the session lock must beat. */
const CLUSTER = { heartbeatMs: 200, freshMs: 1_500, sweepMs: 1_000, answerPollMs: 250 };

async function until(test: () => boolean | Promise<boolean>, what: string, ms = 20_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** An agent that says it started and finishes only when the test lets it. */
function gatedAgent(gate: Promise<void>, started: () => void): AgentFactory {
  const agent: Agent = {
    name: 'gated',
    async *run(context) {
      started();
      yield { kind: 'progress', text: 'working on it' };
      await Promise.race([gate, new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }))]);
      yield { kind: 'outcome', outcome: { status: 'completed', summary: 'done', commitChanges: false } };
    },
  };
  return () => agent;
}

async function healthzIds(bridge: LiveBridge): Promise<string[]> {
  const response = await fetch(`${bridge.bridge.url}/healthz`);
  const body = (await response.json()) as { bridges?: { id: string }[] };
  return (body.bridges ?? []).map((seen) => seen.id);
}

describe('a peer bridge that dies (kill -9) or stops, seen from the others', function () {
  this.timeout(90_000);
  const postgres = usePostgres();
  let url: string;
  const temp = new TempDirs();
  const children: ChildProcess[] = [];
  const bridges: LiveBridge[] = [];
  const links: BridgeLink[] = [];

  beforeEach(async () => {
    url = await postgres.cluster().createDatabase();
  });
  afterEach(async () => {
    for (const link of links.splice(0)) await link.stop().catch(() => undefined);
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const bridge of bridges.splice(0).reverse()) await bridge.stop().catch(() => undefined);
    temp.cleanup();
  });

  it('/healthz stops listing a killed peer within a second (its session lock goes with its process), and a stopped one at once', async () => {
    const survivor = await startLiveBridge({ repos: [], withRunner: false, env: { DISPATCH_DATABASE_URL: url } });
    bridges.push(survivor);
    const figures: string[] = [];
    for (const how of ['SIGKILL', 'SIGTERM'] as const) {
      const peer = await startClusterBridgeProcess(temp.make(), url);
      children.push(peer.child);
      const isPeer = (id: string) => id.includes(`-${peer.child.pid}-`);
      await until(async () => (await healthzIds(survivor)).some(isPeer), 'the peer in /healthz');
      const signalled = Date.now();
      peer.child.kill(how);
      await until(async () => !(await healthzIds(survivor)).some(isPeer), `the ${how} peer to leave /healthz`, 20_000, 10);
      const goneMs = Date.now() - signalled;
      figures.push(`${how === 'SIGKILL' ? 'kill -9' : 'SIGTERM'} → gone from /healthz in ${goneMs} ms`);
      assert.ok(goneMs < 2_000, `${how}: gone in ${goneMs} ms, not after the 15 s window`);
    }
    process.stdout.write(`      ${figures.join('; ')} (presence window 15 s)\n`);
    assert.deepEqual(await healthzIds(survivor), [survivor.bridge.cluster.bridgeId]);
  });

  /** The runner knows only the bridge that goes (`signal`): its thread must hear from a survivor, once each way. */
  async function toldAcrossBridges(signal: 'SIGKILL' | 'SIGTERM', reason: RegExp): Promise<void> {
    const chatB = new RecordingTransport('web');
    const chatC = new RecordingTransport('web', chatB);
    // Every bridge of a team has the same timings (README): the one that goes too.
    const killed = await startClusterBridgeProcess(temp.make(), url, { DISPATCH_CLUSTER_BEAT_MS: String(CLUSTER.heartbeatMs), DISPATCH_CLUSTER_STALE_MS: String(CLUSTER.freshMs) });
    children.push(killed.child);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const repo = makeRepo(join(temp.make(), 'api'));
    // B's runner dials the bridge that will be killed, and knows no other: it cannot fail over.
    // C first: a LiveBridge writes the machine's row as never seen, which must come before the runner's hello.
    const c = await startLiveBridge({ repos: [], transports: [chatC], withRunner: false, env: { DISPATCH_DATABASE_URL: url }, cluster: CLUSTER, link: { offlineNoticeMs: 500 } });
    bridges.push(c);
    const b = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chatB], pairedUsers: [alice], env: { DISPATCH_DATABASE_URL: url }, cluster: CLUSTER, link: { offlineNoticeMs: 500 }, agents: gatedAgent(gate, () => (started = true)), runnerUrl: () => killed.url });
    bridges.push(b);

    const thread = await chatB.say(alice, 'run the tests');
    await until(() => started, 'the session to start on the machine');
    const offline = () => chatB.inThread(thread).filter((posted) => /went offline/.test(posted.message.text));
    const back = () => chatB.inThread(thread).filter((posted) => /laptop is back online; session [0-9a-f]{8} resumes/.test(posted.message.text));

    const killedAt = Date.now();
    killed.child.kill(signal);
    await until(() => offline().length > 0, 'the offline note', 20_000).catch(async (error) => {
      const pool = (b.bridge.store as unknown as { pool: import('pg').Pool }).pool;
      const dump = async (sql: string) => JSON.stringify((await pool.query(sql)).rows);
      throw new Error(`${error} jobs ${await dump('SELECT id, delivery, state, created_at FROM jobs')} machines ${await dump('SELECT id, last_seen_at, (extract(epoch from clock_timestamp()) * 1000)::bigint AS now FROM machines')} links ${await dump('SELECT * FROM machine_links')} notices ${await dump('SELECT * FROM link_notices')} bridges ${await dump('SELECT * FROM bridges')} exit ${killed.child.exitCode}`);
    });
    const toldMs = Date.now() - killedAt;
    assert.match(offline()[0]!.message.text, reason);
    assert.match(offline()[0]!.message.text, /The session goes on there; its reports arrive here when the machine reconnects/);
    // Both survivors beat five times a second: a second notice would show within this.
    await sleep(1_500);
    assert.equal(offline().length, 1, 'told once, by one survivor');
    assert.equal(back().length, 0);

    // The machine comes back on C.
    await b.link.stop();
    const link = new BridgeLink({ bridgeUrl: c.bridge.url, token: RUNNER_TOKEN, runner: b.runner, identity: b.identity, agent: 'builtin', logger: silentLogger, backoff: { minMs: 50, maxMs: 500 } });
    links.push(link);
    const online = new Promise<void>((resolve) => link.onStatus((status) => status === 'online' && resolve()));
    link.start();
    await online;
    await until(() => back().length > 0, 'the back-online note');
    release();
    await chatB.waitFor(() => chatB.inThread(thread).some((posted) => /^Session [0-9a-f]{8} completed/.test(RecordingTransport.latest(posted).title ?? '')), 'the final message', 20_000);
    await sleep(1_000);
    process.stdout.write(`      ${signal}: offline note ${toldMs} ms after the signal (notice delay 500 ms, window 1500 ms); back-online notes ${back().length}, offline notes ${offline().length}\n`);
    assert.equal(back().length, 1, 'told once it is back');
    assert.equal(offline().length, 1);
  }

  it('a thread whose machine was on the killed bridge is told once that it went offline, by one of two survivors, and once that it is back when it reconnects to a survivor', () =>
    toldAcrossBridges('SIGKILL', /went offline \(the bridge it was linked to stopped answering\)/));

  it('when the bridge holding the machine stops cleanly, a survivor tells its thread once, and once when it is back', () =>
    toldAcrossBridges('SIGTERM', /went offline \(its link to the bridges closed\)/));
});
