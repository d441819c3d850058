import assert from 'node:assert/strict';
import { startDiscord, type DiscordRig } from './discordHarness.js';

describe('Discord transport: guild channels and threads', () => {
  let rig: DiscordRig;
  beforeEach(async () => {
    rig = await startDiscord();
  });
  afterEach(async () => {
    await rig.stop();
  });

  async function mentionTask(text: string) {
    const alice = rig.fake.user('alice');
    const sent = rig.fake.say(rig.fake.channelId, alice, `<@${rig.fake.bot.id}> ${text}`);
    await rig.handler.waitFor(() => rig.handler.messages.some((m) => m.messageId === sent.id), 'the mention');
    return { alice, sent, message: rig.handler.messages.find((m) => m.messageId === sent.id)! };
  }

  it('a mention of the bot starts a thread on that message; the handler gets the task without the mention', async () => {
    const { alice, sent, message } = await mentionTask('bump axios in backend');
    const [call] = rig.fake.callsTo('POST', new RegExp(`^/channels/${rig.fake.channelId}/messages/${sent.id}/threads$`));
    assert.ok(call, 'a thread was started on the message');
    assert.equal(call.body.name, 'Dispatch: bump axios in backend');
    const threadId = [...rig.fake.channels.values()].find((channel) => channel.type === 11 && channel.parent_id === rig.fake.channelId)?.id;
    assert.ok(threadId);
    assert.deepEqual(message, {
      user: { platform: 'discord', userId: alice.id, displayName: 'Alice' },
      thread: { platform: 'discord', channelId: threadId, threadId },
      messageId: sent.id,
      text: 'bump axios in backend',
      isDirect: false,
    });
  });

  it('posts for a guild task go into its thread, not the channel', async () => {
    const { message } = await mentionTask('run the tests');
    await rig.transport.post(message.thread, { title: 'On it', text: 'session abc' });
    const [call] = rig.fake.callsTo('POST', /\/messages$/);
    assert.equal(call!.path, `/channels/${message.thread.threadId}/messages`);
    assert.equal(call!.body.message_reference, undefined);
    assert.equal(rig.fake.botMessages(rig.fake.channelId).length, 0);
  });

  it('a message in the bot thread (no mention needed) carries the same ThreadRef', async () => {
    const { alice, message } = await mentionTask('run the tests');
    const followUp = rig.fake.say(message.thread.channelId, alice, 'also run lint');
    await rig.handler.waitFor(() => rig.handler.messages.some((m) => m.messageId === followUp.id), 'the follow-up');
    const got = rig.handler.messages.find((m) => m.messageId === followUp.id)!;
    assert.deepEqual(got.thread, message.thread);
    assert.equal(got.text, 'also run lint');
    assert.equal(rig.fake.callsTo('POST', /\/threads$/).length, 1, 'no second thread');
  });

  it('channel chatter without a mention is not for the bot', async () => {
    const bob = rig.fake.user('bob');
    rig.fake.say(rig.fake.channelId, bob, 'lunch?');
    rig.fake.say(rig.fake.channelId, bob, `<@${rig.fake.bot.id}>`); // a bare mention: nothing to do
    const last = rig.fake.dm(bob, 'marker');
    await rig.handler.waitFor(() => rig.handler.messages.some((m) => m.messageId === last.id), 'the marker DM');
    assert.deepEqual(rig.handler.messages.map((m) => m.text), ['marker']);
    assert.equal(rig.fake.callsTo('POST', /\/threads$/).length, 0);
  });
});
