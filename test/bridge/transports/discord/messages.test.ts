import assert from 'node:assert/strict';
import type { OutgoingMessage } from '../../../../bridge/chat.js';
import { DiscordTransport } from '../../../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { RecordingHandler } from '../../../helpers/recordingHandler.js';
import { startDiscord, TOKEN, type DiscordRig } from './discordHarness.js';

const approval: OutgoingMessage = {
  title: 'Approval needed (session abc123)',
  text: 'Run `npm test`?',
  fields: [{ label: 'Tool', value: 'shell' }],
  buttons: [
    { label: 'Approve once', value: 'ok1:job-1:req-1', style: 'primary' },
    { label: 'Approve 30 min', value: 'okt30:job-1:req-1' },
    { label: 'Deny', value: 'no:job-1:req-1', style: 'danger' },
  ],
  tone: 'warning',
};

describe('Discord transport: DMs, posts and edits', () => {
  let rig: DiscordRig;
  beforeEach(async () => {
    rig = await startDiscord();
  });
  afterEach(async () => {
    await rig.stop();
  });

  async function dmThread(text = 'run the tests') {
    const alice = rig.fake.user('alice');
    const sent = rig.fake.dm(alice, text);
    await rig.handler.waitFor(() => rig.handler.messages.some((m) => m.messageId === sent.id), 'the DM');
    return { alice, sent, thread: rig.handler.messages.find((m) => m.messageId === sent.id)!.thread };
  }

  it('connects with the Guilds, GuildMessages, DirectMessages and MessageContent intents', () => {
    assert.equal(rig.fake.identifies.length, 1);
    assert.equal(rig.fake.identifies[0].intents, 1 | 512 | 4096 | 32768);
  });

  it('a DM reaches the handler as a direct message whose thread is that message', async () => {
    const { alice, sent } = await dmThread();
    assert.deepEqual(rig.handler.messages[0], {
      user: { platform: 'discord', userId: alice.id, displayName: 'Alice' },
      thread: { platform: 'discord', channelId: sent.channel_id, threadId: sent.id },
      messageId: sent.id,
      text: 'run the tests',
      isDirect: true,
    });
  });

  it('posting in a DM thread replies to the root message with an embed, buttons and no pings', async () => {
    const { sent, thread } = await dmThread();
    const ref = await rig.transport.post(thread, approval);

    const [call] = rig.fake.callsTo('POST', new RegExp(`^/channels/${sent.channel_id}/messages$`));
    assert.ok(call);
    assert.equal(call.body.message_reference.message_id, sent.id);
    assert.deepEqual(call.body.allowed_mentions, { parse: [], users: [], replied_user: false });
    assert.equal(call.body.content, undefined);
    const [embed] = call.body.embeds;
    assert.equal(embed.title, 'Approval needed (session abc123)');
    assert.equal(embed.description, 'Run `npm test`?');
    assert.deepEqual(embed.fields, [{ name: 'Tool', value: 'shell', inline: true }]);
    assert.equal(embed.color, 0xfee75c);
    const buttons = call.body.components[0].components;
    assert.deepEqual(
      buttons.map((b: { custom_id: string; label: string; style: number }) => [b.custom_id, b.label, b.style]),
      [
        ['ok1:job-1:req-1', 'Approve once', 1],
        ['okt30:job-1:req-1', 'Approve 30 min', 2],
        ['no:job-1:req-1', 'Deny', 4],
      ],
    );
    assert.deepEqual(ref, { thread, messageId: rig.fake.botMessages(sent.channel_id)[0].id });
  });

  it('edit replaces the message in place, dropping buttons that are gone', async () => {
    const { thread } = await dmThread();
    const ref = await rig.transport.post(thread, approval);
    await rig.transport.edit(ref, { title: 'Approved once by Alice', text: 'Run `npm test`?', tone: 'success' });

    const [call] = rig.fake.callsTo('PATCH', new RegExp(`^/channels/${thread.channelId}/messages/${ref.messageId}$`));
    assert.ok(call);
    assert.deepEqual(call.body.components, []);
    assert.equal(call.body.content, '');
    assert.equal(rig.fake.messages.get(ref.messageId).embeds[0].title, 'Approved once by Alice');
  });

  it('a mention pings exactly that user (push notification), nobody else', async () => {
    const { alice, thread } = await dmThread();
    await rig.transport.post(thread, { title: 'Session abc123 completed', text: 'All green.', mention: { platform: 'discord', userId: alice.id }, tone: 'success' });
    const [call] = rig.fake.callsTo('POST', /\/messages$/);
    assert.equal(call!.body.content, `<@${alice.id}> Session abc123 completed`);
    // The title is said once: in the content the phone shows, not again as the embed's title.
    assert.equal(call!.body.embeds[0].title, undefined);
    assert.equal(call!.body.embeds[0].description, 'All green.');
    assert.deepEqual(call!.body.allowed_mentions, { parse: [], users: [alice.id], replied_user: false });
  });

  it('agent text with @everyone, @here and role mentions cannot ping', async () => {
    const { alice, thread } = await dmThread();
    await rig.transport.post(thread, { title: 'Hey @everyone <@&123>', text: 'ping @here and @everyone', mention: { platform: 'discord', userId: alice.id } });
    const [call] = rig.fake.callsTo('POST', /\/messages$/);
    const body = call!.body;
    assert.deepEqual(body.allowed_mentions.parse, []);
    assert.deepEqual(body.allowed_mentions.users, [alice.id]);
    assert.doesNotMatch(body.content, /@everyone|@here|<@&/);
    assert.doesNotMatch(body.embeds[0].description, /@everyone|@here/);
  });

  it('text over Discord limits is truncated with a note, never refused', async () => {
    const { thread } = await dmThread();
    await rig.transport.post(thread, { title: 'Log', text: 'x'.repeat(10_000), fields: [{ label: 'Repo', value: 'y'.repeat(2_000) }] });
    const [call] = rig.fake.callsTo('POST', /\/messages$/);
    const embed = call!.body.embeds[0];
    assert.ok(embed.description.length <= 4_096);
    assert.match(embed.description, /more characters not shown; the full output is in the session log/);
    assert.ok(embed.fields[0].value.length <= 1_024);
    const total = embed.title.length + embed.description.length + embed.fields[0].name.length + embed.fields[0].value.length;
    assert.ok(total <= 6_000);
  });

  it('a reply to a bot message in the DM continues that thread; a plain DM starts a new one', async () => {
    const { alice, sent, thread } = await dmThread();
    const status = await rig.transport.post(thread, { text: 'On it.' });
    const reply = rig.fake.dm(alice, 'also lint it', { replyTo: status.messageId });
    const fresh = rig.fake.dm(alice, 'something else');
    await rig.handler.waitFor(() => rig.handler.messages.length === 3, 'both DMs');
    assert.deepEqual(rig.handler.messages.find((m) => m.messageId === reply.id)!.thread, thread);
    assert.deepEqual(rig.handler.messages.find((m) => m.messageId === fresh.id)!.thread, { platform: 'discord', channelId: sent.channel_id, threadId: fresh.id });
  });

  it('after a restart, a reply to a bot message still finds the job thread', async () => {
    const { alice, thread } = await dmThread();
    const status = await rig.transport.post(thread, { text: 'On it.' });
    await rig.transport.stop();
    const handler = new RecordingHandler();
    rig.transport = new DiscordTransport({ token: TOKEN, apiUrl: rig.fake.apiUrl, logger: silentLogger });
    await rig.transport.start(handler);
    const reply = rig.fake.dm(alice, 'also lint it', { replyTo: status.messageId });
    await handler.waitFor(() => handler.messages.length === 1, 'the reply');
    assert.equal(handler.messages[0]!.messageId, reply.id);
    assert.deepEqual(handler.messages[0]!.thread, thread);

    // Restarted again: a reply to that reply walks the chain through Discord (GET the message).
    await rig.transport.stop();
    const again = new RecordingHandler();
    rig.transport = new DiscordTransport({ token: TOKEN, apiUrl: rig.fake.apiUrl, logger: silentLogger });
    await rig.transport.start(again);
    rig.fake.dm(alice, 'and the build', { replyTo: reply.id });
    await again.waitFor(() => again.messages.length === 1, 'the reply to the reply');
    assert.deepEqual(again.messages[0]!.thread, thread);
    assert.equal(rig.fake.callsTo('GET', new RegExp(`^/channels/${thread.channelId}/messages/${status.messageId}$`)).length, 1);
  });

  it('ignores its own messages and other bots', async () => {
    const { thread } = await dmThread();
    await rig.transport.post(thread, { text: 'On it.' });
    const robot = { ...rig.fake.user('robot'), bot: true };
    rig.fake.dm(robot, 'beep');
    const last = rig.fake.dm(rig.fake.user('bob'), 'hello');
    await rig.handler.waitFor(() => rig.handler.messages.some((m) => m.messageId === last.id), "bob's DM");
    assert.deepEqual(rig.handler.messages.map((m) => m.text), ['run the tests', 'hello']);
  });

  it('a 429 with Retry-After is retried by discord.js, and the post lands once', async () => {
    const { thread } = await dmThread();
    rig.fake.failNext('POST', /\/messages$/, 429, 0.05);
    const ref = await rig.transport.post(thread, { text: 'On it.' });
    assert.equal(rig.fake.callsTo('POST', /\/messages$/).length, 2);
    assert.equal(rig.fake.botMessages(thread.channelId).length, 1);
    assert.equal(rig.fake.botMessages(thread.channelId)[0].id, ref.messageId);
  });
});
