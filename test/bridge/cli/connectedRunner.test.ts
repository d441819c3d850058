import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runRunnerCommand } from '../../../extension/core/cli/runnerCommand.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { TempDirs, makeRepo, nodeTestProject } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';

describe('dispatch runner --bridge', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    temp.cleanup();
  });

  it('serves the bridge from the command line until Ctrl+C', async () => {
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const chat = new RecordingTransport('web');
    const alice = { platform: 'web' as const, userId: 'alice' };
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice], withRunner: false });
    const home = temp.make('dispatch-cli-home-');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'machine.json'), JSON.stringify({ machineId: live.machineId }));

    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk) => (out += chunk));
    let stop: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (stop = resolve));
    const exit = runRunnerCommand(['--bridge', live.bridge.url.replace('http', 'ws')], {
      stdout,
      stderr: new PassThrough(),
      stdin: Readable.from([]),
      env: { DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN, DISPATCH_REPOS: `api=${repo}` },
      cwd: repo,
      until,
    });
    const deadline = Date.now() + 10_000;
    while (!live.bridge.hub.isOnline(live.machineId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(live.bridge.hub.isOnline(live.machineId), 'the command line runner connected');

    const thread = await chat.say(alice, 'run the tests');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');
    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    await chat.press(alice, approval, approval.message.buttons![1]!.value);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /completed/.test(p.message.title ?? '')), 'the result');
    assert.match(out, /Connected to ws:\/\/127\.0\.0\.1:\d+ as /);
    assert.match(out, /\] completed/);

    stop(); // as Ctrl+C would
    assert.equal(await exit, 0);
  });

  it('refuses --bridge together with --task', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (chunk) => (err += chunk));
    const code = await runRunnerCommand(['--bridge', 'ws://127.0.0.1:1', '--task', 'x'], { stdout: new PassThrough(), stderr, stdin: Readable.from([]), env: {}, cwd: process.cwd() });
    assert.equal(code, 2);
    assert.match(err, /leave out --task/);
  });
});
