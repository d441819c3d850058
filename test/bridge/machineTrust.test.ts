import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import type WebSocket from 'ws';
import { main } from '../../bridge/cli/main.js';
import { DispatchError } from '../../shared/errors.js';
import { PROTOCOL_VERSION, runnerToBridge } from '../../shared/protocol/bridgeRunner.js';
import { call } from '../../shared/protocol/rpc.js';
import { connectToBridge } from '../../extension/core/link/bridgeClient.js';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { TempDirs, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };
const boss = { platform: 'web' as const, userId: 'boss', displayName: 'boss' };

const hello = (machineId: string, extra: Partial<{ role: 'runner' | 'pairing'; repos: { name: string; default: boolean }[] }> = {}) => ({
  protocolVersion: PROTOCOL_VERSION,
  machineId,
  machineName: machineId,
  platform: 'linux',
  agent: 'builtin',
  repos: [],
  role: 'runner' as const,
  ...extra,
});

/** An outsider's JSON-RPC client on the runner endpoint (closed after each test). */
class Outsider {
  private readonly opened: { socket: WebSocket; connection: MessageConnection }[] = [];
  async connect(url: string, token: string): Promise<MessageConnection> {
    const link = await connectToBridge(url, token);
    this.opened.push(link);
    return link.connection;
  }
  close(): void {
    for (const { socket, connection } of this.opened.splice(0)) {
      connection.dispose();
      socket.terminate();
    }
  }
}

