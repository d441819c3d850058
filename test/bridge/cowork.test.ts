import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../shared/logger.js';
import { AnthropicCowork } from '../../bridge/anthropicCowork.js';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';

/** A local stand-in for the Messages API: records requests, answers like the real one. */
async function fakeMessagesApi(reply: (body: { messages: { content: string }[] }) => { status: number; json: unknown }) {
  const requests: { headers: Record<string, unknown>; body: { model: string; messages: { content: string }[] } }[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const body = JSON.parse(raw);
      requests.push({ headers: request.headers, body });
      const { status, json } = reply(body);
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => server.close(r)) };
}

const alice = { platform: 'slack' as const, userId: 'UALICE' };

describe('Cowork answers through the Messages API', () => {
  it('answers a non-coding message in the thread with the model’s text', async () => {
    const api = await fakeMessagesApi((body) => ({
      status: 200,
      json: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [{ type: 'text', text: `Here is a draft for: ${body.messages[0]!.content}` }],
        stop_reason: 'end_turn',
        usage: { input_tokens: 10, output_tokens: 20 },
      },
    }));
    const h = dispatcherHarness({ cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'claude-test' }, silentLogger) });
    try {
      h.store.addPairing(alice, 'm1', 0);
      const thread = await h.chat.say(alice, 'draft a polite email declining the meeting on friday');
      assert.equal(h.chat.inThread(thread)[0]!.message.text, 'Here is a draft for: draft a polite email declining the meeting on friday');
      assert.equal(api.requests[0]!.body.model, 'claude-test');
      const headers = api.requests[0]!.headers;
      assert.match(String(headers['x-api-key'] ?? headers.authorization), /sk-test-key/, 'the key is sent');
      assert.equal(h.store.listJobs({}).length, 0, 'no Code session');
    } finally {
      h.dispose();
      await api.close();
    }
  });

  it('says plainly when the model cannot be reached, and how to force a Code session', async () => {
    const api = await fakeMessagesApi(() => ({ status: 400, json: { type: 'error', error: { type: 'invalid_request_error', message: 'bad model' } } }));
    const h = dispatcherHarness({ cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'nope' }, silentLogger) });
    try {
      h.store.addPairing(alice, 'm1', 0);
      const thread = await h.chat.say(alice, 'summarize this spec for me');
      assert.match(h.chat.inThread(thread)[0]!.message.text, /couldn't reach the model[\s\S]*open a Code session/);
    } finally {
      h.dispose();
      await api.close();
    }
  });

  it('a stranger gets the pairing hint and never a model answer; once paired, the model answers', async () => {
    const api = await fakeMessagesApi(() => ({
      status: 200,
      json: { id: 'msg_2', type: 'message', role: 'assistant', model: 'claude-test', content: [{ type: 'text', text: 'A model answer' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
    }));
    const stranger = { platform: 'slack' as const, userId: 'USTRANGER' };
    const h = dispatcherHarness({ cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'claude-test' }, silentLogger) });
    try {
      for (const text of ['write me a poem about the sea', 'summarize the news for me', 'draft a polite email declining the meeting']) {
        const thread = await h.chat.say(stranger, text);
        const replies = h.chat.inThread(thread);
        assert.equal(replies.length, 1);
        assert.match(replies[0]!.message.text, /dispatch pair[\s\S]*pair CODE/);
      }
      assert.equal(api.requests.length, 0, 'the model was never called for a stranger');

      h.store.addPairing(stranger, 'm1', 0);
      const thread = await h.chat.say(stranger, 'write me a poem about the sea');
      assert.equal(h.chat.inThread(thread)[0]!.message.text, 'A model answer');
      assert.equal(api.requests.length, 1);
    } finally {
      h.dispose();
      await api.close();
    }
  });

  it('someone named on the allowlist gets Cowork answers without pairing', async () => {
    const api = await fakeMessagesApi(() => ({
      status: 200,
      json: { id: 'msg_3', type: 'message', role: 'assistant', model: 'claude-test', content: [{ type: 'text', text: 'Allowed answer' }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } },
    }));
    const h = dispatcherHarness({ allowedUsers: ['slack:UALICE'], cowork: new AnthropicCowork({ apiKey: 'sk-test-key', baseURL: api.url, model: 'claude-test' }, silentLogger) });
    try {
      const thread = await h.chat.say(alice, 'write me a poem about the sea');
      assert.equal(h.chat.inThread(thread)[0]!.message.text, 'Allowed answer');
      assert.equal(api.requests.length, 1);
    } finally {
      h.dispose();
      await api.close();
    }
  });
});
