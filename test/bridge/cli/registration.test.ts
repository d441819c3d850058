import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runRunnerCommand } from '../../../extension/core/cli/runnerCommand.js';
import { TempDirs, makeRepo, nodeTestProject } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { capturedOutput, runCli } from '../../helpers/cliRun.js';

describe('a new machine registers once with the registration token (dispatch pair, dispatch runner)', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    temp.cleanup();
  });

  it('dispatch pair registers the machine and keeps its credential 0600; later commands need no registration token', async () => {
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false });
    const home = temp.make('dispatch-new-machine-');
    const bridge = live.bridge.url.replace('http', 'ws');

    const first = await runCli(['pair', '--bridge', bridge], { env: { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, DISPATCH_MACHINE_NAME: 'desk' }, cwd: repo });
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /Pairing code for desk: {2}\d{3} \d{3}/);
    const machineId = (JSON.parse(readFileSync(join(home, 'machine.json'), 'utf8')) as { machineId: string }).machineId;
    const file = join(home, 'machine-credential.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(await live.bridge.store.credentials.state(machineId), 'active');

    // Without DISPATCH_RUNNER_TOKEN now: the machine's own credential is enough.
    const again = await runCli(['pair', '--bridge', bridge], { env: { DISPATCH_HOME: home, DISPATCH_MACHINE_NAME: 'desk' }, cwd: repo });
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /Pairing code for desk/);

    let stop: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const runner = capturedOutput();
    const exit = runRunnerCommand(['--bridge', bridge], { ...runner, stdin: Readable.from([]), env: { DISPATCH_HOME: home, DISPATCH_MACHINE_NAME: 'desk', DISPATCH_REPOS: `api=${repo}` }, cwd: repo, until });
    const deadline = Date.now() + 10_000;
    while (!live.bridge.hub.isOnline(machineId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(live.bridge.hub.isOnline(machineId), `the runner connected with its credential: ${runner.text().out}${runner.text().err}`);
    assert.deepEqual((await live.bridge.store.getMachine(machineId))?.repos.map((r) => r.name), ['api']);
    stop();
    assert.equal(await exit, 0);
  });

  it('a bridge that does not know the credential (a new database) gets the machine registered again with the token', async () => {
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const home = temp.make('dispatch-moving-machine-');
    const env = { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN };
    const old = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false });
    try {
      assert.equal((await runCli(['pair', '--bridge', old.bridge.url], { env, cwd: repo })).code, 0);
    } finally {
      await old.stop();
    }
    const before = readFileSync(join(home, 'machine-credential.json'), 'utf8');
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], withRunner: false });
    const paired = await runCli(['pair', '--bridge', live.bridge.url], { env, cwd: repo });
    assert.equal(paired.code, 0, paired.err);
    const machineId = (JSON.parse(readFileSync(join(home, 'machine.json'), 'utf8')) as { machineId: string }).machineId;
    assert.equal(await live.bridge.store.credentials.state(machineId), 'active');
    assert.notEqual(readFileSync(join(home, 'machine-credential.json'), 'utf8'), before, 'the new bridge’s credential is kept');
  });

  it('a machine with neither a credential nor the registration token is told what to set', async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api')) }], withRunner: false });
    const bare = await runCli(['pair', '--bridge', live.bridge.url], { env: { DISPATCH_HOME: temp.make('dispatch-bare-') }, cwd: process.cwd() });
    assert.equal(bare.code, 2);
    assert.match(bare.err, /DISPATCH_RUNNER_TOKEN/);
  });
});
