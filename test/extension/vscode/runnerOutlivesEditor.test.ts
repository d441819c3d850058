import assert from 'node:assert/strict';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EDITOR_PROTOCOL_VERSION } from '../../../shared/protocol/runnerEditor.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { alice, makeEditorRepo, prepareEditorMachine } from './editorFixtures.js';
import { RunnerProcess } from './runnerProcess.js';

describe('closing the editor window', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let runner: RunnerProcess | undefined;
  afterEach(async () => {
    runner?.child.kill('SIGKILL');
    await live?.stop();
    temp.cleanup();
  });

  it('leaves a session under way running: it is approved from the chat, finishes, and then the runner exits', async () => {
    const chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [], transports: [chat], withRunner: false });
    const repo = makeEditorRepo(path.join(temp.make(), 'api'));
    const home = temp.make('dispatch-editor-home-');
    await prepareEditorMachine(home, live.bridge, [alice]);
    runner = RunnerProcess.spawn({ DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN });
    await runner.initialize({
      protocolVersion: EDITOR_PROTOCOL_VERSION,
      bridgeUrl: live.bridge.url,
      machineName: 'editor-box',
      repositories: [{ name: 'api', path: repo }],
      repositoriesFromWorkspace: false,
    });
    await runner.waitFor(() => runner!.links.some((link) => link.status === 'online'), 'the link to come online');

    const thread = await chat.say(alice, 'run the tests');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');

    // The window closes: the editor shuts the runner down as vscode-languageclient does.
    await runner.connection.sendRequest('shutdown');
    await runner.connection.sendNotification('exit');
    runner.child.stdin!.end();
    let exited = false;
    void runner.exited.then(() => (exited = true));
    await sleep(1_000);
    assert.equal(exited, false, 'the runner waits for its session');

    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    await chat.press(alice, approval, approval.message.buttons![0]!.value);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the result in the chat');
    assert.equal(await runner.exited, 0, 'and then it exits');
  });
});
