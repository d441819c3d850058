import assert from 'node:assert/strict';
import { buttonValue } from '../../bridge/buttons.js';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';
import { RecordingTransport, type Posted } from '../helpers/recordingTransport.js';

const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };
const bob = { platform: 'slack' as const, userId: 'UBOB', displayName: 'bob' };
const labels = (posted: Posted) => (RecordingTransport.latest(posted).buttons ?? []).map((button) => button.label);

describe('"Run as a Code session" on a Cowork reply', () => {
  let h: Awaited<ReturnType<typeof dispatcherHarness>>;
  afterEach(() => h.dispose());

  async function coworkReply(user = alice, text = 'write a short note to the team about the offsite on friday') {
    const thread = await h.chat.say(user, text);
    const [reply] = h.chat.inThread(thread);
    assert.equal(reply?.message.buttons?.[0]?.label, 'Run as a Code session', 'a Cowork reply');
    return { thread, reply: reply!, value: reply.message.buttons![0]!.value };
  }

  it('puts the button on the no-model note, and one tap starts the same text as a forced Code session in the same thread', async () => {
    h = await dispatcherHarness();
    await h.store.addPairing(alice, 'm1', 0);
    h.machines.online.add('m1');
    const { thread, reply, value } = await coworkReply();
    assert.match(reply.message.text, /no model is configured/);
    assert.deepEqual(labels(reply), ['Run as a Code session']);
    assert.ok(value.length <= 100, 'fits a Discord custom_id');
    assert.equal((await h.store.listJobs({})).length, 0);

    const answer = await h.chat.press(alice, reply, value);
    const [job] = await h.store.listJobs({ owner: alice });
    assert.ok(job, 'a Code session');
    assert.equal(job.task, 'write a short note to the team about the offsite on friday');
    assert.equal(job.forced, true);
    assert.deepEqual(job.thread, thread, 'in the same thread');
    assert.equal(job.repo, 'api', 'normal repo choice: the default');
    assert.deepEqual(h.machines.offers.map((offer) => offer.id), [job.id]);
    assert.match(RecordingTransport.latest(h.chat.inThread(thread)[1]!).text, /On it — session [0-9a-f]{8} on laptop, repo api/);
    assert.ok(answer.update, 'the pressed message is updated');
    assert.deepEqual(answer.update.buttons ?? [], [], 'its button is gone');
    assert.match(answer.update.text, /no model is configured[\s\S]*Re-run as Code session [0-9a-f]{8}/);

    const reRoute = h.audit().find((entry) => entry.action === 're_route');
    assert.deepEqual(reRoute && { actor: reRoute.actor, jobId: reRoute.jobId, from: reRoute.detail?.from, to: reRoute.detail?.to }, { actor: 'slack:UALICE', jobId: job.id, from: 'cowork', to: 'code' });

    // The thread now belongs to the session: a reply there is its follow-up.
    await h.chat.say(alice, 'and include the breaking changes', thread);
    assert.deepEqual(h.machines.followUps, [{ jobId: job.id, text: 'and include the breaking changes' }]);
  });

  it('starts only one session however often it is pressed', async () => {
    h = await dispatcherHarness();
    await h.store.addPairing(alice, 'm1', 0);
    const { reply, value } = await coworkReply();
    const [first, second] = await Promise.all([h.chat.press(alice, reply, value), h.chat.press(alice, reply, value)]);
    assert.ok(first.update);
    assert.match(second.ephemeral ?? '', /already runs as Code session/);
    assert.equal((await h.store.listJobs({})).length, 1);
  });

  it('keeps one session per thread: once a task started in the thread, the button starts no second one', async () => {
    h = await dispatcherHarness();
    await h.store.addPairing(alice, 'm1', 0);
    const { thread, reply, value } = await coworkReply();
    await h.chat.say(alice, 'open a Code session and write them from git log v2.3.0..HEAD', thread);
    const [job] = await h.store.listJobs({});
    assert.match((await h.chat.press(alice, reply, value)).ephemeral ?? '', new RegExp(`already has Code session ${job!.id.slice(0, 8)}`));
    assert.equal((await h.store.listJobs({})).length, 1);
  });

  it('refuses anyone but the person who asked, admins included, and starts nothing', async () => {
    h = await dispatcherHarness({ admins: ['slack:UBOB'] });
    await h.store.addPairing(alice, 'm1', 0);
    await h.store.addPairing(bob, 'm1', 0);
    const { reply, value } = await coworkReply();
    const answer = await h.chat.press(bob, reply, value);
    assert.deepEqual(answer, { ephemeral: 'Only the person who asked can run this as a Code session.' });
    assert.equal((await h.store.listJobs({})).length, 0);
    assert.equal(h.audit().filter((entry) => entry.action === 're_route').length, 0);
    assert.ok((await h.chat.press(alice, reply, value)).update, 'the button still works for its owner');
  });

  it('goes through pairing: an allowlisted person who has not paired is told how to pair, and the button works once paired', async () => {
    // Strangers get no Cowork answer at all; someone on the allowlist does, before pairing.
    h = await dispatcherHarness({ allowedUsers: ['slack:UALICE'] });
    const { reply, value } = await coworkReply();
    assert.match((await h.chat.press(alice, reply, value)).ephemeral ?? '', /dispatch pair/);
    assert.equal((await h.store.listJobs({})).length, 0);
    await h.store.addPairing(alice, 'm1', 0);
    assert.ok((await h.chat.press(alice, reply, value)).update);
    assert.equal((await h.store.listJobs({})).length, 1);
  });

  it('asks which repository when the text names one the machine does not have', async () => {
    h = await dispatcherHarness();
    await h.store.addPairing(alice, 'm1', 0);
    const { thread, reply, value } = await coworkReply(alice, 'write a blog post for the billing repo');
    await h.chat.press(alice, reply, value);
    const [job] = await h.store.listJobs({});
    assert.equal(job?.delivery, 'choosing_repo');
    const ask = h.chat.inThread(thread)[1]!;
    assert.match(ask.message.text, /couldn't find a repository called "billing"/);
    assert.deepEqual(labels(ask), ['api', 'frontend']);
  });

  it('still answers when the disk is full, only without the button', async () => {
    h = await dispatcherHarness({ maxPages: 40 });
    await h.store.addPairing(alice, 'm1', 0);
    for (let i = 0, full = false; i < 500 && !full; i += 1) {
      const thread = await h.chat.say(alice, `run the tests ${'x'.repeat(2_000)} #${i}`);
      full = /disk is full/.test(h.chat.inThread(thread)[0]!.message.text);
    }
    let withoutButton = 0;
    for (let i = 0; i < 50 && withoutButton === 0; i += 1) {
      const thread = await h.chat.say(alice, `draft a polite email declining the meeting ${'x'.repeat(5_000)} #${i}`);
      const [answer] = h.chat.inThread(thread);
      assert.match(answer!.message.text, /no model is configured/, 'every question is answered');
      if (!answer!.message.buttons) withoutButton += 1;
    }
    assert.equal(withoutButton, 1, 'the disk filled up: an answer without its button');
  });

  it('says so for a button whose answer is unknown (forged, or long gone)', async () => {
    h = await dispatcherHarness();
    await h.store.addPairing(alice, 'm1', 0);
    const { reply } = await coworkReply();
    const answer = await h.chat.press(alice, reply, buttonValue({ kind: 'run_as_code', replyId: '00000000-0000-4000-8000-000000000000' }));
    assert.match(answer.ephemeral ?? '', /too old to re-run/);
    assert.deepEqual(await h.chat.press(alice, reply, 'code:../../etc'), { ephemeral: "That button isn't valid." });
    assert.equal((await h.store.listJobs({})).length, 0);
  });
});
