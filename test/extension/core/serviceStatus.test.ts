import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runRunnerCommand } from '../../../extension/core/cli/runnerCommand.js';
import { makeRepo, TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { dispatch, recorder } from './cliIo.js';

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('dispatch service status: connected and paired, from the running runner', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('says connected once the runner is online, paired after a chat user pairs, and offline after it stops', async () => {
    const repo = makeRepo(path.join(temp.make(), 'api'));
    const home = temp.make('status-home-');
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false });
    const env = { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, PATH: process.env.PATH ?? '', HOME: home };
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const out = recorder();
    const serving = runRunnerCommand(['--bridge', live.bridge.url], { stdout: out.stream, stderr: out.stream, stdin: process.stdin, env, cwd: repo, until: stopped });
    const status = async () => (await dispatch(['service', 'status'], env, repo)).stdout;

    await until(async () => /^connected: yes/m.test(await status()), 'connected');
    const text = await status();
    assert.match(text, new RegExp(`^connected: yes \\(${live.bridge.url.replace(/[/.]/g, '\\$&')}\\)$`, 'm'));
    assert.match(text, /^paired: +no — run `dispatch pair` and send the code to the bot$/m);

    const { machineId } = JSON.parse(readFileSync(path.join(home, 'machine.json'), 'utf8')) as { machineId: string };
    await live.bridge.store.addPairing({ platform: 'web', userId: 'ana' }, machineId, Date.now());
    await live.bridge.hub.pairingChanged(machineId);
    await until(async () => /^paired: +yes$/m.test(await status()), 'paired');

    stop();
    assert.equal(await serving, 0);
    assert.match(await status(), /^connected: no — offline/m);
    assert.ok(!readFileSync(path.join(home, 'link.json'), 'utf8').includes(RUNNER_TOKEN), 'the state file holds no token');
  });
});
