import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgStore } from '../../../bridge/store/pg/pgStore.js';
import type { Agent, AgentFactory } from '../../../extension/core/agents/agent.js';
import { BridgeLink } from '../../../extension/core/link/bridgeLink.js';
import { Runner } from '../../../extension/core/runner.js';
import { isFinal } from '../../../shared/sessions.js';
import { silentLogger } from '../../../shared/logger.js';
import { FakeSlack } from '../../helpers/fakeSlack.js';
import { makeRepo } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN } from '../../helpers/liveBridge.js';
import { usePostgres } from '../../helpers/postgres.js';
import { APP_TOKEN, BOT_TOKEN } from '../transports/slack/slackHarness.js';
import { builtBridgeMissing, freePort, startBuiltBridge } from '../../helpers/bridgeChild.js';

const TASKS = 200;
const RUNNERS_PER_BRIDGE = 2;


const until = async (test: () => boolean | Promise<boolean>, what: string, ms: number): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** An agent that starts, says so, and finishes only when the test lets it: every task is in flight at the kill. */
function gatedAgent(starts: Map<string, number>, gate: Promise<void>): AgentFactory {
  const agent: Agent = {
    name: 'gated',
    async *run(context) {
      starts.set(context.task, (starts.get(context.task) ?? 0) + 1);
      yield { kind: 'progress', text: 'working on it' };
      await Promise.race([gate, new Promise((resolve) => context.signal.addEventListener('abort', resolve, { once: true }))]);
      yield { kind: 'outcome', outcome: { status: 'completed', summary: `done: ${context.task}`, commitChanges: false } };
    },
  };
  return () => agent;
}

