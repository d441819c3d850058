import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DiscordTransport } from '../../../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { FakeDiscord, type FakeUser } from '../../../helpers/fakeDiscord.js';
import { TempDirs, makeRepo, nodeTestProject } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { TOKEN } from './discordHarness.js';

const EPHEMERAL = 64;

describe('end to end over Discord: message → bridge → runner → worktree → replies', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let fake: FakeDiscord;
  let live: LiveBridge | undefined;
  let alice: FakeUser;
  let bob: FakeUser;

  beforeEach(async () => {
    fake = await FakeDiscord.start();
    alice = fake.user('alice');
    bob = fake.user('bob');
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const discord = new DiscordTransport({ token: TOKEN, apiUrl: fake.apiUrl, logger: silentLogger });
    live = await startLiveBridge({
      repos: [{ name: 'api', path: repo }],
      transports: [discord],
      pairedUsers: [
        { platform: 'discord', userId: alice.id },
        { platform: 'discord', userId: bob.id },
      ],
    });
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await fake.close();
    temp.cleanup();
  });

  // A push notification carries its title in the content (said once), other messages in the embed.
  const titleOf = (message: { content?: string; embeds?: { title?: string }[] }) => message.embeds?.[0]?.title ?? message.content?.replace(/^<@\d+> /, '') ?? '';
  const titled = (channelId: string, pattern: RegExp) => fake.botMessages(channelId).filter((message) => pattern.test(titleOf(message)));
  const callbacksFor = (interactionId: string) => fake.callsTo('POST', new RegExp(`^/interactions/${interactionId}/`));

  it('runs a DM task through approval to a final mention, survives a gateway reconnect, and continues on a reply', async () => {
    const task = fake.dm(alice, 'run the tests');
    const dm = task.channel_id as string;

    // The immediate reply: the status message, a reply to the task in the DM.
    await fake.waitFor(() => titled(dm, /^Code session/).length === 1, 'the status message');
    const status = titled(dm, /^Code session/)[0];
    assert.equal(status.message_reference.message_id, task.id);
    assert.deepEqual(status.allowed_mentions, { parse: [], users: [], replied_user: false });

    // The approval request: a push notification to Alice with buttons; the status was edited meanwhile.
    await fake.waitFor(() => titled(dm, /^Approval needed/).length === 1, 'the approval request');
    const approval = titled(dm, /^Approval needed/)[0];
    assert.equal(approval.content.startsWith(`<@${alice.id}>`), true);
    assert.deepEqual(approval.allowed_mentions.users, [alice.id]);
    assert.ok(fake.callsTo('PATCH', new RegExp(`/messages/${status.id}$`)).length >= 1, 'the status message was edited in place');
    const [approveOnce] = approval.components[0].components;
    assert.equal(approveOnce.label, 'Approve once');

    // The gateway is told to reconnect mid-flow; Bob presses while the bot is away.
    fake.reconnect({ replayOverlap: 2 });
    const bobPress = fake.press(bob, approval.id, approveOnce.custom_id);
    await fake.waitFor(() => callbacksFor(bobPress.id).length === 1, "the answer to Bob's press");
    const refusal = callbacksFor(bobPress.id)[0]!.body;
    assert.equal(refusal.type, 4);
    assert.equal(refusal.data.flags & EPHEMERAL, EPHEMERAL);
    assert.equal(refusal.data.content, 'Only the requester can do that.');
    const job = (await live!.bridge.store.listJobs({ owner: { platform: 'discord', userId: alice.id } }))[0]!;
    assert.equal((await live!.bridge.store.getJob(job.id))?.state, 'waiting_for_approval', 'a refused press changes nothing');
    assert.equal(fake.messages.get(approval.id).edited_timestamp, null);

    // Alice approves once: the pressed message is updated, the session runs to the end.
    const alicePress = fake.press(alice, approval.id, approveOnce.custom_id);
    await fake.waitFor(() => callbacksFor(alicePress.id).length === 1, "the answer to Alice's press");
    assert.equal(callbacksFor(alicePress.id)[0]!.body.type, 7);
    assert.match(fake.messages.get(approval.id).embeds[0].title, /^Approved once by Alice/);
    assert.deepEqual(fake.messages.get(approval.id).components, []);

    await fake.waitFor(() => titled(dm, /^Session [0-9a-f]{8} completed/).length === 1, 'the final message');
    const final = titled(dm, /^Session [0-9a-f]{8} completed/)[0];
    assert.match(final.content, new RegExp(`^<@${alice.id}> Session [0-9a-f]{8} completed$`));
    assert.equal(final.embeds[0].title, undefined, 'the title is said once');
    assert.deepEqual(final.allowed_mentions.users, [alice.id]);
    assert.equal(final.message_reference.message_id, task.id);
    // The counts are said once, in the summary (no Tests field repeating them).
    assert.match(final.embeds[0].description, /Tests passed: [1-9]\d* passed, 0 failed/);
    assert.equal(final.embeds[0].fields.find((f: { name: string }) => f.name === 'Tests'), undefined);
    await fake.waitFor(() => /completed/.test(fake.messages.get(status.id).embeds[0].title), 'the status edit to completed');
    assert.equal(fake.resumes.length, 1, 'the gateway resumed');
    assert.equal(fake.identifies.length, 1, 'without a new session');

    // A reply to the final message continues the same session.
    fake.dm(alice, 'run the tests again please', { replyTo: final.id });
    await fake.waitFor(() => titled(dm, /^Approval needed/).some((message) => message.id !== approval.id), 'the follow-up asking again');
    assert.equal((await live!.bridge.store.listJobs({ owner: { platform: 'discord', userId: alice.id } })).length, 1, 'still one session');
    assert.ok(fake.botMessages(dm).some((message) => /Follow-up sent to the same session/.test(message.embeds?.[0]?.description ?? '')));

    // Nothing posted twice: one status, one final, one answer per press.
    assert.equal(titled(dm, /^Code session/).length, 1);
    assert.equal(titled(dm, /^Session [0-9a-f]{8} completed/).length, 1);
    assert.equal(fake.callsTo('POST', /^\/interactions\//).length, 2);
  });

  it('a guild mention gets a thread; the session reports there and /dispatch cancel in the thread cancels it', async () => {
    const mention = fake.say(fake.channelId, alice, `<@${fake.bot.id}> run the tests`);
    await fake.waitFor(() => [...fake.channels.values()].some((channel) => channel.type === 11), 'the thread');
    const thread = [...fake.channels.values()].find((channel) => channel.type === 11)!;
    assert.equal(fake.callsTo('POST', /\/threads$/)[0]!.path, `/channels/${fake.channelId}/messages/${mention.id}/threads`);

    await fake.waitFor(() => titled(thread.id, /^Approval needed/).length === 1, 'the approval request in the thread');
    assert.equal(titled(thread.id, /^Code session/).length, 1, 'the status message is in the thread');
    assert.equal(fake.botMessages(fake.channelId).length, 0, 'nothing posted in the channel itself');

    const cancel = fake.slash(alice, thread.id, 'cancel');
    await fake.waitFor(() => titled(thread.id, /^Session [0-9a-f]{8} cancelled/).length === 1, 'the cancellation');
    assert.equal(callbacksFor(cancel.id)[0]!.body.type, 5, 'the command was deferred');
    assert.match(fake.messages.get(cancel.original!).embeds[0].description, /Cancelling/);
    const job = (await live!.bridge.store.listJobs({ owner: { platform: 'discord', userId: alice.id } }))[0]!;
    assert.equal((await live!.bridge.store.getJob(job.id))?.state, 'cancelled');
    assert.deepEqual(job.thread, { platform: 'discord', channelId: thread.id, threadId: thread.id });
  });
});
