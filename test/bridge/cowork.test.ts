import assert from 'node:assert/strict';
import { silentLogger } from '../../shared/logger.js';
import { AnthropicCowork } from '../../bridge/anthropicCowork.js';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';
import { FakeMessagesApi } from '../helpers/fakeAnthropic.js';

const alice = { platform: 'slack' as const, userId: 'UALICE' };

describe('Cowork answers through the Messages API', () => {
  it('answers a non-coding message in the thread with the model’s text', async () => {
    const api = await FakeMessagesApi.start((body) => ({ text: `Here is a draft for: ${body.messages[0]!.content}` }));
    const h = await dispatcherHarness({ cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'claude-test' }, silentLogger) });
    try {
      await h.store.addPairing(alice, 'm1', 0);
      const thread = await h.chat.say(alice, 'draft a polite email declining the meeting on friday');
      assert.equal(h.chat.inThread(thread)[0]!.message.text, 'Here is a draft for: draft a polite email declining the meeting on friday');
      assert.equal(api.requests[0]!.body.model, 'claude-test');
      const headers = api.requests[0]!.headers;
      assert.match(String(headers['x-api-key'] ?? headers.authorization), /sk-test-key/, 'the key is sent');
      assert.equal((await h.store.listJobs({})).length, 0, 'no Code session');
    } finally {
      await h.dispose();
      await api.close();
    }
  });

  it('says plainly when the model cannot be reached, and how to force a Code session', async () => {
    const api = await FakeMessagesApi.start(() => ({ status: 400, message: 'bad model' }));
    const h = await dispatcherHarness({ cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'nope' }, silentLogger) });
    try {
      await h.store.addPairing(alice, 'm1', 0);
      const thread = await h.chat.say(alice, 'summarize this spec for me');
      assert.match(h.chat.inThread(thread)[0]!.message.text, /couldn't reach the model[\s\S]*open a Code session/);
    } finally {
      await h.dispose();
      await api.close();
    }
  });

  it('a stranger gets the pairing hint and never a model answer; once paired, the model answers', async () => {
    const api = await FakeMessagesApi.start(() => ({ text: 'A model answer' }));
    const stranger = { platform: 'slack' as const, userId: 'USTRANGER' };
    const h = await dispatcherHarness({ cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'claude-test' }, silentLogger) });
    try {
      for (const text of ['write me a poem about the sea', 'summarize the news for me', 'draft a polite email declining the meeting']) {
        const thread = await h.chat.say(stranger, text);
        const replies = h.chat.inThread(thread);
        assert.equal(replies.length, 1);
        assert.match(replies[0]!.message.text, /dispatch pair[\s\S]*pair CODE/);
      }
      assert.equal(api.requests.length, 0, 'the model was never called for a stranger');

      await h.store.addPairing(stranger, 'm1', 0);
      const thread = await h.chat.say(stranger, 'write me a poem about the sea');
      assert.equal(h.chat.inThread(thread)[0]!.message.text, 'A model answer');
      assert.equal(api.requests.length, 1);
    } finally {
      await h.dispose();
      await api.close();
    }
  });

  it('someone named on the allowlist gets Cowork answers without pairing', async () => {
    const api = await FakeMessagesApi.start(() => ({ text: 'Allowed answer' }));
    const h = await dispatcherHarness({ allowedUsers: ['slack:UALICE'], cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'claude-test' }, silentLogger) });
    try {
      const thread = await h.chat.say(alice, 'write me a poem about the sea');
      assert.equal(h.chat.inThread(thread)[0]!.message.text, 'Allowed answer');
      assert.equal(api.requests.length, 1);
    } finally {
      await h.dispose();
      await api.close();
    }
  });
});
