import assert from 'node:assert/strict';
import { startDiscord, type DiscordRig } from './discordHarness.js';

const EPHEMERAL = 64;

describe('Discord transport: slash commands and buttons', () => {
  let rig: DiscordRig;
  afterEach(async () => {
    await rig?.stop();
  });

  describe('the /dispatch command', () => {
    beforeEach(async () => {
      rig = await startDiscord();
    });

    it('is registered globally on start, with task, status and cancel', () => {
      const [call] = rig.fake.callsTo('PUT', /^\/applications\/\d+\/commands$/);
      assert.ok(call);
      assert.equal(call.body[0].name, 'dispatch');
      assert.deepEqual(call.body[0].options.map((o: { name: string }) => o.name), ['task', 'status', 'cancel']);
    });

    it('/dispatch task in a channel is deferred, echoed, and its thread gets the posts', async () => {
      const alice = rig.fake.user('alice');
      const interaction = rig.fake.slash(alice, rig.fake.channelId, 'task', 'run the tests');
      await rig.handler.waitFor(() => rig.handler.messages.length === 1, 'the task');

      const callbacks = rig.fake.callsTo('POST', new RegExp(`^/interactions/${interaction.id}/`));
      assert.equal(callbacks[0]!.body.type, 5, 'deferred first');
      const [echo] = rig.fake.callsTo('PATCH', /\/messages\/@original$/);
      assert.equal(echo!.body.content, '📋 run the tests');
      const thread = [...rig.fake.channels.values()].find((channel) => channel.type === 11)!;
      assert.deepEqual(rig.fake.callsTo('POST', /\/threads$/).map((call) => call.path), [`/channels/${rig.fake.channelId}/messages/${interaction.original}/threads`]);

      const [message] = rig.handler.messages;
      assert.deepEqual(message!.thread, { platform: 'discord', channelId: thread.id, threadId: thread.id });
      assert.equal(message!.text, 'run the tests');
      assert.equal(message!.isDirect, false);
      await rig.transport.post(message!.thread, { text: 'On it.' });
      assert.equal(rig.fake.botMessages(thread.id).length, 1);
    });

    it('/dispatch task in a DM: the echoed reply is the root later posts reply to', async () => {
      const alice = rig.fake.user('alice');
      const dm = rig.fake.dmChannel(alice);
      const interaction = rig.fake.slash(alice, dm, 'task', 'run the tests');
      await rig.handler.waitFor(() => rig.handler.messages.length === 1, 'the task');
      const [message] = rig.handler.messages;
      assert.deepEqual(message!.thread, { platform: 'discord', channelId: dm, threadId: interaction.original });
      assert.equal(message!.isDirect, true);
      await rig.transport.post(message!.thread, { text: 'On it.' });
      const [post] = rig.fake.callsTo('POST', new RegExp(`^/channels/${dm}/messages$`));
      assert.equal(post!.body.message_reference.message_id, interaction.original);
    });

    it('/dispatch status: the dispatcher answer becomes the deferred reply', async () => {
      rig.handler.onMessageDo = async (message) => {
        await rig.transport.post(message.thread, { text: 'Nothing running.' });
      };
      const alice = rig.fake.user('alice');
      const interaction = rig.fake.slash(alice, rig.fake.dmChannel(alice), 'status');
      await rig.fake.waitFor(() => rig.fake.messages.get(interaction.original ?? '')?.embeds?.[0]?.description === 'Nothing running.', 'the answer');
      assert.equal(rig.handler.messages[0]!.text, 'status');
      assert.equal(rig.fake.callsTo('POST', /^\/interactions\//)[0]!.body.type, 5);
      assert.equal(rig.fake.callsTo('POST', /^\/channels\//).length, 0, 'not a separate message');
    });

    it('/dispatch cancel inside a job thread carries that thread', async () => {
      const alice = rig.fake.user('alice');
      rig.fake.say(rig.fake.channelId, alice, `<@${rig.fake.bot.id}> run the tests`);
      await rig.handler.waitFor(() => rig.handler.messages.length === 1, 'the task');
      const thread = rig.handler.messages[0]!.thread;
      rig.handler.onMessageDo = async (message) => {
        if (message.text === 'cancel') await rig.transport.post(message.thread, { text: 'Cancelling…' });
      };
      const interaction = rig.fake.slash(alice, thread.channelId, 'cancel');
      await rig.fake.waitFor(() => rig.fake.messages.get(interaction.original ?? '')?.embeds?.[0]?.description === 'Cancelling…', 'the answer');
      assert.deepEqual(rig.handler.messages[1]!.thread, thread);
    });
  });

  it('with DISCORD_GUILD_ID the command is registered in that guild', async () => {
    rig = await startDiscord({ guildId: true });
    assert.equal(rig.fake.callsTo('PUT', new RegExp(`^/applications/\\d+/guilds/${rig.fake.guildId}/commands$`)).length, 1);
    assert.equal(rig.fake.callsTo('PUT', /^\/applications\/\d+\/commands$/).length, 0);
  });

  describe('buttons', () => {
    async function approvalInDm(buttonAckMs?: number) {
      rig = await startDiscord(buttonAckMs ? { buttonAckMs } : {});
      const alice = rig.fake.user('alice');
      rig.fake.dm(alice, 'run the tests');
      await rig.handler.waitFor(() => rig.handler.messages.length === 1, 'the DM');
      const thread = rig.handler.messages[0]!.thread;
      const ref = await rig.transport.post(thread, { title: 'Approval needed', text: 'npm test', buttons: [{ label: 'Approve once', value: 'ok1:job-1:req-1', style: 'primary' }] });
      return { alice, thread, ref };
    }

    it('a press reaches onButton with who, which message and the value', async () => {
      const { alice, thread, ref } = await approvalInDm();
      rig.fake.press(alice, ref.messageId, 'ok1:job-1:req-1');
      await rig.handler.waitFor(() => rig.handler.presses.length === 1, 'the press');
      assert.deepEqual(rig.handler.presses[0], { user: { platform: 'discord', userId: alice.id, displayName: 'Alice' }, message: { thread, messageId: ref.messageId }, value: 'ok1:job-1:req-1' });
    });

    it('a refusal is an ephemeral reply to the presser; the message is untouched', async () => {
      const { ref } = await approvalInDm();
      rig.handler.onButtonDo = async () => ({ ephemeral: 'Only the requester can do that.' });
      const mallory = rig.fake.user('mallory');
      const interaction = rig.fake.press(mallory, ref.messageId, 'ok1:job-1:req-1');
      await rig.fake.waitFor(() => rig.fake.callsTo('POST', new RegExp(`^/interactions/${interaction.id}/`)).length === 1, 'the answer');
      const [callback] = rig.fake.callsTo('POST', /^\/interactions\//);
      assert.equal(callback!.body.type, 4);
      assert.equal(callback!.body.data.flags & EPHEMERAL, EPHEMERAL);
      assert.equal(callback!.body.data.content, 'Only the requester can do that.');
      assert.equal(rig.fake.messages.get(ref.messageId).edited_timestamp, null);
      assert.equal(rig.fake.callsTo('PATCH', /./).length, 0);
    });

    it('an update rewrites the pressed message in the interaction response', async () => {
      const { alice, ref } = await approvalInDm();
      rig.handler.onButtonDo = async () => ({ update: { title: 'Approved once by Alice', text: 'npm test', tone: 'success' } });
      rig.fake.press(alice, ref.messageId, 'ok1:job-1:req-1');
      await rig.fake.waitFor(() => rig.fake.messages.get(ref.messageId).embeds[0].title === 'Approved once by Alice', 'the update');
      const [callback] = rig.fake.callsTo('POST', /^\/interactions\//);
      assert.equal(callback!.body.type, 7);
      assert.deepEqual(rig.fake.messages.get(ref.messageId).components, []);
    });

    it('a slow decision is acknowledged first (deferUpdate), then applied by editing', async () => {
      const { alice, ref } = await approvalInDm(50);
      rig.handler.onButtonDo = async () => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { update: { title: 'Approved once by Alice', text: 'npm test' }, ephemeral: 'Your machine is offline; the decision is saved.' };
      };
      rig.fake.press(alice, ref.messageId, 'ok1:job-1:req-1');
      await rig.fake.waitFor(() => rig.fake.callsTo('POST', /^\/webhooks\//).length === 1, 'the follow-up');
      assert.equal(rig.fake.callsTo('POST', /^\/interactions\//)[0]!.body.type, 6);
      assert.equal(rig.fake.messages.get(ref.messageId).embeds[0].title, 'Approved once by Alice');
      assert.equal(rig.fake.callsTo('POST', /^\/webhooks\//)[0]!.body.flags & EPHEMERAL, EPHEMERAL);
    });
  });
});
