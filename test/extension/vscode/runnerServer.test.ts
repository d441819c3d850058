import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EDITOR_PROTOCOL_VERSION } from '../../../shared/protocol/runnerEditor.js';
import { RecordingTransport } from '../../helpers/recordingTransport.js';
import { TempDirs } from '../../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../../helpers/liveBridge.js';
import { alice, EDITOR_MACHINE_ID, makeEditorRepo, prepareEditorMachine } from './editorFixtures.js';
import { RunnerProcess } from './runnerProcess.js';

const settings = (bridgeUrl: string, repo: string) => ({
  protocolVersion: EDITOR_PROTOCOL_VERSION,
  bridgeUrl,
  machineName: 'editor-box',
  repositories: [{ name: 'api', path: repo }],
  repositoriesFromWorkspace: false,
  maxConcurrentSessions: 2,
  approvalTtlMinutes: 30,
  agent: 'builtin',
});

describe('the editor runner process (runnerServer.ts) over stdio, against a live bridge', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge;
  let chat: RecordingTransport;
  let runner: RunnerProcess;
  let repo: string;
  let home: string;

  before(async () => {
    chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [], transports: [chat], withRunner: false });
    repo = makeEditorRepo(path.join(temp.make(), 'api'));
    home = temp.make('dispatch-editor-home-');
    await prepareEditorMachine(home, live.bridge, [alice]);
    runner = RunnerProcess.spawn({ DISPATCH_HOME: home, DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN });
    await runner.initialize(settings(live.bridge.url, repo));
    await runner.waitFor(() => runner.links.some((link) => link.status === 'online'), 'the link to come online');
  });
  after(async () => {
    await runner?.stop();
    await live?.stop();
    temp.cleanup();
  });

  it('reports the link with the machine the chat sees, and makes a pairing code', async () => {
    const link = await runner.request('link/status', {});
    assert.deepEqual(link, { status: 'online', machineId: EDITOR_MACHINE_ID, machineName: 'editor-box', bridgeUrl: live.bridge.url, paired: true });
    const pairing = await runner.request('pairing/create', {});
    assert.match(pairing.code, /^\d{6}$/);
    assert.equal(pairing.machineName, 'editor-box');
  });

  it('streams a chat task to the editor, takes the approval from the editor, and shows the changes', async () => {
    const thread = await chat.say(alice, 'run the tests');
    await runner.waitFor(() => runner.changes.some((change) => change.session.state === 'waiting_for_approval'), 'the approval request');
    const sessionId = runner.changes[0]!.session.sessionId;
    const { sessions } = await runner.request('sessions/list', {});
    const listed = sessions.find((session) => session.sessionId === sessionId)!;
    assert.equal(listed.state, 'waiting_for_approval');
    assert.equal(listed.job.requestedBy.userId, 'alice');
    const request = listed.pendingApprovals[0]!;
    assert.deepEqual(request.command, ['npm', 'test']);

    await runner.request('approval/decide', { sessionId, decision: { requestId: request.requestId, decision: 'approve_once' } });
    await runner.waitFor(() => runner.latest(sessionId)?.state === 'completed', 'the session to complete');
    // The bridge heard it too: the chat thread gets the approval and the result.
    await chat.waitFor(() => chat.inThread(thread).some((posted) => /completed/.test(RecordingTransport.latest(posted).title ?? '')), 'the final chat message');
    assert.equal((await live.bridge.store.getJob(sessionId))?.state, 'completed');

    const { events } = await runner.request('session/history', { sessionId });
    assert.deepEqual(events.map((event) => event.seq), Array.from({ length: events.length }, (_, index) => index + 1), 'the whole log, in order, no gaps');
    const resolved = events.find((event) => event.kind === 'approval_resolved');
    assert.equal(resolved?.kind === 'approval_resolved' && resolved.decision.decidedBy, 'the editor');

    const changes = await runner.request('session/changes', { sessionId });
    assert.deepEqual(changes.files, [{ path: 'CHANGELOG.md', status: 'modified', added: 1, removed: 0 }]);
    assert.match(readFileSync(path.join(changes.worktree, 'CHANGELOG.md'), 'utf8'), /tests ran in the session/);
    assert.deepEqual(await runner.request('session/baseFile', { sessionId, path: 'CHANGELOG.md' }), { content: '# Changelog\n' });
    assert.deepEqual(await runner.request('session/baseFile', { sessionId, path: 'no-such-file.txt' }), { content: null });
    await assert.rejects(runner.request('session/baseFile', { sessionId, path: '../../etc/passwd' }), { code: 'bad_input' });
  });

  it('refuses to push a session without a remote, plainly, and changes nothing; names its home for dispatch attach', async () => {
    const sessionId = runner.changes[0]!.session.sessionId;
    const before = await runner.request('sessions/list', {});
    await assert.rejects(runner.request('session/ship', { sessionId, action: 'push', draft: true }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'not_found');
      assert.match(error.message, /^api has no remote to push to, so dispatch\/\S+ stays on the machine\./);
      return true;
    });
    assert.deepEqual(await runner.request('sessions/list', {}), before, 'the session is as it was');
    await assert.rejects(runner.request('session/ship', { sessionId: 'no-such-session', action: 'pr', draft: true }), { code: 'not_found' });
    assert.deepEqual(await runner.request('runner/info', {}), { home });
  });

  it('cancels a waiting session from the editor, and the chat hears of it', async () => {
    const before = new Set(runner.changes.map((change) => change.session.sessionId));
    await chat.say(alice, 'run the tests again');
    await runner.waitFor(() => runner.changes.some((change) => !before.has(change.session.sessionId) && change.session.state === 'waiting_for_approval'), 'the second approval request');
    const sessionId = runner.changes.find((change) => !before.has(change.session.sessionId))!.session.sessionId;
    await runner.request('session/cancel', { sessionId });
    await runner.waitFor(() => runner.latest(sessionId)?.state === 'cancelled', 'the cancellation');
    // The store is asynchronous, so this condition is polled rather than checked on each post.
    const recorded = async (): Promise<boolean> => (await live.bridge.store.getJob(sessionId))?.state === 'cancelled' || chat.posted.some((posted) => /cancelled/.test(RecordingTransport.latest(posted).title ?? ''));
    for (const end = Date.now() + 15_000; !(await recorded()); await new Promise((resolve) => setTimeout(resolve, 20))) {
      if (Date.now() > end) throw new Error('timed out waiting for the bridge to record it');
    }
    await assert.rejects(runner.request('session/cancel', { sessionId: 'no-such-session' }), { code: 'not_found' });
  });

  it('disconnects and reconnects on request', async () => {
    assert.equal((await runner.request('link/disconnect', {})).status, 'disconnected');
    await assert.rejects(runner.request('pairing/create', {}), { code: 'offline' });
    await runner.request('link/connect', {});
    await runner.waitFor(() => runner.links.at(-1)?.status === 'online', 'the link to come back');
  });

  it('prunes finished worktrees and never logs the runner token', async () => {
    const { removed } = await runner.request('worktrees/prune', { olderThanMs: 0, branches: false });
    assert.equal(removed.length, 2);
    assert.ok(removed.every((folder) => !existsSync(folder)));
    assert.ok(runner.logs.length > 0);
    assert.ok(runner.logs.every((line) => !line.includes(RUNNER_TOKEN)));
  });
});

