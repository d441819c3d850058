import assert from 'node:assert/strict';
import path from 'node:path';
import type { ThreadRef } from '../../../bridge/chat.js';
import { EDITOR_PROTOCOL_VERSION } from '../../../shared/protocol/runnerEditor.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { alice, killLingeringRunner, makeEditorRepo, prepareEditorMachine } from './editorFixtures.js';
import { RunnerProcess } from './runnerProcess.js';

/** Two editor runner processes on one DISPATCH_HOME, as two windows (or a reload) make them. */
describe('two windows, one machine', function () {
  this.timeout(90_000);
  const temp = new TempDirs();
  const runners: RunnerProcess[] = [];
  let live: LiveBridge | undefined;
  let home = '';
  let repo = '';
  let chat: RecordingTransport;

  beforeEach(async () => {
    chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [], transports: [chat], withRunner: false });
    repo = makeEditorRepo(path.join(temp.make(), 'api'));
    home = temp.make('dispatch-editor-home-');
    await prepareEditorMachine(home, live.bridge, [alice]);
  });
  afterEach(async () => {
    for (const runner of runners.splice(0)) runner.child.kill('SIGKILL');
    killLingeringRunner(home);
    await live?.stop();
    temp.cleanup();
  });

  const window = async (): Promise<RunnerProcess> => {
    const runner = RunnerProcess.spawn({ DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN });
    runners.push(runner);
    await runner.initialize({
      protocolVersion: EDITOR_PROTOCOL_VERSION,
      bridgeUrl: live!.bridge.url,
      machineName: 'editor-box',
      repositories: [{ name: 'api', path: repo }],
      repositoriesFromWorkspace: false,
    });
    return runner;
  };
  const online = (runner: RunnerProcess) => runner.waitFor(() => runner.links.at(-1)?.status === 'online', 'the link to be online');
  const approvalInChat = async (thread: ThreadRef) => {
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');
    return chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
  };
  /** shutdown + exit, as vscode-languageclient does when its window closes or reloads. */
  const close = async (runner: RunnerProcess) => {
    await runner.connection.sendRequest('shutdown');
    await runner.connection.sendNotification('exit');
    runner.child.stdin!.end();
  };

  it('a second window attaches to the first window\'s runner: it shows the session, approves it, and sees the result', async () => {
    const first = await window();
    await online(first);
    const thread = await chat.say(alice, 'run the tests');
    await approvalInChat(thread);

    const second = await window();
    await online(second);
    assert.ok(!second.links.some((link) => link.status === 'offline'), 'the second window is never shown offline');
    const { sessions } = await second.request('sessions/list', {});
    assert.equal(sessions.length, 1);
    const session = sessions[0]!;
    assert.equal(session.state, 'waiting_for_approval');

    await second.request('approval/decide', { sessionId: session.sessionId, decision: { requestId: session.pendingApprovals[0]!.requestId, decision: 'approve_once' } });
    await second.waitFor(() => second.latest(session.sessionId)?.state === 'completed', 'the result in the second window');
    await first.waitFor(() => first.latest(session.sessionId)?.state === 'completed', 'the result in the first window');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the result in the chat');

    // The first window closes: the second window's runner takes the machine over.
    await close(first);
    assert.equal(await first.exited, 0);
    await second.waitFor(() => second.logs.some((line) => /runner ready/.test(line)), 'the second runner to take over');
    await online(second);
    const after = await second.request('sessions/list', {});
    assert.equal(after.sessions[0]?.state, 'completed');
  });

  it('a reload during a run keeps the completed session completed, with its result', async () => {
    const first = await window();
    await online(first);
    const thread = await chat.say(alice, 'run the tests');
    const approval = await approvalInChat(thread);

    // Reload: the old runner keeps its session; the new window's runner starts beside it.
    await close(first);
    const second = await window();
    await online(second);
    const waiting = await second.request('sessions/list', {});
    assert.equal(waiting.sessions[0]?.state, 'waiting_for_approval');
    const sessionId = waiting.sessions[0]!.sessionId;

    await chat.press(alice, approval, approval.message.buttons![0]!.value);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the result in the chat');
    assert.equal(await first.exited, 0, 'the old runner exits after its session');
    await second.waitFor(() => second.logs.some((line) => /runner ready/.test(line)), 'the new runner to take over');

    const { sessions } = await second.request('sessions/list', {});
    const session = sessions.find((s) => s.sessionId === sessionId)!;
    assert.equal(session.state, 'completed');
    assert.ok((session.result?.tests?.passed ?? 0) > 0, 'the result is the run\'s, with its test counts');
    assert.doesNotMatch(session.result?.summary ?? '', /Interrupted/);
    assert.ok(!second.changes.some((change) => change.session.state === 'interrupted'), 'the editor never hears "interrupted"');
    assert.ok(!chat.inThread(thread).some((p) => /interrupted/i.test(`${p.message.title ?? ''} ${p.message.text ?? ''}`)), 'nor does the chat');
  });
});
