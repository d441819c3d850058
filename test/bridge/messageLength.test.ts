import assert from 'node:assert/strict';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';

const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };

describe('a chat message over 20,000 characters', () => {
  let h: Awaited<ReturnType<typeof dispatcherHarness>>;
  afterEach(() => h.dispose());

  it('gets "too long (at most 20,000 characters)" and nothing is stored or offered', async () => {
    h = await dispatcherHarness();
    await h.store.addPairing(alice, 'm1', 0);
    h.machines.online.add('m1');
    const task = `run the tests ${'x'.repeat(20_001 - 'run the tests '.length)}`;
    assert.equal(task.length, 20_001);
    const thread = await h.chat.say(alice, task);
    const [reply] = h.chat.inThread(thread);
    assert.match(reply!.message.text, /too long \(at most 20,000 characters\): it has 20,001\. Nothing was started/);
    assert.equal((await h.store.listJobs({})).length, 0, 'no job stored');
    assert.equal(h.machines.offers.length, 0, 'nothing offered');

    // In a session's thread, an over-long follow-up is not sent on either.
    const exact = `run the tests ${'y'.repeat(20_000 - 'run the tests '.length)}`;
    const accepted = await h.chat.say(alice, exact);
    assert.equal((await h.store.listJobs({})).length, 1, 'exactly 20,000 characters is taken');
    await h.chat.say(alice, `${'z'.repeat(20_001)}`, accepted);
    assert.equal(h.machines.followUps.length, 0);
    assert.match(h.chat.inThread(accepted).at(-1)!.message.text, /too long \(at most 20,000 characters\)/);
  });
});