describe('the editor runner process: settings and lifecycle', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it('refuses invalid settings at initialize with a message naming the setting', async () => {
    const runner = RunnerProcess.spawn({ DISPATCH_HOME: temp.make() });
    await assert.rejects(runner.initialize({ protocolVersion: EDITOR_PROTOCOL_VERSION, maxConcurrentSessions: 0 }), /maxConcurrentSessions/);
    await assert.rejects(runner.initialize({ protocolVersion: EDITOR_PROTOCOL_VERSION, repositories: [{ path: temp.make() }] }), /not inside a git repository/);
    assert.equal(await runner.stop(), 0);
  });

  it('serves the editor without a bridge (not set up), skips workspace folders that are not repositories, and exits on shutdown', async () => {
    const repo = makeEditorRepo(path.join(temp.make(), 'web'));
    const runner = RunnerProcess.spawn({ DISPATCH_HOME: temp.make(), DISPATCH_BRIDGE_URL: '', DISPATCH_RUNNER_TOKEN: '' });
    await runner.initialize({ protocolVersion: EDITOR_PROTOCOL_VERSION, repositories: [{ path: temp.make() }, { path: repo }], repositoriesFromWorkspace: true });
    const link = await runner.request('link/status', {});
    assert.equal(link.status, 'unconfigured');
    assert.match(link.detail ?? '', /dispatch\.bridgeUrl/);
    assert.deepEqual(await runner.request('sessions/list', {}), { sessions: [] });
    await runner.waitFor(() => runner.logs.some((line) => /runner ready.*"repositories":\["web"\]/.test(line)), 'the ready line naming only the repository');
    assert.equal(await runner.stop(), 0);
  });

  it('a bad entry in a dispatch.bridgeUrl list leaves the link unconfigured, naming the entry and the setting', async () => {
    const repo = makeEditorRepo(path.join(temp.make(), 'web'));
    const runner = RunnerProcess.spawn({ DISPATCH_HOME: temp.make(), DISPATCH_RUNNER_TOKEN: RUNNER_TOKEN });
    await runner.initialize({ protocolVersion: EDITOR_PROTOCOL_VERSION, bridgeUrl: 'ws://127.0.0.1:7878, bridge-two', repositories: [{ name: 'web', path: repo }] });
    const link = await runner.request('link/status', {});
    assert.equal(link.status, 'unconfigured');
    assert.equal(link.detail, 'dispatch.bridgeUrl lists "bridge-two", which is not a URL (write it like ws://host:7878).');
    assert.deepEqual(await runner.request('sessions/list', {}), { sessions: [] }, 'the runner itself still serves the editor');
    assert.equal(await runner.stop(), 0);
  });

  it('stops when the editor goes away without a shutdown (stdin closes)', async () => {
    const runner = RunnerProcess.spawn({ DISPATCH_HOME: temp.make() });
    await runner.initialize({ protocolVersion: EDITOR_PROTOCOL_VERSION });
    runner.child.stdin!.end();
    assert.equal(await runner.exited, 0);
    runner.connection.dispose();
  });
});
