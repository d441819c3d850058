import assert from 'node:assert/strict';
import { postSigned } from '../../../helpers/fakeSlack.js';
import { SIGNING_SECRET, slackHarness, type SlackHarness } from './slackHarness.js';

describe('the Slack transport in HTTP mode (real Bolt verifying signatures)', () => {
  let h: SlackHarness;
  let eventsUrl: string;
  beforeEach(async () => {
    h = await slackHarness('http');
    eventsUrl = `http://127.0.0.1:${h.transport.httpAddress!.port}/slack/events`;
  });
  afterEach(async () => h.dispose());

  const dmBody = () => JSON.stringify(h.fake.dmEvent('UALICE', 'run the tests').body);

  it('runs in HTTP mode when only a signing secret is given, with no socket', () => {
    assert.equal(h.transport.mode, 'http');
    assert.equal(h.fake.callsOf('apps.connections.open').length, 0);
  });

  it('refuses a request with a bad signature (401) and hands nothing over', async () => {
    const response = await postSigned(eventsUrl, dmBody(), { secret: 'not-the-secret' });
    assert.equal(response.status, 401);
    const forged = await postSigned(eventsUrl, dmBody(), { secret: SIGNING_SECRET, signature: 'v0=00' });
    assert.equal(forged.status, 401);
    assert.equal(h.handler.messages.length, 0);
  });

  it('refuses a correctly signed but stale request (older than 5 minutes) with 401', async () => {
    const response = await postSigned(eventsUrl, dmBody(), { secret: SIGNING_SECRET, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    assert.equal(response.status, 401);
    assert.equal(h.handler.messages.length, 0);
  });

  it('acknowledges a good request at once and hands the DM over; a Slack retry of it is not handled again', async () => {
    const body = dmBody();
    const response = await postSigned(eventsUrl, body, { secret: SIGNING_SECRET });
    assert.equal(response.status, 200);
    const [message] = await h.messages(1);
    assert.equal(message?.text, 'run the tests');

    const retry = await postSigned(eventsUrl, body, { secret: SIGNING_SECRET });
    assert.equal(retry.status, 200);
    await postSigned(eventsUrl, JSON.stringify(h.fake.dmEvent('UALICE', 'and lint').body), { secret: SIGNING_SECRET });
    await h.messages(2);
    assert.deepEqual(h.handler.messages.map((m) => m.text), ['run the tests', 'and lint']);
  });

  it('handles a signed button press (form-encoded payload) and answers through its response_url', async () => {
    h.handler.onButtonDo = () => ({ ephemeral: 'Only the requester can do that.' });
    const payload = {
      type: 'block_actions',
      user: { id: 'UMALLORY', username: 'mallory' },
      team: { id: 'T0TEAM' },
      channel: { id: 'DUALICE' },
      container: { type: 'message', channel_id: 'DUALICE', message_ts: '1700000001.000001' },
      message: { ts: '1700000001.000001', thread_ts: '1700000000.000000' },
      trigger_id: 'trigger-http-1',
      response_url: `${h.fake.url}/respond/http-1`,
      actions: [{ type: 'button', action_id: 'dispatch_button_0', value: 'ok1:job-1:r1' }],
    };
    const body = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const response = await postSigned(eventsUrl, body, { secret: SIGNING_SECRET, contentType: 'application/x-www-form-urlencoded' });
    assert.equal(response.status, 200);
    await h.fake.waitFor(() => h.fake.responses.length === 1, 'the ephemeral reply');
    assert.equal(h.handler.presses[0]?.message.thread.threadId, '1700000000.000000');
    assert.equal(h.fake.responses[0]?.response_type, 'ephemeral');
  });
});
