import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from '../../../../bridge/store/sqliteStore.js';
import { sendMessageId } from '../../../../bridge/transports/web/webTransport.js';
import type { WebServerFrame } from '../../../../shared/protocol/webChat.js';
import { latch } from '../../../extension/core/harness.js';
import { ChatClient, signIn, startHarness, type Harness } from './webHarness.js';

describe('web chat: store first, then echo; a resend is handled once', () => {
  let harness: Harness | undefined;
  const clients: ChatClient[] = [];
  const open = async (h: Harness) => {
    const client = await ChatClient.open(h.base, await signIn(h.base));
    clients.push(client);
    await client.next('snapshot');
    return client;
  };
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await harness?.close();
    harness = undefined;
  });

  it('the echo comes only once the handler has handled the message, after what it posted', async () => {
    harness = await startHarness();
    const h = harness;
    const gate = latch();
    h.handler.onMessageDo = async (message) => {
      await h.transport.post(message.thread, { title: 'On it', text: 'stored and offered' });
      await gate.promise;
    };
    const client = await open(h);
    client.send({ type: 'send', clientId: 'first-try', text: 'run the tests' });
    await h.handler.until(() => h.handler.messages.length === 1);
    const early = await client.next('message');
    assert.equal(early.message.author, 'bot', 'the job was stored and answered');
    await sleep(100);
    assert.equal(await h.history.get(sendMessageId('first-try')), undefined, 'not echoed while the handler still works');

    gate.open();
    const echo = await client.next('message');
    assert.equal(echo.clientId, 'first-try');
    assert.equal(echo.message.text, 'run the tests');
    assert.ok(echo.message.at <= early.message.at, 'the message keeps the time it arrived, before the answer');
  });

  it('a resend under the same clientId, while the first is handled or after, is acknowledged and never handled twice', async () => {
    harness = await startHarness();
    const h = harness;
    const gate = latch();
    h.handler.onMessageDo = () => gate.promise;
    const first = await open(h);
    const second = await open(h);
    const frame = { type: 'send', clientId: 'same-message', text: 'run the tests' };
    first.send(frame);
    await h.handler.until(() => h.handler.messages.length === 1);
    second.send(frame); // a reconnected page resending what it had not heard back about
    await sleep(100);
    gate.open();
    const echoes = await Promise.all([first.next('message'), second.next('message')]);
    first.send(frame); // and once more, long after
    const late = await first.next('message');
    assert.equal(h.handler.messages.length, 1);
    for (const echo of [...echoes, late]) {
      assert.equal(echo.clientId, 'same-message');
      assert.equal(echo.message.id, sendMessageId('same-message'));
    }
    assert.equal((await h.history.recent(10)).filter((message) => message.author === 'user').length, 1);
  });

  it('after a restart over the same SQLite history, a resend is recognised: handled once, in one thread', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dispatch-web-once-'));
    try {
      let store = new SqliteStore(join(folder, 'bridge.db'));
      harness = await startHarness({ history: store.webMessages  });
      const frame = { type: 'send', clientId: 'before-restart', text: 'run the tests' };
      const client = await open(harness);
      client.send(frame);
      await client.next('message');
      assert.equal(harness.handler.messages.length, 1);
      await client.close();
      await harness.close();
      await store.close();

      store = new SqliteStore(join(folder, 'bridge.db'));
      harness = await startHarness({ history: store.webMessages  });
      const again = await open(harness);
      again.send(frame);
      const ack = await again.next('message');
      assert.equal(ack.clientId, 'before-restart');
      assert.equal(harness.handler.messages.length, 0, 'the restarted bridge did not handle it again');
      await harness.close();
      harness = undefined;
      await store.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('a bridge that stopped after answering a new thread but before echoing takes the resend as handled', async () => {
    harness = await startHarness();
    const id = sendMessageId('answered-not-echoed');
    await harness.history.save({ id: 'bot-1', threadId: id, author: 'bot', text: 'On it', at: Date.now() });
    const client = await open(harness);
    client.send({ type: 'send', clientId: 'answered-not-echoed', text: 'run the tests' });
    const ack = await client.next('message');
    assert.equal(ack.message.threadId, id);
    assert.equal(harness.handler.messages.length, 0);
  });

  it('a refused send names its clientId, so the page keeps the text to edit', async () => {
    harness = await startHarness();
    const client = await open(harness);
    client.send({ type: 'send', clientId: 'too-long', text: 'x'.repeat(20_001) });
    const error = (await client.next('error')) as Extract<WebServerFrame, { type: 'error' }>;
    assert.equal(error.clientId, 'too-long');
    assert.equal(harness.handler.messages.length, 0);
  });
});