describe('kill -9 of one of two built bridges (dispatch bridge from dist/) with 200 tasks in flight', function () {
  this.timeout(240_000);
  const postgres = usePostgres();
  const children: ChildProcess[] = [];
  const folders: string[] = [];
  const links: BridgeLink[] = [];
  const runners: Runner[] = [];
  const fakes: FakeSlack[] = [];
  let store: PgStore | undefined;

  after(async () => {
    for (const link of links) await link.stop().catch(() => undefined);
    for (const runner of runners) await runner.stop().catch(() => undefined);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const fake of fakes) await fake.close();
    await store?.close();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  // The bridges are the built CLI, started as a user starts them: `dispatch bridge`, configured by its environment.
  before(function () {
    const missing = builtBridgeMissing();
    if (missing) throw new Error(missing);
  });

  async function startBridge(url: string, fake: FakeSlack, port: number): Promise<{ child: ChildProcess; url: string }> {
    const home = mkdtempSync(join(tmpdir(), 'dispatch-kill-bridge-'));
    folders.push(home);
    const env = { DISPATCH_HOME: join(home, 'home'), DISPATCH_PORT: String(port), DISPATCH_DATABASE_URL: url, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, DISPATCH_WEB: 'off', DISPATCH_LOG_LEVEL: 'warn', SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, DISPATCH_SLACK_API_URL: fake.apiUrl };
    const started = await startBuiltBridge(env, home);
    children.push(started.child);
    return started;
  }

  it('loses nothing, runs nothing twice, posts one ending per thread, and the runners move to the survivor', async () => {
    const url = await postgres.cluster().createDatabase();
    store = await PgStore.open(url);
    const [fakeA, fakeB] = [await FakeSlack.start(), await FakeSlack.start()];
    fakes.push(fakeA, fakeB);
    const ports = [await freePort(), await freePort()];
    const [a, b] = await Promise.all([startBridge(url, fakeA, ports[0]!), startBridge(url, fakeB, ports[1]!)]);
    const bridgeUrls = [a.url, b.url];

    // Two runners on each bridge, each its own machine, each paired with its own Slack user.
    const starts = new Map<string, number>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const machines: { id: string; user: string; onBridge: 0 | 1; link?: BridgeLink; reconnectedAt?: number }[] = [];
    for (const onBridge of [0, 1] as const) for (let n = 0; n < RUNNERS_PER_BRIDGE; n += 1) machines.push({ id: `m-${onBridge}-${n}`, user: `U${onBridge}X${n}`, onBridge });
    for (const machine of machines) {
      await store.upsertMachine({ id: machine.id, name: machine.id, platform: 'linux', agent: 'builtin', repos: [{ name: 'api', default: true }], lastSeenAt: 0 });
      await store.addPairing({ platform: 'slack', userId: machine.user }, machine.id, 0);
      const home = mkdtempSync(join(tmpdir(), 'dispatch-kill-runner-'));
      folders.push(home);
      const repo = makeRepo(join(home, 'api'));
      const runner = new Runner({ home: join(home, 'machine'), repos: [{ name: 'api', path: repo }], agents: gatedAgent(starts, gate), maxSessions: TASKS, logger: silentLogger });
      await runner.start();
      runners.push(runner);
      // Its own bridge first, the other as the failover (DISPATCH_BRIDGE_URL with two URLs).
      const urls = machine.onBridge === 0 ? bridgeUrls : [...bridgeUrls].reverse();
      const link = new BridgeLink({
        bridgeUrl: urls.join(','),
        token: RUNNER_TOKEN,
        runner,
        identity: { machineId: machine.id, machineName: machine.id, credentialFile: join(home, 'machine-credential.json') },
        agent: 'builtin',
        logger: silentLogger,
        backoff: { minMs: 50, maxMs: 500 },
      });
      const online = new Promise<void>((resolve) => link.onStatus((status) => status === 'online' && resolve()));
      link.start();
      await online;
      machine.link = link;
      links.push(link);
    }

    // 200 tasks typed in Slack, each a new DM thread, on the bridge its machine is linked to.
    const threads: { fake: FakeSlack; channel: string; ts: string; task: string }[] = [];
    for (let n = 0; n < TASKS; n += 1) {
      const machine = machines[n % machines.length]!;
      const fake = machine.onBridge === 0 ? fakeA : fakeB;
      const task = `run the tests, task ${n}`;
      const { channel, ts, body } = fake.dmEvent(machine.user, task);
      // One workspace behind two fakes: event and envelope ids must be unique across them (handled once across bridges).
      fake.deliver('events_api', { ...body, event_id: `Ev${machine.onBridge}x${n}` }, `env-${machine.onBridge}-${n}`);
      threads.push({ fake, channel, ts, task });
    }
    await until(() => starts.size === TASKS, `${TASKS} sessions started`, 120_000).catch(async (error: unknown) => {
      const jobs = await store!.listJobs({ limit: 1_000 });
      throw new Error(`${String(error)}: ${starts.size} started; jobs ${jobs.map((job) => `${job.delivery}/${job.state}`).join(' ')}; Slack posts ${fakeA.messages.length + fakeB.messages.length}: ${fakeA.messages.slice(0, 2).map((message) => message.text).join(' | ')}`);
    });

    // kill -9 the first bridge while every session runs.
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    // How long the survivor's /healthz still lists the killed bridge (its id names its process).
    let peerGoneMs: number | undefined;
    void (async () => {
      while (peerGoneMs === undefined && Date.now() - killedAt < 30_000) {
        const body = (await fetch(`${b.url}/healthz`).then((response) => response.json()).catch(() => ({}))) as { bridges?: { id: string }[] };
        if (body.bridges && !body.bridges.some((seen) => seen.id.includes(`-${a.child.pid}-`))) peerGoneMs = Date.now() - killedAt;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    for (const machine of machines.filter((candidate) => candidate.onBridge === 0)) {
      machine.link!.onStatus((status) => {
        if (status === 'online' && machine.reconnectedAt === undefined && machine.link!.bridgeUrl === b.url) machine.reconnectedAt = Date.now();
      });
    }
    await until(() => machines.filter((machine) => machine.onBridge === 0).every((machine) => machine.reconnectedAt !== undefined), 'the first bridge’s runners online at the survivor', 30_000);
    release();

    const jobsDone = async () => (await store!.listJobs({ limit: 1_000 })).filter((job) => isFinal(job.state)).length;
    await until(async () => (await jobsDone()) === TASKS, 'every job ended', 90_000);
    const finalsIn = (thread: (typeof threads)[0]) => [fakeA, fakeB].flatMap((fake) => fake.messages).filter((message) => message.channel === thread.channel && message.threadTs === thread.ts && /Session [0-9a-f]{8} completed/.test(message.text)).length;
    await until(() => threads.every((thread) => finalsIn(thread) >= 1), 'an ending in every thread', 60_000);
    const allToldMs = Date.now() - killedAt;
    // Time for a duplicate to show.
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const jobs = await store.listJobs({ limit: 1_000 });
    const lost = TASKS - jobs.filter((job) => job.state === 'completed').length;
    const ranTwice = [...starts.values()].filter((count) => count > 1).length;
    const finals = threads.map(finalsIn);
    const reconnectMs = machines.filter((machine) => machine.onBridge === 0).map((machine) => machine.reconnectedAt! - killedAt);
    const offlineNotes = [fakeA, fakeB].flatMap((fake) => fake.messages).filter((message) => /went offline/.test(message.text)).length;
    process.stdout.write(`      lost ${lost}, run twice ${ranTwice}, finals per thread ${Math.min(...finals)}..${Math.max(...finals)}, runners reconnected after ${reconnectMs.join(' / ')} ms, every ending posted ${allToldMs} ms after the kill; killed bridge gone from the survivor's /healthz after ${peerGoneMs} ms; "went offline" notes ${offlineNotes}\n`);
    assert.equal(jobs.length, TASKS, 'one job per task');
    assert.equal(lost, 0, 'every task completed');
    assert.equal(starts.size, TASKS);
    assert.equal(ranTwice, 0, 'no task run twice');
    assert.deepEqual(finals.filter((count) => count !== 1), [], 'exactly one final message per thread');
    assert.ok(machines.every((machine) => machine.link!.bridgeUrl === b.url), 'every runner is on the survivor');
    assert.deepEqual(await store.unnotifiedEvents(10), [], 'everything told');
    assert.ok(peerGoneMs !== undefined && peerGoneMs < 5_000, `the killed bridge left /healthz within seconds, not the 15 s window: ${peerGoneMs} ms`);
  });
});
