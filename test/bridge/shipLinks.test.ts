import assert from 'node:assert/strict';
import { threadUrl } from '../../bridge/shipLinks.js';

describe('links back to the chat thread, for the pull request', () => {
  it('Slack: the thread permalink', () => {
    assert.equal(threadUrl({ platform: 'slack', channelId: 'C0123', threadId: '1700000000.000100' }), 'https://slack.com/archives/C0123/p1700000000000100');
  });
  it('Discord: the DM message, or the guild thread when the guild is known', () => {
    assert.equal(threadUrl({ platform: 'discord', channelId: '111', threadId: '222' }), 'https://discord.com/channels/@me/111/222');
    assert.equal(threadUrl({ platform: 'discord', channelId: '333', threadId: '333' }, { discordGuildId: '999' }), 'https://discord.com/channels/999/333');
    assert.equal(threadUrl({ platform: 'discord', channelId: '333', threadId: '333' }), undefined);
  });
  it('web: the bridge’s chat with the thread, once it listens', () => {
    assert.equal(threadUrl({ platform: 'web', channelId: 'web', threadId: 'abc-1' }, { webUrl: () => 'http://127.0.0.1:7878' }), 'http://127.0.0.1:7878/?thread=abc-1');
    assert.equal(threadUrl({ platform: 'web', channelId: 'web', threadId: 'abc-1' }), undefined);
  });
  it('nothing odd gets into a link', () => {
    assert.equal(threadUrl({ platform: 'slack', channelId: 'C0123/../x', threadId: '1.2' }), undefined);
  });
});
