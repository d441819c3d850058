import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bridge } from '../../bridge/bridge.js';
import { loadBridgeEnv } from '../../bridge/config.js';
import { sendMessageId } from '../../bridge/transports/web/webTransport.js';
import { webThread } from '../../bridge/transports/web/webMessages.js';
import { silentLogger } from '../../shared/logger.js';
import { RUNNER_TOKEN, WEB_TOKEN } from '../helpers/liveBridge.js';
import { ChatClient, signIn } from './transports/web/webHarness.js';

const local = { platform: 'web' as const, userId: 'local' };

/** A real bridge (SQLite, dispatcher, web chat) over `home`, with web:local paired to an offline machine. */
async function startBridge(home: string): Promise<Bridge> {
  const config = loadBridgeEnv({ DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_WEB: 'on', DISPATCH_LOG_LEVEL: 'silent' });
  const bridge = await Bridge.start({ config, secrets: { runnerToken: RUNNER_TOKEN, webToken: WEB_TOKEN }, logger: silentLogger, editIntervalMs: 50 });
  await bridge.store.upsertMachine({ id: 'machine-test', name: 'laptop', platform: process.platform, agent: 'builtin', repos: [{ name: 'api', default: true }], lastSeenAt: 0 });
  if ((await bridge.store.pairings(local)).length === 0) await bridge.store.addPairing(local, 'machine-test', 0);
  return bridge;
}

async function openChat(bridge: Bridge): Promise<ChatClient> {
  const client = await ChatClient.open(bridge.url, await signIn(bridge.url, WEB_TOKEN));
  await client.next('snapshot');
  return client;
}

/** The next acknowledgement of a send (the bot's answers come first: the job is stored before the echo). */
async function nextEcho(client: ChatClient) {
  for (;;) {
    const frame = await client.next('message');
    if (frame.clientId !== undefined) return frame;
  }
}

describe('the web chat through the real dispatcher: one job per message, across restarts', function () {
  this.timeout(20_000);
  let home: string;
  let bridge: Bridge | undefined;
  beforeEach(() => (home = mkdtempSync(join(tmpdir(), 'dispatch-resend-'))));
  afterEach(async () => {
    await bridge?.stop();
    bridge = undefined;
    rmSync(home, { recursive: true, force: true });
  });

  it('a resend after a restart is acknowledged and starts no second job', async () => {
    bridge = await startBridge(home);
    const frame = { type: 'send', clientId: 'page-1-message-1', text: 'run the tests' };
    let client = await openChat(bridge);
    client.send(frame);
    const echo = await nextEcho(client);
    assert.equal((await bridge.store.listJobs({})).length, 1);
    await client.close();
    await bridge.stop();

    bridge = await startBridge(home);
    client = await openChat(bridge);
    client.send(frame);
    const ack = await nextEcho(client);
    assert.equal(ack.message.id, echo.message.id);
    assert.equal((await bridge.store.listJobs({})).length, 1, 'still one job');
    await client.close();
  });

  it('stopped after the job was stored but before the echo: the resend starts no second job', async () => {
    bridge = await startBridge(home);
    const clientId = 'page-1-message-2';
    const id = sendMessageId(clientId);
    // What the transport does for a send, cut off right after the dispatcher stored and answered.
    await bridge.dispatcher.onMessage({ user: { ...local, displayName: 'Ada' }, thread: webThread(id), messageId: id, text: 'run the tests', isDirect: true });
    assert.equal((await bridge.store.listJobs({})).length, 1);
    assert.equal(await bridge.store.webMessages.get(id), undefined, 'never echoed');
    await bridge.stop();

    bridge = await startBridge(home);
    const client = await openChat(bridge);
    client.send({ type: 'send', clientId, text: 'run the tests' });
    const ack = await nextEcho(client);
    assert.equal(ack.message.threadId, id);
    assert.equal((await bridge.store.listJobs({})).length, 1, 'still one job');
    assert.equal((await bridge.store.webMessages.recent(50)).filter((message) => message.author === 'user').length, 1, 'the thread holds the message once');
    await client.close();
  });
});
