import assert from 'node:assert/strict';
import { join } from 'node:path';
import { DiscordTransport } from '../../../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../../../shared/logger.js';
import { FakeDiscord } from '../../../helpers/fakeDiscord.js';
import { TempDirs, makeRepo, nodeTestProject } from '../../../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../../../helpers/liveBridge.js';
import { TOKEN } from './discordHarness.js';

describe('Discord through discord.js: "Approve 30 min" covers the next DM task, says so, and End grant ends it', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let fake: FakeDiscord;
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    await fake.close();
    temp.cleanup();
  });

  // A push notification carries its title in the content, other messages in the embed.
  const titleOf = (message: { content?: string; embeds?: { title?: string }[] }) => message.embeds?.[0]?.title ?? message.content?.replace(/^<@\d+> /, '') ?? '';

  it('the second task posts the grant notice with End grant; pressing it makes the third task ask', async () => {
    fake = await FakeDiscord.start();
    const alice = fake.user('alice');
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const discord = new DiscordTransport({ token: TOKEN, apiUrl: fake.apiUrl, logger: silentLogger });
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [discord], pairedUsers: [{ platform: 'discord', userId: alice.id }] });
    const replies = (task: { id: string; channel_id: string }, pattern: RegExp) =>
      fake.botMessages(task.channel_id).filter((message) => message.message_reference?.message_id === task.id && pattern.test(titleOf(message)));
    const waitReply = async (task: { id: string; channel_id: string }, pattern: RegExp, what: string) => {
      await fake.waitFor(() => replies(task, pattern).length > 0, what, 30_000);
      return replies(task, pattern)[0];
    };
    const labels = (id: string): string[] => (fake.messages.get(id).components ?? []).flatMap((row: { components: { label: string }[] }) => row.components.map((c) => c.label));

    const first = fake.dm(alice, 'run the tests');
    const approval = await waitReply(first, /^Approval needed/, 'the approval request');
    const approveFor = approval.components[0].components.find((c: { label: string }) => c.label === 'Approve 30 min');
    fake.press(alice, approval.id, approveFor.custom_id);
    await fake.waitFor(() => /^Approved for 30 min by/.test(fake.messages.get(approval.id).embeds[0].title ?? ''), 'the pressed message updated');
    assert.deepEqual(labels(approval.id), ['End grant']);
    await waitReply(first, /^Session [0-9a-f]{8} completed/, 'the first session to end');

    const second = fake.dm(alice, 'run the tests');
    const notice = await waitReply(second, /^Approved by your 30-minute grant from \d\d:\d\d \((29|30) min left\)$/, 'the grant notice');
    assert.deepEqual(labels(notice.id), ['End grant']);
    await waitReply(second, /^Session [0-9a-f]{8} completed/, 'the second session to end');
    assert.equal(replies(second, /^Approval needed/).length, 0, 'the second task never asked');

    fake.press(alice, notice.id, notice.components[0].components[0].custom_id);
    await fake.waitFor(() => /^Grant ended by/.test(fake.messages.get(notice.id).embeds[0].title ?? ''), 'the notice updated');
    assert.deepEqual(labels(notice.id), []);

    const third = fake.dm(alice, 'run the tests');
    await waitReply(third, /^Approval needed/, 'the third task to ask again');
  });
});
