import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DiscordTransport } from '../../../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { FakeDiscord } from '../../../helpers/fakeDiscord.js';
import { makeRepo, TempDirs } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { TOKEN } from './discordHarness.js';

const EPHEMERAL = 64;

describe('Discord: "Run as a Code session" on a Cowork reply, through discord.js', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let fake: FakeDiscord;
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await fake.close();
    temp.cleanup();
  });

  it('refuses another person ephemerally, and starts a Code session for the asker as a reply in the same DM', async () => {
    fake = await FakeDiscord.start();
    const alice = fake.user('alice');
    const bob = fake.user('bob');
    live = await startLiveBridge({
      repos: [{ name: 'api', path: makeRepo(join(temp.make(), 'api')) }],
      transports: [new DiscordTransport({ token: TOKEN, apiUrl: fake.apiUrl, logger: silentLogger })],
      pairedUsers: [{ platform: 'discord', userId: alice.id }, { platform: 'discord', userId: bob.id }],
      withRunner: false,
    });
    const question = fake.dm(alice, 'write a short note to the team about the offsite on friday');
    const dm = question.channel_id as string;
    const button = (message: { components?: { components: { label: string; custom_id: string }[] }[] }) =>
      message.components?.flatMap((row) => row.components).find((component) => component.label === 'Run as a Code session');
    await fake.waitFor(() => fake.botMessages(dm).some((message) => button(message)), 'the Cowork reply with its button');
    const reply = fake.botMessages(dm).find((message) => button(message))!;
    assert.equal(reply.message_reference.message_id, question.id);
    const customId = button(reply)!.custom_id;
    assert.ok(customId.length <= 100);

    const callbacksFor = (id: string) => fake.callsTo('POST', new RegExp(`^/interactions/${id}/`));
    const bobPress = fake.press(bob, reply.id, customId);
    await fake.waitFor(() => callbacksFor(bobPress.id).length === 1, "the answer to Bob's press");
    const refusal = callbacksFor(bobPress.id)[0]!.body;
    assert.equal(refusal.type, 4);
    assert.equal(refusal.data.flags & EPHEMERAL, EPHEMERAL);
    assert.equal(refusal.data.content, 'Only the person who asked can run this as a Code session.');
    assert.equal((await live.bridge.store.listJobs({})).length, 0);

    const alicePress = fake.press(alice, reply.id, customId);
    await fake.waitFor(() => callbacksFor(alicePress.id).length === 1, "the answer to Alice's press");
    assert.equal(callbacksFor(alicePress.id)[0]!.body.type, 7, 'the pressed reply is updated');
    assert.deepEqual(fake.messages.get(reply.id).components, []);
    await fake.waitFor(() => fake.botMessages(dm).some((message) => /^Code session [0-9a-f]{8}/.test(message.embeds?.[0]?.title ?? '')), 'the status message');
    const status = fake.botMessages(dm).find((message) => /^Code session/.test(message.embeds?.[0]?.title ?? ''))!;
    assert.equal(status.message_reference.message_id, question.id, 'in the same conversation');
    const [job] = await live.bridge.store.listJobs({ owner: { platform: 'discord', userId: alice.id } });
    assert.equal(job?.forced, true);
    assert.equal(job?.task, 'write a short note to the team about the offsite on friday');
  });
});
