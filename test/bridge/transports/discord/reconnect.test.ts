import assert from 'node:assert/strict';
import { startDiscord, type DiscordRig } from './discordHarness.js';

describe('Discord transport: gateway reconnect', () => {
  let rig: DiscordRig;
  beforeEach(async () => {
    rig = await startDiscord();
  });
  afterEach(async () => {
    await rig.stop();
  });

  it('op 7 RECONNECT mid-flow resumes the session: nothing lost, nothing handled twice', async () => {
    const alice = rig.fake.user('alice');
    rig.handler.onButtonDo = async () => ({ ephemeral: 'noted' });
    const first = rig.fake.dm(alice, 'run the tests');
    await rig.handler.waitFor(() => rig.handler.messages.length === 1, 'the first DM');
    const ref = await rig.transport.post(rig.handler.messages[0]!.thread, { text: 'Approve?', buttons: [{ label: 'Approve once', value: 'ok1:job-1:req-1' }] });
    rig.fake.press(alice, ref.messageId, 'ok1:job-1:req-1');
    await rig.handler.waitFor(() => rig.handler.presses.length === 1, 'the press');

    // Discord asks the bot to reconnect and, on RESUME, re-sends the last events (the DM
    // echo of our post and the press) as well as what was said while it was away.
    rig.fake.reconnect({ replayOverlap: 3 });
    const whileAway = rig.fake.dm(alice, 'also lint it');
    const during = await rig.transport.post(rig.handler.messages[0]!.thread, { text: 'Still on it.' });
    await rig.fake.waitFor(() => rig.fake.resumes.length === 1, 'the RESUME');
    await rig.handler.waitFor(() => rig.handler.messages.some((m) => m.messageId === whileAway.id), 'the DM sent while away');
    const after = rig.fake.dm(alice, 'thanks');
    await rig.handler.waitFor(() => rig.handler.messages.some((m) => m.messageId === after.id), 'a DM after the resume');

    assert.equal(rig.fake.identifies.length, 1, 'resumed, not re-identified');
    assert.equal(rig.fake.resumes[0].session_id, 'session-1');
    assert.deepEqual(rig.handler.messages.map((m) => m.messageId), [first.id, whileAway.id, after.id]);
    assert.equal(rig.handler.presses.length, 1, 'the replayed press is not handled again');
    assert.equal(rig.fake.callsTo('POST', /^\/interactions\//).length, 1);
    assert.ok(rig.fake.messages.has(during.messageId), 'a post during the reconnect lands (REST is independent)');
  });
});
