import assert from 'node:assert/strict';
import { chatMessageFromEvent } from '../../../../bridge/transports/slack/slackEvents.js';

const BOT = 'UBOT';

describe('Slack events → chat messages', () => {
  it('takes a DM as a direct, addressed message in its own thread', () => {
    const message = chatMessageFromEvent({ type: 'message', channel_type: 'im', channel: 'D1', user: 'U1', text: 'run the tests', ts: '1.1' }, BOT);
    assert.deepEqual(message?.thread, { platform: 'slack', channelId: 'D1', threadId: '1.1' });
    assert.equal(message?.isDirect, true);
    assert.equal(message?.addressed, undefined);
  });

  it('takes a reply in a channel thread without a mention as unaddressed', () => {
    const message = chatMessageFromEvent({ type: 'message', channel_type: 'channel', channel: 'C1', user: 'U1', text: 'also lint it', ts: '2.2', thread_ts: '1.1' }, BOT);
    assert.deepEqual(message?.thread, { platform: 'slack', channelId: 'C1', threadId: '1.1' });
    assert.equal(message?.addressed, false);
    assert.equal(message?.isDirect, false);
  });

  it('ignores top-level channel chatter, and a channel message naming the bot (its app_mention is the one taken)', () => {
    assert.equal(chatMessageFromEvent({ type: 'message', channel_type: 'channel', channel: 'C1', user: 'U1', text: 'lunch?', ts: '3.3' }, BOT), undefined);
    assert.equal(chatMessageFromEvent({ type: 'message', channel_type: 'channel', channel: 'C1', user: 'U1', text: `<@${BOT}> status`, ts: '4.4', thread_ts: '1.1' }, BOT), undefined);
    const mention = chatMessageFromEvent({ type: 'app_mention', channel: 'C1', user: 'U1', text: `<@${BOT}> status`, ts: '4.4', thread_ts: '1.1' }, BOT);
    assert.equal(mention?.text, 'status');
    assert.equal(mention?.addressed, undefined);
  });
});
