import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { WebMessage } from '../../../../shared/protocol/webChat.js';
import { makeRepo, TempDirs } from '../../../helpers/gitRepos.js';
import { startLiveBridge, WEB_TOKEN, type LiveBridge } from '../../../helpers/liveBridge.js';
import { ChatClient, signIn } from './webHarness.js';

describe('web chat: "Run as a Code session" on a Cowork reply, over the socket', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let client: ChatClient | undefined;
  afterEach(async () => {
    await client?.close();
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('offers the button on the reply; pressing it edits the reply and starts a Code session in the same thread', async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api')) }], web: true, pairedUsers: [{ platform: 'web', userId: 'local' }], withRunner: false });
    client = await ChatClient.open(live.bridge.url, await signIn(live.bridge.url, WEB_TOKEN));
    await client.next('snapshot');
    client.send({ type: 'send', clientId: 'c1', text: 'write a short note to the team about the offsite on friday' });
    // Store first, then echo: the bot's answer may reach the socket before the echo (the page orders by time).
    const two: WebMessage[] = [(await client.next('message')).message, (await client.next('message')).message];
    const question = two.find((message) => message.author === 'user')!;
    const reply = two.find((message) => message.author === 'bot')!;
    assert.ok(question && reply, 'the echo and the answer');
    assert.ok(question.at <= reply.at, 'the question sorts first on the page');
    assert.equal(reply.threadId, question.threadId);
    const button = reply.buttons?.find((candidate) => candidate.label === 'Run as a Code session');
    assert.ok(button, 'the reply carries the button');

    client.send({ type: 'press', messageId: reply.id, value: button.value });
    // The session's status is posted first, then the pressed reply is edited.
    const frames = await client.through('edit');
    const edit = frames.at(-1)!.type === 'edit' ? (frames.at(-1) as { message: WebMessage }).message : undefined;
    assert.equal(edit?.id, reply.id);
    assert.equal(edit.buttons, undefined);
    assert.match(edit.text, /Re-run as Code session [0-9a-f]{8}/);
    const status = frames.flatMap((frame) => (frame.type === 'message' ? [frame.message] : [])).find((message) => /^Code session [0-9a-f]{8}/.test(message.title ?? ''));
    assert.ok(status, 'the status message');
    assert.equal(status.threadId, question.threadId, 'in the same thread');
    const [job] = await live.bridge.store.listJobs({ owner: { platform: 'web', userId: 'local' } });
    assert.equal(job?.forced, true);
    assert.equal(job?.task, 'write a short note to the team about the offsite on friday');
  });
});
