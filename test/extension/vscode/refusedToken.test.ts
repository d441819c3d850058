import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EDITOR_PROTOCOL_VERSION } from '../../../shared/protocol/runnerEditor.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { alice, makeEditorRepo, prepareEditorMachine } from './editorFixtures.js';
import { RunnerProcess } from './runnerProcess.js';

describe('the editor runner with a token the bridge refuses', function () {
  this.timeout(40_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let runner: RunnerProcess | undefined;
  afterEach(async () => {
    await runner?.stop();
    await live?.stop();
    temp.cleanup();
  });

  it('reports "unauthorized" with the action to take, stops dialling, and a right token gets it online', async () => {
    live = await startLiveBridge({ repos: [], transports: [new RecordingTransport('web')], withRunner: false });
    const repo = makeEditorRepo(path.join(temp.make(), 'api'));
    const home = temp.make('dispatch-editor-home-');
    await prepareEditorMachine(home, live.bridge, [alice]);
    const settings = {
      protocolVersion: EDITOR_PROTOCOL_VERSION,
      bridgeUrl: live.bridge.url,
      machineName: 'editor-box',
      repositories: [{ name: 'api', path: repo }],
      repositoriesFromWorkspace: false,
    };
    const wrong = 'not-the-bridge-token-0123456789';
    runner = RunnerProcess.spawn({ DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: wrong });
    await runner.initialize(settings);
    await runner.waitFor(() => runner!.links.at(-1)?.status === 'unauthorized', 'the refusal');
    const link = await runner.request('link/status', {});
    assert.equal(link.status, 'unauthorized');
    assert.match(link.detail ?? '', /refused/);
    assert.match(link.detail ?? '', /Set Runner Token/);

    // The default backoff would dial again within a second or two; a refused token is not retried.
    await sleep(3_000);
    const attempts = runner.logs.filter((line) => /bridge link failed/.test(line)).length;
    assert.equal(attempts, 1, runner.logs.join('\n'));
    assert.equal(runner.links.at(-1)?.status, 'unauthorized');
    assert.ok(!runner.logs.some((line) => line.includes(wrong)), 'the token never reaches the log');

    // "Set Runner Token" restarts the runner with the new token in its environment.
    await runner.stop();
    runner = RunnerProcess.spawn({ DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN });
    await runner.initialize(settings);
    await runner.waitFor(() => runner!.links.at(-1)?.status === 'online', 'the link online');
  });
});