const credentialOf = (live: LiveBridge): string => (JSON.parse(readFileSync(live.identity.credentialFile, 'utf8')) as { credential: string }).credential;
const until = async (test: () => boolean, what: string, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('a machine can only speak for itself', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  const outsider = new Outsider();
  let live: LiveBridge | undefined;
  let chat: RecordingTransport;

  const start = async (env: Record<string, string> = {}) => {
    chat = new RecordingTransport('web');
    live = await startLiveBridge({
      repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api'), nodeTestProject('passing')) }],
      transports: [chat],
      pairedUsers: [alice],
      env,
      link: { pingMs: 100, deadMs: 2_000 },
    });
    return live;
  };
  const waitForApproval = async (thread: Parameters<RecordingTransport['inThread']>[0]) => {
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');
    return chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
  };

  afterEach(async () => {
    outsider.close();
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('registers once with the registration token, then connects with its own credential, kept 0600', async () => {
    const live = await start();
    const file = live.identity.credentialFile;
    assert.equal(statSync(file).mode & 0o777, 0o600, 'the credential file is private');
    const credential = credentialOf(live);
    assert.notEqual(credential, RUNNER_TOKEN);
    assert.equal(await live.bridge.store.credentials.state(live.machineId), 'active');
    assert.ok(!readFileSync(join(live.home, 'bridge.db')).includes(credential), 'the bridge keeps only a hash');

    // A restarted runner reconnects with the credential (the registration token would be refused now).
    await live.stopRunner();
    await live.startRunner();
    assert.equal(credentialOf(live), credential, 'the same credential, not a new registration');
    const viaToken = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    await assert.rejects(call(viaToken, runnerToBridge, 'machine/hello', hello(live.machineId)), (error: DispatchError) => {
      assert.equal(error.code, 'forbidden');
      assert.match(error.message, /already registered with its own credential/);
      return true;
    });
    assert.equal(live.bridge.hub.isOnline(live.machineId), true);
  });

  it('a registration whose answer was lost registers again; once the machine has spoken with it, never again', async () => {
    const live = await start();
    const lost = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    const first = await call(lost, runnerToBridge, 'machine/hello', hello('fresh'));
    outsider.close(); // the answer "never arrived": the machine did not speak again on that connection
    assert.equal(await live.bridge.store.credentials.state('fresh'), 'issued');

    const retry = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    const second = await call(retry, runnerToBridge, 'machine/hello', hello('fresh'));
    assert.ok(second.credential && second.credential !== first.credential, 'a new credential replaces the unconfirmed one');
    await assert.rejects(connectToBridge(live.bridge.url, first.credential!), (error: DispatchError) => error.code === 'unauthorized');
    await call(retry, runnerToBridge, 'machine/resync', { sessions: [] });
    assert.equal(await live.bridge.store.credentials.state('fresh'), 'active');

    const third = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    await assert.rejects(call(third, runnerToBridge, 'machine/hello', hello('fresh')), /already registered/);
    const own = await outsider.connect(live.bridge.url, second.credential!);
    assert.equal((await call(own, runnerToBridge, 'machine/hello', hello('fresh'))).credential, undefined, 'no credential is handed out twice');
  });

  it('refuses a hello for another machine’s id; the real machine keeps its link and its jobs', async () => {
    const live = await start();
    const thread = await chat.say(alice, 'run the tests');
    const approval = await waitForApproval(thread);

    // With the shared token: the id has a credential, so the token cannot claim it.
    const viaToken = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    await assert.rejects(call(viaToken, runnerToBridge, 'machine/hello', hello(live.machineId)), /can only speak for itself/);
    // Nor can it ask for a pairing code for that machine (which would pair a stranger's chat with it).
    await assert.rejects(call(viaToken, runnerToBridge, 'machine/hello', hello(live.machineId, { role: 'pairing' })), /can only speak for itself/);
    await assert.rejects(call(viaToken, runnerToBridge, 'pairing/create', {}), /hello first/);
    // Registered as itself, an intruder still cannot switch to the real machine's id.
    const intruder = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    const registered = await call(intruder, runnerToBridge, 'machine/hello', hello('intruder'));
    assert.ok(registered.credential, 'a new machine gets its credential');
    await assert.rejects(call(intruder, runnerToBridge, 'machine/hello', hello(live.machineId)), (error: DispatchError) => error.code === 'forbidden' && /belongs to machine intruder/.test(error.message));
    const withCredential = await outsider.connect(live.bridge.url, registered.credential!);
    await assert.rejects(call(withCredential, runnerToBridge, 'machine/hello', hello(live.machineId)), /cannot speak for machine-test/);

    assert.equal(live.bridge.hub.isOnline(live.machineId), true);
    assert.equal(live.link.status, 'online', 'the real runner was not pushed off');
    const approved = await chat.press(alice, approval, approval.message.buttons![0]!.value);
    assert.match(approved.update?.title ?? '', /Approved once/);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the real session’s result');
  });

  it('refuses forged events and resyncs for another machine’s job: nothing is stored or posted, and the owner’s Approve still works', async () => {
    const live = await start();
    const thread = await chat.say(alice, 'run the tests');
    const approval = await waitForApproval(thread);
    const job = (await live.bridge.store.listJobs({ owner: alice }))[0]!;
    const postsBefore = chat.inThread(thread).length;
    const eventsBefore = (await live.bridge.store.events(job.id)).length;

    const intruder = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    await call(intruder, runnerToBridge, 'machine/hello', hello('intruder'));
    await assert.rejects(
      call(intruder, runnerToBridge, 'session/events', { events: [{ sessionId: job.id, seq: job.lastSeq + 1, at: Date.now(), kind: 'state', state: 'completed', message: 'forged' }] }),
      (error: DispatchError) => error.code === 'forbidden' && /belongs to another machine/.test(error.message),
    );
    await assert.rejects(call(intruder, runnerToBridge, 'machine/resync', { sessions: [{ sessionId: job.id, state: 'completed', lastSeq: 99 }] }), /another machine/);

    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal((await live.bridge.store.getJob(job.id))?.state, 'waiting_for_approval');
    assert.equal((await live.bridge.store.events(job.id)).length, eventsBefore, 'no event stored');
    assert.equal(chat.inThread(thread).length, postsBefore, 'nothing posted in the thread');
    const approved = await chat.press(alice, approval, approval.message.buttons![0]!.value);
    assert.doesNotMatch(approved.ephemeral ?? '', /Too late/);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the real result');
  });

  it('a newer connection of the same machine closes the old socket; the newer one keeps the machine', async () => {
    const live = await start();
    const newer = await outsider.connect(live.bridge.url, credentialOf(live));
    await call(newer, runnerToBridge, 'machine/hello', hello(live.machineId, { repos: [{ name: 'api', default: true }] }));
    await until(() => live.link.status === 'offline', 'the old runner to notice');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(live.link.status, 'offline', 'the old runner does not fight back');
    assert.equal(live.bridge.hub.isOnline(live.machineId), true, 'the newer connection holds the machine');
    const pairing = await call(newer, runnerToBridge, 'pairing/create', {});
    assert.match(pairing.code, /^\d{6}$/);
  });

  it('a pairing hello (dispatch pair from another folder) changes nothing about the machine', async () => {
    const live = await start();
    const before = (await live.bridge.store.getMachine(live.machineId))!;
    const pairing = await outsider.connect(live.bridge.url, credentialOf(live));
    await call(pairing, runnerToBridge, 'machine/hello', hello(live.machineId, { role: 'pairing', repos: [{ name: 'somewhere-else', default: true }] }));
    const { code } = await call(pairing, runnerToBridge, 'pairing/create', {});
    assert.match(code, /^\d{6}$/);
    const after = (await live.bridge.store.getMachine(live.machineId))!;
    assert.deepEqual(after.repos, before.repos, 'the repository list is kept');
    assert.equal(after.name, before.name);
    assert.equal(live.bridge.hub.isOnline(live.machineId), true, 'the runner keeps its link');
    assert.equal(live.link.status, 'online');
    await assert.rejects(call(pairing, runnerToBridge, 'session/events', { events: [{ sessionId: 'x', seq: 1, at: 1, kind: 'progress', text: 'hi' }] }), /pairing connection/);
  });

  it('dispatch machines lists machines with their last-seen time; revoke cuts one off and its runner is told why', async () => {
    const live = await start();
    const running = await chat.say(alice, 'run the tests');
    await waitForApproval(running);
    const io = () => {
      const out = new PassThrough();
      const err = new PassThrough();
      let stdout = '';
      let stderr = '';
      out.on('data', (chunk) => (stdout += chunk));
      err.on('data', (chunk) => (stderr += chunk));
      return { io: { stdout: out, stderr: err, stdin: new PassThrough(), env: { DISPATCH_HOME: live.home }, cwd: live.home }, text: () => ({ stdout, stderr }) };
    };
    const listing = io();
    assert.equal(await main(['machines'], listing.io), 0);
    assert.match(listing.text().stdout, /^laptop {2}machine-test {2}registered {2}last seen \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+ s ago\) {2}api$/m);
    const credential = credentialOf(live);

    const unknown = io();
    assert.equal(await main(['machines', 'revoke', 'desktop'], unknown.io), 1);
    assert.match(unknown.text().stderr, /No machine called "desktop"/);
    assert.equal(live.link.status, 'online', 'a wrong name revokes nothing');

    const revoke = io();
    assert.equal(await main(['machines', 'revoke', 'laptop'], revoke.io), 0);
    assert.match(revoke.text().stdout, /Revoked laptop/);
    const told: string[] = [];
    live.link.onStatus((_status, detail) => detail && told.push(detail));
    await until(() => !live.bridge.hub.isOnline(live.machineId), 'the running bridge to close the link');
    await until(() => told.some((detail) => /revoked/.test(detail)), 'the runner to be told');
    await assert.rejects(connectToBridge(live.bridge.url, credential), (error: DispatchError) => error.code === 'forbidden' && /revoked/.test(error.message));
    const viaToken = await outsider.connect(live.bridge.url, RUNNER_TOKEN);
    await assert.rejects(call(viaToken, runnerToBridge, 'machine/hello', hello(live.machineId)), /was revoked/);
    assert.equal(await live.bridge.store.countPairings(live.machineId), 0, 'its pairings are gone');
    await chat.waitFor(() => chat.inThread(running).some((p) => /Machine laptop was revoked on the bridge, so session [0-9a-f]{8} cannot run or report here any more; it is marked failed/.test(p.message.text)), 'the note in the session’s thread');
    assert.equal((await live.bridge.store.listJobs({ owner: alice }))[0]!.state, 'failed', 'the session ends, not waits forever');
    const elsewhere = io();
    elsewhere.io.env = { DISPATCH_HOME: join(live.home, 'not-a-bridge-home') };
    assert.equal(await main(['machines'], elsewhere.io), 1);
    assert.match(elsewhere.text().stderr, /No bridge database at .*not-a-bridge-home/);
    assert.equal(existsSync(join(live.home, 'not-a-bridge-home')), false, 'looking created nothing');
    const after = io();
    await main(['machines'], after.io);
    assert.match(after.text().stdout, /laptop {2}machine-test {2}revoked/);
  });

  it('an admin revokes a machine from the chat; anyone else is refused', async () => {
    const live = await start({ DISPATCH_ADMINS: 'web:boss' });
    const running = await chat.say(alice, 'run the tests');
    await waitForApproval(running);
    const refusedThread = await chat.say(alice, 'machines revoke laptop');
    assert.match(chat.inThread(refusedThread).at(-1)!.message.text, /Only a bridge admin/);
    assert.equal(live.link.status, 'online');

    const thread = await chat.say(boss, 'machines revoke laptop');
    assert.match(chat.inThread(thread).at(-1)!.message.text, /Revoked laptop/);
    await until(() => live.link.status === 'offline' && !live.bridge.hub.isOnline(live.machineId), 'the link to close');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(live.link.status, 'offline', 'a revoked runner does not reconnect');
    await assert.rejects(connectToBridge(live.bridge.url, credentialOf(live)), /revoked/);
    await chat.waitFor(() => chat.inThread(running).some((p) => /was revoked on the bridge/.test(p.message.text)), 'the note in the session’s thread');
    assert.equal(chat.inThread(running).filter((p) => /was revoked on the bridge/.test(p.message.text)).length, 1, 'told once');
    assert.equal((await live.bridge.store.listJobs({ owner: alice }))[0]!.state, 'failed');
  });
});
