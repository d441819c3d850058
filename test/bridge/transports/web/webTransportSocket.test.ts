import assert from 'node:assert/strict';
import { DispatchError } from '../../../../shared/errors.js';
import { ChatClient, signIn, startHarness, type Harness } from './webHarness.js';

describe('web chat: the socket', () => {
  let harness: Harness;
  let client: ChatClient;
  beforeEach(async () => {
    harness = await startHarness();
    client = await ChatClient.open(harness.base, await signIn(harness.base));
  });
  afterEach(async () => {
    await client.close();
    await harness.close();
  });

  it('sends a snapshot with the user on connect', async () => {
    const snapshot = await client.next('snapshot');
    assert.deepEqual(snapshot.user, { id: 'local', name: 'Ada' });
    assert.deepEqual(snapshot.messages, []);
  });

  it('a sent message starts a thread, is echoed with its clientId and reaches the handler', async () => {
    client.send({ type: 'send', clientId: 'c1', text: 'run the tests' });
    const echo = await client.next('message');
    assert.equal(echo.clientId, 'c1');
    assert.equal(echo.message.author, 'user');
    assert.equal(echo.message.threadId, echo.message.id, 'a new thread is named after its first message');
    await harness.handler.until(() => harness.handler.messages.length === 1);
    assert.deepEqual(harness.handler.messages[0], {
      user: { platform: 'web', userId: 'local', displayName: 'Ada' },
      thread: { platform: 'web', channelId: 'web', threadId: echo.message.id },
      messageId: echo.message.id,
      text: 'run the tests',
      isDirect: true,
    });
  });

  it('a reply names its thread', async () => {
    client.send({ type: 'send', clientId: 'c1', text: 'run the tests' });
    const first = await client.next('message');
    client.send({ type: 'send', clientId: 'c2', threadId: first.message.threadId, text: 'and lint too' });
    const reply = await client.next('message');
    assert.equal(reply.message.threadId, first.message.threadId);
    assert.notEqual(reply.message.id, first.message.id);
    await harness.handler.until(() => harness.handler.messages.length === 2);
    assert.equal(harness.handler.messages[1]?.thread.threadId, first.message.threadId);
  });

  it('malformed frames get an error frame and never reach the handler', async () => {
    await client.next('snapshot');
    for (const bad of ['not json', '{"type":"send"}', '{"type":"launch","text":"x"}', { type: 'send', clientId: 'c', text: '   ' }, { type: 'send', clientId: 'c', text: 'x'.repeat(20_001) }]) {
      client.send(bad);
      const error = await client.next('error');
      assert.ok(error.text.length > 0);
    }
    client.socket.send(Buffer.from('{}'), { binary: true });
    await client.next('error');
    assert.equal(harness.handler.messages.length, 0);
    assert.deepEqual(await harness.history.recent(10), []);
  });

  it('a handler failure shows as a notice in the thread and the socket stays up', async () => {
    harness.handler.onMessageDo = async () => {
      throw new DispatchError('offline', 'Your machine is offline.');
    };
    client.send({ type: 'send', clientId: 'c1', text: 'run the tests' });
    const echo = await client.next('message');
    const notice = await client.next('notice');
    assert.equal(notice.text, 'Your machine is offline.');
    assert.equal(notice.threadId, echo.message.threadId);
    harness.handler.onMessageDo = async () => {
      throw new Error('SQLITE_BUSY at /secret/path');
    };
    client.send({ type: 'send', clientId: 'c2', text: 'again' });
    assert.doesNotMatch((await client.next('notice')).text, /SQLITE|secret/, 'internal details stay in the log');
  });

  it('post and edit reach every open page; mentions are flagged', async () => {
    const other = await ChatClient.open(harness.base, await signIn(harness.base));
    try {
      const thread = { platform: 'web' as const, channelId: 'web', threadId: 't1' };
      const ref = await harness.transport.post(thread, { text: 'Working…', title: 'Running tests', tone: 'info' });
      assert.deepEqual(ref.thread, thread);
      for (const page of [client, other]) {
        const posted = await page.next('message');
        assert.equal(posted.message.id, ref.messageId);
        assert.equal(posted.message.author, 'bot');
        assert.equal(posted.message.title, 'Running tests');
        assert.equal(posted.message.mention, undefined);
      }
      await harness.transport.edit(ref, {
        text: '42 passed',
        title: 'Tests passed',
        tone: 'success',
        fields: [{ label: 'Branch', value: 'dispatch/abc' }],
        mention: { platform: 'web', userId: 'local' },
      });
      for (const page of [client, other]) {
        const edited = await page.next('edit');
        assert.equal(edited.message.id, ref.messageId);
        assert.equal(edited.message.text, '42 passed');
        assert.equal(edited.message.mention, true);
        assert.deepEqual(edited.message.fields, [{ label: 'Branch', value: 'dispatch/abc' }]);
      }
      assert.equal((await harness.history.get(ref.messageId))?.title, 'Tests passed');
      assert.equal((await harness.history.recent(10)).length, 1, 'an edit replaces, not adds');
    } finally {
      await other.close();
    }
  });

  it('editing a message that does not exist is a not_found error', async () => {
    const ref = { thread: { platform: 'web' as const, channelId: 'web', threadId: 't' }, messageId: 'nope' };
    await assert.rejects(harness.transport.edit(ref, { text: 'x' }), (error: DispatchError) => error.code === 'not_found');
  });

  it('a press reaches the handler; its update edits the message and its ephemeral note goes to the presser only', async () => {
    const other = await ChatClient.open(harness.base, await signIn(harness.base));
    try {
      const thread = { platform: 'web' as const, channelId: 'web', threadId: 't1' };
      const ref = await harness.transport.post(thread, {
        text: 'Run `npm test`?',
        buttons: [
          { label: 'Approve', value: 'approve:1', style: 'primary' },
          { label: 'Deny', value: 'deny:1', style: 'danger' },
        ],
      });
      harness.handler.onButtonDo = async () => ({ ephemeral: 'Approved.', update: { text: 'Approved by Ada', tone: 'success' } });
      await client.next('message');
      await other.next('message');
      client.send({ type: 'press', messageId: ref.messageId, value: 'approve:1' });

      const edit = await client.next('edit');
      assert.equal(edit.message.text, 'Approved by Ada');
      assert.equal(edit.message.buttons, undefined);
      assert.equal((await client.next('notice')).text, 'Approved.');
      assert.equal((await other.next('edit')).message.text, 'Approved by Ada');
      assert.deepEqual(harness.handler.presses, [
        { user: { platform: 'web', userId: 'local', displayName: 'Ada' }, message: ref, value: 'approve:1' },
      ]);
      // The other page saw the edit but not the presser's private note (a later post marks the end).
      await harness.transport.post(thread, { text: 'barrier' });
      assert.deepEqual((await other.through('message')).map((frame) => frame.type), ['message']);
    } finally {
      await other.close();
    }
  });

  it('a press with a value the message does not offer changes nothing', async () => {
    const thread = { platform: 'web' as const, channelId: 'web', threadId: 't1' };
    const ref = await harness.transport.post(thread, { text: 'Approve?', buttons: [{ label: 'Approve', value: 'approve:1' }] });
    client.send({ type: 'press', messageId: ref.messageId, value: 'approve:999' });
    assert.match((await client.next('notice')).text, /no longer available/);
    client.send({ type: 'press', messageId: 'unknown', value: 'approve:1' });
    await client.next('error');
    assert.equal(harness.handler.presses.length, 0);
  });

  it('history survives a new transport over the same store: a reload shows every thread', async () => {
    client.send({ type: 'send', clientId: 'c1', text: 'run the tests' });
    const echo = await client.next('message');
    await harness.transport.post({ platform: 'web', channelId: 'web', threadId: echo.message.threadId }, { text: 'On it' });
    await client.next('message');
    await client.close();
    await harness.close();

    harness = await startHarness({ history: harness.history });
    client = await ChatClient.open(harness.base, await signIn(harness.base));
    const snapshot = await client.next('snapshot');
    assert.deepEqual(
      snapshot.messages.map((message) => [message.author, message.text, message.threadId]),
      [
        ['user', 'run the tests', echo.message.threadId],
        ['bot', 'On it', echo.message.threadId],
      ],
    );
  });

  it('stop closes the pages with "going away", so they reconnect', async () => {
    await client.next('snapshot');
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    await harness.transport.stop();
    assert.equal(await closed, 1001);
  });
});
