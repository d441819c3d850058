import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger } from '../../../shared/logger.js';
import { createAgentFactory } from '../../../extension/core/agents/registry.js';
import { runRunnerCommand } from '../../../extension/core/cli/runnerCommand.js';
import { BridgeLink } from '../../../extension/core/link/bridgeLink.js';
import { Runner } from '../../../extension/core/runner.js';
import { BridgeRotation } from '../../../extension/core/link/bridgeRotation.js';
import { bridgeLabel, parseBridgeUrls } from '../../../extension/core/link/bridgeUrls.js';
import { makeRepo, TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { RecordingLogger } from '../../helpers/recordingLogger.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { dispatch, recorder } from './cliIo.js';
import { freePort, startBridgeProcess } from '../../helpers/bridgeChild.js';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}



describe('bridge URLs: one, or several separated by commas', () => {
  it('keeps the order written, trimmed', () => {
    assert.deepEqual(parseBridgeUrls(' ws://a:7878 ,https://b.example'), ['ws://a:7878', 'https://b.example']);
    assert.deepEqual(parseBridgeUrls('ws://127.0.0.1:7878'), ['ws://127.0.0.1:7878']);
  });

  it('a bad entry is an error that names it and the setting it came from', () => {
    const cases: { text: string; message: RegExp }[] = [
      { text: 'ws://a:1,bridge-b:7878', message: /^--bridge lists "bridge-b:7878", which is not a ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/ URL\.$/ },
      { text: 'ws://a:1,not a url', message: /^--bridge lists "not a url", which is not a URL \(write it like ws:\/\/host:7878\)\.$/ },
      { text: 'ws://a:1,,ws://b:2', message: /^--bridge lists entry 2, which is empty/ },
      { text: 'ftp://files.example', message: /^--bridge lists "ftp:\/\/files\.example"/ },
    ];
    for (const { text, message } of cases) assert.throws(() => parseBridgeUrls(text, '--bridge'), (error: Error) => message.test(error.message), text);
  });

  it('the label of a URL with credentials or a query shows neither', () => {
    assert.equal(bridgeLabel('wss://runner:s3cret@bridge.example/?token=abc'), 'wss://bridge.example');
    assert.equal(bridgeLabel('ws://127.0.0.1:7878'), 'ws://127.0.0.1:7878');
  });

  it('a failed bridge moves on to the next at once; a round where all failed backs off; a working one is kept', () => {
    const rotation = new BridgeRotation('ws://a,ws://b,ws://c');
    assert.equal(rotation.current, 'ws://a');
    assert.deepEqual([rotation.failed(), rotation.current], ['next', 'ws://b']);
    assert.deepEqual([rotation.failed(), rotation.current], ['next', 'ws://c']);
    assert.deepEqual([rotation.failed(), rotation.current], ['backoff', 'ws://a']);
    assert.deepEqual([rotation.failed(), rotation.current], ['next', 'ws://b']);
    rotation.succeeded(); // b works for a while, then fails: c and a are each tried before any wait
    assert.deepEqual([rotation.failed(), rotation.current], ['next', 'ws://c']);
    assert.deepEqual([rotation.failed(), rotation.current], ['next', 'ws://a']);
    assert.deepEqual([rotation.failed(), rotation.current], ['backoff', 'ws://b']);
  });

  it('with one bridge every failure backs off, as before', () => {
    const rotation = new BridgeRotation('ws://only');
    for (let i = 0; i < 3; i += 1) assert.deepEqual([rotation.failed(), rotation.current], ['backoff', 'ws://only']);
  });
});

