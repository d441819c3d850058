import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { TempDirs, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';
import { TcpProxy } from '../helpers/tcpProxy.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };
const DEAD_MS = 800;

const until = async (test: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('a broken machine link is noticed, said in the threads, and resumed', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let proxy: TcpProxy | undefined;
  let chat: RecordingTransport;

  beforeEach(async () => {
    chat = new RecordingTransport('web');
    let runnerUrl = '';
    live = await startLiveBridge({
      repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api'), nodeTestProject('passing')) }],
      transports: [chat],
      pairedUsers: [alice],
      withRunner: false,
      // One session at a time, so a second task waits in the runner's queue.
      maxSessions: 1,
      link: { pingMs: 100, deadMs: DEAD_MS, requestTimeoutMs: 2_000, offlineNoticeMs: 0 },
      runnerUrl: () => runnerUrl,
    });
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(live.bridge.url).port) });
    runnerUrl = proxy.url;
    await live.startRunner();
  });
  afterEach(async () => {
    await live?.stop();
    await proxy?.close();
    live = undefined;
    temp.cleanup();
  });

  const titled = (thread: Parameters<RecordingTransport['inThread']>[0], pattern: RegExp) => chat.inThread(thread).find((p) => pattern.test(p.message.title ?? ''));
  const approve = async (thread: Parameters<RecordingTransport['inThread']>[0]) => {
    await chat.waitFor(() => titled(thread, /Approval needed/) !== undefined, 'the approval request');
    const approval = titled(thread, /Approval needed/)!;
    await chat.press(alice, approval, approval.message.buttons![0]!.value);
  };
  const completed = (thread: Parameters<RecordingTransport['inThread']>[0]) =>
    chat.waitFor(() => titled(thread, /^Session [0-9a-f]{8} completed/) !== undefined, 'the result');

  it('a silent link (bytes dropped, sockets open) takes the machine offline within the dead time; reconnect resumes its tasks', async () => {
    const first = await chat.say(alice, 'run the tests');
    await chat.waitFor(() => titled(first, /Approval needed/) !== undefined, 'the first approval request');
    const waiting = await chat.say(alice, 'run the tests again');
    await until(async () => (await live!.bridge.store.listJobs({ owner: alice, delivery: 'accepted' })).length === 2, 'the second task to reach the runner');

    proxy!.silence();
    const silencedAt = Date.now();
    await until(() => !live!.bridge.hub.isOnline(live!.machineId), 'the bridge to notice');
    const bridgeNoticed = Date.now() - silencedAt;
    await until(() => live!.link.status !== 'online', 'the runner to notice');
    const runnerNoticed = Date.now() - silencedAt;
    assert.ok(bridgeNoticed >= DEAD_MS - 250 && bridgeNoticed < DEAD_MS + 700, `the bridge noticed after ${bridgeNoticed} ms`);
    assert.ok(runnerNoticed < DEAD_MS + 700, `the runner noticed after ${runnerNoticed} ms`);
    await chat.waitFor(() => chat.inThread(first).some((p) => /went offline \(its link stopped answering\)\. The session goes on there/.test(p.message.text)), 'the offline note in the running task’s thread');
    await chat.waitFor(() => chat.inThread(waiting).some((p) => /went offline .*This task is saved and starts when it reconnects/.test(p.message.text)), 'the offline note in the queued task’s thread');

    // A task sent now is saved and says the machine is offline, not "On it".
    const second = await chat.say(alice, 'open a Code session and run the tests');
    assert.match(chat.inThread(second)[0]!.message.text, /^Saved — session [0-9a-f]{8}\. Your machine laptop is offline/);

    proxy!.heal();
    await until(() => live!.bridge.hub.isOnline(live!.machineId) && live!.link.status === 'online', 'the reconnect');
    await chat.waitFor(() => chat.inThread(first).some((p) => /laptop is back online/.test(p.message.text)), 'the back-online note');
    await chat.waitFor(() => chat.inThread(waiting).some((p) => /back online/.test(p.message.text)), 'the queued task’s back-online note');
    await approve(first);
    await completed(first);
    await approve(waiting);
    await completed(waiting);
    await approve(second);
    await completed(second);
    console.log(`      silent link: bridge noticed in ${bridgeNoticed} ms, runner in ${runnerNoticed} ms (dead time ${DEAD_MS} ms)`);
  });

  it('a cut link takes the machine offline at once; queued tasks say so and run when it reconnects', async () => {
    proxy!.down();
    await until(() => !live!.bridge.hub.isOnline(live!.machineId), 'the bridge to see the cut', 2_000);
    const queued = await chat.say(alice, 'run the tests');
    assert.match(chat.inThread(queued)[0]!.message.text, /offline — this runs when it reconnects/);
    proxy!.heal();
    await until(() => live!.bridge.hub.isOnline(live!.machineId), 'the reconnect');
    await approve(queued);
    await completed(queued);
    assert.equal((await live!.bridge.store.listJobs({ owner: alice })).length, 1, 'one job, run once');
  });
});
