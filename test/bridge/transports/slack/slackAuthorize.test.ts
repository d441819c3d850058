import assert from 'node:assert/strict';
import { postSigned } from '../../../helpers/fakeSlack.js';
import { SIGNING_SECRET, slackHarness, type SlackHarness } from './slackHarness.js';

// Bolt's single-token authorize, built without token verification, called auth.test for every
// incoming event (a probe saw 215 calls for 213 events). It must authorize once and cache.
describe('the Slack transport authorizes once, not per event', () => {
  let h: SlackHarness;
  afterEach(async () => h?.dispose());

  it('Socket Mode: 40 DMs add no auth.test call after start', async () => {
    h = await slackHarness('socket');
    const atStart = h.fake.callsOf('auth.test').length;
    assert.ok(atStart >= 1 && atStart <= 2, `auth.test at start: ${atStart}`);
    for (let index = 0; index < 40; index += 1) h.fake.dm(`U${index}`, `run the tests ${index}`);
    await h.messages(40);
    assert.equal(h.fake.callsOf('auth.test').length, atStart, 'no auth.test per event');
  });

  it('HTTP mode: 25 signed event requests add no auth.test call after start', async () => {
    h = await slackHarness('http');
    const eventsUrl = `http://127.0.0.1:${h.transport.httpAddress!.port}/slack/events`;
    const atStart = h.fake.callsOf('auth.test').length;
    for (let index = 0; index < 25; index += 1) {
      const response = await postSigned(eventsUrl, JSON.stringify(h.fake.dmEvent(`U${index}`, `lint ${index}`).body), { secret: SIGNING_SECRET });
      assert.equal(response.status, 200);
    }
    await h.messages(25);
    assert.equal(h.fake.callsOf('auth.test').length, atStart, 'no auth.test per event');
  });
});