describe('a runner with several bridges fails over to the next', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  const children: ChildProcess[] = [];
  const lives: LiveBridge[] = [];
  const proxies: TcpProxy[] = [];
  afterEach(async () => {
    for (const live of lives.splice(0)) await live.stop().catch(() => undefined); // one test stops a bridge itself
    for (const proxy of proxies.splice(0)) await proxy.close();
    for (const child of children.splice(0)) child.kill('SIGKILL');
    temp.cleanup();
  });

  it('dispatch runner --bridge A,B: after kill -9 of A it is connected to B within seconds, and says so', async () => {
    const repo = makeRepo(path.join(temp.make(), 'api'));
    const home = temp.make('failover-home-');
    const portA = await freePort();
    const bridgeA = `http://127.0.0.1:${portA}`;
    children.push(await startBridgeProcess(temp.make('bridge-a-'), portA));
    const b = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false });
    lives.push(b);

    const env = { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, PATH: process.env.PATH ?? '', HOME: home };
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const out = recorder();
    const serving = runRunnerCommand(['--bridge', `${bridgeA},${b.bridge.url}`], { stdout: out.stream, stderr: out.stream, stdin: process.stdin, env, cwd: repo, until: stopped });
    await until(() => out.text().includes(`Connected to ${bridgeA} as `), 'connected to A');
    const { machineId } = JSON.parse(readFileSync(path.join(home, 'machine.json'), 'utf8')) as { machineId: string };
    assert.equal(b.bridge.hub.isOnline(machineId), false, 'one bridge at a time');

    children[0]!.kill('SIGKILL');
    const killedAt = Date.now();
    await until(() => out.text().includes(`Connected to ${b.bridge.url} as `), 'connected to B');
    const failoverMs = Date.now() - killedAt;
    assert.ok(b.bridge.hub.isOnline(machineId), 'B has the machine online');
    assert.ok(failoverMs < 3_000, `connected to B ${failoverMs} ms after A was killed`);
    console.log(`      kill -9 of bridge A → connected to bridge B in ${failoverMs} ms`);

    const status = (await dispatch(['service', 'status'], env, repo)).stdout;
    assert.match(status, new RegExp(`^connected: yes \\(${b.bridge.url.replace(/[/.]/g, '\\$&')}\\)$`, 'm'));
    stop();
    assert.equal(await serving, 0);
    assert.ok(!out.text().includes(RUNNER_TOKEN) && !readFileSync(path.join(home, 'link.json'), 'utf8').includes(RUNNER_TOKEN), 'no token in the output or the state file');
  });

  it('a link gone silent (ping/pong) fails over to the second bridge, which it keeps while it works', async () => {
    const repo = makeRepo(path.join(temp.make(), 'api'));
    const DEAD_MS = 800;
    const link = { pingMs: 100, deadMs: DEAD_MS, requestTimeoutMs: 2_000, offlineNoticeMs: 0 };
    const b = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false, link });
    lives.push(b);
    const logger = new RecordingLogger();
    let urls = '';
    const a = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false, link, logger, runnerUrl: () => urls });
    lives.push(a);
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(a.bridge.url).port) });
    proxies.push(proxy);
    urls = `${proxy.url},${b.bridge.url}`;
    await a.startRunner();
    assert.equal(a.link.bridgeUrl, proxy.url);
    assert.ok(a.bridge.hub.isOnline(a.machineId) && !b.bridge.hub.isOnline(a.machineId));

    proxy.silence();
    const silencedAt = Date.now();
    await until(() => a.link.status === 'online' && a.link.bridgeUrl === b.bridge.url && b.bridge.hub.isOnline(a.machineId), 'connected to B');
    const failoverMs = Date.now() - silencedAt;
    assert.ok(failoverMs < DEAD_MS + 1_500, `connected to B ${failoverMs} ms after A's link went silent (dead time ${DEAD_MS} ms)`);
    console.log(`      silent link to bridge A → connected to bridge B in ${failoverMs} ms (dead time ${DEAD_MS} ms)`);
    const connected = logger.lines.filter((line) => line.message === 'connected to the bridge').map((line) => line.fields.bridge);
    assert.deepEqual(connected, [proxy.url, b.bridge.url], 'the log says which bridge');

    // A answers again, but the runner keeps the bridge that works.
    proxy.cut();
    proxy.heal();
    await sleep(1_000);
    assert.equal(a.link.bridgeUrl, b.bridge.url);
    assert.equal(proxy.connections, 0, 'no dial to A while B works');

    assert.ok(!JSON.stringify(logger.lines).includes(RUNNER_TOKEN), 'no token in the log');
  });

  it('the last bridge failing wraps around to the first (two addresses of one bridge, so one database)', async () => {
    const repo = makeRepo(path.join(temp.make(), 'api'));
    let urls = '';
    const live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false, runnerUrl: () => urls });
    lives.push(live);
    const target = { host: '127.0.0.1', port: Number(new URL(live.bridge.url).port) };
    const first = await TcpProxy.start(target);
    const second = await TcpProxy.start(target);
    proxies.push(first, second);
    urls = `${first.url},${second.url}`;
    await live.startRunner();
    first.down();
    await until(() => live.link.status === 'online' && live.link.bridgeUrl === second.url, 'on the second address');
    first.heal();
    second.down();
    await until(() => live.link.status === 'online' && live.link.bridgeUrl === first.url && live.bridge.hub.isOnline(live.machineId), 'back on the first address');
  });

  it('a first bridge that refuses connections is passed over at once', async () => {
    const repo = makeRepo(path.join(temp.make(), 'api'));
    const b = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false });
    lives.push(b);
    const down = await TcpProxy.start({ host: '127.0.0.1', port: await freePort() });
    proxies.push(down);
    down.down();
    const a = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false, runnerUrl: () => `${down.url},${b.bridge.url}` });
    lives.push(a);
    const startedAt = Date.now();
    await a.startRunner();
    const ms = Date.now() - startedAt;
    assert.equal(a.link.bridgeUrl, b.bridge.url);
    assert.ok(b.bridge.hub.isOnline(a.machineId));
    // The backoff (50 ms here) is not what the second bridge waits for: it is dialled straight after the first refuses.
    assert.ok(ms < 2_000, `online at B after ${ms} ms`);
  });

  it('with every bridge down, each round dials all of them at once and only then waits for the backoff', async () => {
    const dials = [0, 0];
    const servers = dials.map((_, index) => createServer((socket) => {
      dials[index]! += 1;
      socket.destroy(); // a bridge host that refuses: the connection drops at once
    }));
    for (const server of servers) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const urls = servers.map((server) => `ws://127.0.0.1:${(server.address() as { port: number }).port}`);
    const runner = new Runner({ home: temp.make('rounds-home-'), repos: [{ name: 'api', path: makeRepo(path.join(temp.make(), 'api')) }], agents: createAgentFactory() });
    const link = new BridgeLink({ bridgeUrl: urls.join(','), token: RUNNER_TOKEN, runner, identity: { machineId: 'machine-test', machineName: 'laptop' }, agent: 'builtin', logger: silentLogger, backoff: { minMs: 1_500, maxMs: 1_500 } });
    try {
      link.start();
      await until(() => dials[1] === 1, 'the second bridge dialled in the first round', 1_000);
      await sleep(700);
      assert.deepEqual(dials, [1, 1], 'then the backoff: no dial while it runs');
      await until(() => dials[0] === 2 && dials[1] === 2, 'the second round', 3_000);
      await until(() => link.status === 'offline', 'offline while it waits', 1_000);
    } finally {
      await link.stop();
      await runner.stop();
      for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('dispatch pair with DISPATCH_BRIDGE_URL listing a bridge that is down gets its code from the next', async () => {
    const repo = makeRepo(path.join(temp.make(), 'api'));
    const b = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false });
    lives.push(b);
    const home = temp.make('pair-home-');
    const down = `http://127.0.0.1:${await freePort()}`;
    const run = await dispatch(['pair'], { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, DISPATCH_BRIDGE_URL: `${down},${b.bridge.url}`, PATH: process.env.PATH ?? '', HOME: home }, repo);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Send the bot: {2}pair \d{6}/);
  });

  it('dispatch runner --bridge with a bad entry says which, and starts nothing', async () => {
    const repo = makeRepo(path.join(temp.make(), 'api'));
    const home = path.join(temp.make(), 'home');
    const out = recorder();
    const code = await runRunnerCommand(['--bridge', 'ws://127.0.0.1:1,bridge-b'], { stdout: out.stream, stderr: out.stream, stdin: process.stdin, env: { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, PATH: process.env.PATH ?? '', HOME: home }, cwd: repo, until: Promise.resolve() });
    assert.notEqual(code, 0);
    assert.match(out.text(), /--bridge lists "bridge-b", which is not a URL/);
    assert.ok(!existsSync(home) || readdirSync(home).length === 0, 'DISPATCH_HOME untouched');
  });
});
