import assert from 'node:assert/strict';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';

const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };
const mallory = { platform: 'slack' as const, userId: 'UMAL', displayName: 'mallory' };
const text = (posted: { message: { text: string; title?: string } }) => `${posted.message.title ?? ''} ${posted.message.text}`;

describe('the dispatcher', () => {
  let h: Awaited<ReturnType<typeof dispatcherHarness>>;
  afterEach(() => h.dispose());

  async function pairAlice(): Promise<void> {
    await h.store.addPairing(alice, 'm1', 0);
    h.machines.online.add('m1');
  }

  it('tells an unpaired user how to pair and starts nothing', async () => {
    h = await dispatcherHarness();
    const thread = await h.chat.say(alice, 'run the tests');
    assert.match(text(h.chat.inThread(thread)[0]!), /dispatch pair/);
    assert.equal(h.machines.offers.length, 0);
    assert.equal((await h.store.listJobs({})).length, 0);
  });

  it('pairs with a code shown on the machine, then a coding task is stored, acknowledged and offered', async () => {
    h = await dispatcherHarness();
    h.machines.online.add('m1');
    const { code } = await h.pairing.createCode('m1');
    const pairThread = await h.chat.say(alice, `pair ${code}`);
    assert.match(text(h.chat.inThread(pairThread)[0]!), /Paired with laptop/);

    const thread = await h.chat.say(alice, 'run the tests in the frontend repo');
    const [job] = await h.store.listJobs({ owner: alice });
    assert.ok(job, 'the job is stored');
    assert.equal(job.repo, 'frontend');
    assert.match(text(h.chat.inThread(thread)[0]!), /On it — session [0-9a-f]{8} on laptop, repo frontend/);
    assert.deepEqual(h.machines.offers.map((offer) => offer.id), [job.id]);
  });

  it('says the machine is offline and keeps the job waiting', async () => {
    h = await dispatcherHarness();
    await h.store.addPairing(alice, 'm1', 0);
    const thread = await h.chat.say(alice, 'fix the crash when the cart is empty');
    assert.match(text(h.chat.inThread(thread)[0]!), /offline — this runs when it reconnects/);
    assert.equal((await h.store.listJobs({ delivery: 'waiting' })).length, 1);
    assert.equal(h.machines.offers.length, 0);
  });

  it('rate-limits wrong pairing codes: five per hour, then even the right code is refused', async () => {
    h = await dispatcherHarness();
    for (let attempt = 0; attempt < 5; attempt += 1) await h.chat.say(alice, 'pair 000000');
    const { code } = await h.pairing.createCode('m1');
    const thread = await h.chat.say(alice, `pair ${code}`);
    assert.match(text(h.chat.inThread(thread)[0]!), /Too many wrong pairing codes/);
    assert.equal((await h.store.pairings(alice)).length, 0);
  });

  it('says a task saved before a bridge failure will still run, and a failure before saving that nothing started', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    // The job is written first; the machine-link lookup after it fails.
    h.machines.isOnline = () => {
      throw new Error('link table unreadable');
    };
    const saved = await h.chat.say(alice, 'fix the crash when the cart is empty');
    assert.equal((await h.store.listJobs({ owner: alice })).length, 1, 'the task is stored');
    assert.match(text(h.chat.inThread(saved).at(-1)!), /after your task was saved\. It stays queued/);
    assert.doesNotMatch(text(h.chat.inThread(saved).at(-1)!), /nothing was started/);

    // A failure before anything is stored says so, and stores nothing.
    h.store.pairings = () => Promise.reject(new Error('database gone'));
    const failed = await h.chat.say(alice, 'run the tests');
    assert.match(text(h.chat.inThread(failed).at(-1)!), /nothing was started/);
    assert.equal((await h.store.listJobs({ owner: alice })).length, 1);
  });

  it('answers a non-coding message in the thread without starting a session', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    const thread = await h.chat.say(alice, 'draft a friendly email to the team about friday');
    assert.match(text(h.chat.inThread(thread)[0]!), /open a Code session and/);
    assert.equal((await h.store.listJobs({})).length, 0);
  });

  it('forces a Code session when asked, whatever the rest says', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    await h.chat.say(alice, 'open a Code session and summarize the quarterly report');
    const [job] = await h.store.listJobs({ owner: alice });
    assert.equal(job?.forced, true);
    assert.equal(job?.task, 'summarize the quarterly report');
  });

  it('runs a task on the agent a leading "with codex:" names', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    await h.chat.say(alice, 'with codex: tidy up the onboarding email copy');
    const [job] = await h.store.listJobs({ owner: alice });
    assert.equal(job?.agent, 'codex');
    assert.equal(job?.task, 'tidy up the onboarding email copy');
    assert.equal(h.machines.offers[0]?.agent, 'codex');
  });

  it('asks with one button per repository when the named repository does not exist', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests in the payments repo');
    const question = h.chat.inThread(thread)[0]!;
    assert.deepEqual(question.message.buttons?.map((button) => button.label), ['api', 'frontend']);
    assert.equal(h.machines.offers.length, 0, 'nothing runs before the choice');
    const reply = await h.chat.press(alice, question, question.message.buttons![1]!.value);
    assert.match(reply.update?.text ?? '', /frontend/);
    assert.equal(h.machines.offers[0]?.repo, 'frontend');
  });

  it('refuses a button press from someone who is not the requester, and changes nothing', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests');
    const status = h.chat.inThread(thread)[0]!;
    const cancel = status.message.buttons!.find((button) => button.label === 'Cancel')!;
    const reply = await h.chat.press(mallory, status, cancel.value);
    assert.equal(reply.ephemeral, 'Only the requester can do that.');
    assert.equal(h.machines.cancels.length, 0);
    assert.equal((await h.store.listJobs({}))[0]?.state, 'queued');
  });

  it('lets an admin press the requester’s buttons', async () => {
    h = await dispatcherHarness({ admins: ['slack:UMAL'] });
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests');
    const job = (await h.store.listJobs({}))[0]!;
    await h.store.updateJob(job.id, { delivery: 'accepted' });
    const status = h.chat.inThread(thread)[0]!;
    await h.chat.press(mallory, status, status.message.buttons![0]!.value);
    assert.deepEqual(h.machines.cancels, [job.id]);
  });

  it('rejects forged and malformed button values without touching any job', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests');
    const status = h.chat.inThread(thread)[0]!;
    const job = (await h.store.listJobs({}))[0]!;
    for (const value of ['cancel:../../etc', `ok1:${job.id}:nope`, `okt99999:${job.id}:r1`, 'drop table jobs', `cancel:${job.id}:extra`, 'x'.repeat(5000)]) {
      const reply = await h.chat.press(alice, status, value);
      assert.ok(reply.ephemeral, `a refusal for ${value.slice(0, 30)}`);
    }
    assert.equal(h.machines.cancels.length + h.machines.decisions.length, 0);
    assert.equal((await h.store.getJob(job.id))?.state, 'queued');
  });

  it('turns a message in a job’s thread into a follow-up of that session', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests');
    await h.chat.say(alice, 'now run the linter too', thread);
    assert.deepEqual(h.machines.followUps.map((f) => f.text), ['now run the linter too']);
    assert.equal((await h.store.listJobs({})).length, 1, 'no second job');
  });

  it('does not let someone else continue or hijack a session thread', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    await h.store.addPairing(mallory, 'm1', 0);
    const thread = await h.chat.say(alice, 'run the tests');
    await h.chat.say(mallory, 'delete everything on this branch', thread);
    assert.match(text(h.chat.inThread(thread).at(-1)!), /someone else's session/);
    await h.chat.say(mallory, 'cancel', thread);
    assert.match(text(h.chat.inThread(thread).at(-1)!), /Only the requester can do that/);
    assert.equal((await h.store.listJobs({}))[0]?.state, 'queued');
    assert.equal(h.machines.followUps.length, 0);
    assert.equal((await h.store.listJobs({})).length, 1);
  });

  it('says so when the disk is full, and keeps every task accepted before', async () => {
    h = await dispatcherHarness({ maxPages: 40 });
    await pairAlice();
    const accepted: string[] = [];
    let refusal = '';
    for (let i = 0; i < 500 && !refusal; i += 1) {
      const thread = await h.chat.say(alice, `run the tests ${'x'.repeat(2_000)} #${i}`);
      const reply = text(h.chat.inThread(thread)[0]!);
      if (/disk is full/.test(reply)) refusal = reply;
      else accepted.push(thread.threadId);
    }
    assert.match(refusal, /task was not saved/, 'the store filled up and the user was told');
    assert.ok(accepted.length > 0);
    for (const threadId of accepted) assert.ok(await h.store.findJobByThread({ platform: 'slack', channelId: 'C1', threadId }), 'an accepted task is still there');
  });

  it('takes thread replies that do not name the bot as the requester’s follow-ups, and ignores everyone else’s', async () => {
    h = await dispatcherHarness({ allowedUsers: ['slack:UALICE'] });
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests');
    const before = h.chat.posted.length;
    await h.chat.say(mallory, 'nice, thanks team', thread, { addressed: false });
    await h.chat.say(mallory, 'lunch?', undefined, { addressed: false });
    assert.equal(h.chat.posted.length, before, 'no reply to chatter, not even the allowlist note');
    await h.chat.say(alice, 'also run the linter', thread, { addressed: false });
    assert.deepEqual(h.machines.followUps.map((f) => f.text), ['also run the linter']);
  });

  it('keeps a running session’s status alive with its elapsed time, even when nothing happens', async () => {
    let now = 1_000_000;
    h = await dispatcherHarness({ clock: { now: () => now }, heartbeatMs: 20 });
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests');
    const job = (await h.store.listJobs({}))[0]!;
    await h.store.recordEvents(job.id, [
      { sessionId: job.id, seq: 1, at: now, kind: 'state', state: 'preparing' },
      { sessionId: job.id, seq: 2, at: now, kind: 'state', state: 'running' },
    ]);
    now += 90_000;
    const status = h.chat.inThread(thread)[0]!;
    await h.chat.waitFor(() => RecordingTransport.latest(status).fields?.some((f) => f.label === 'Elapsed' && f.value === '1 min 30 s') ?? false, 'the elapsed time');
  });

  it('serves nobody outside the allowlist', async () => {
    h = await dispatcherHarness({ allowedUsers: ['slack:USOMEONE'] });
    await pairAlice();
    const thread = await h.chat.say(alice, 'run the tests');
    assert.match(text(h.chat.inThread(thread)[0]!), /doesn't serve you/);
    assert.equal((await h.store.listJobs({})).length, 0);
  });

  it('answers a mistyped command as a command, not as a chat question', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    const cancel = await h.chat.say(alice, 'cancel zzz');
    assert.match(text(h.chat.inThread(cancel)[0]!), /No session of yours starts with zzz/);
    const pair = await h.chat.say(alice, 'pair 12');
    assert.match(text(h.chat.inThread(pair)[0]!), /Pairing codes have 6 digits/);
    assert.equal(await h.store.countFailedPairings(alice, 0), 0, 'a malformed code is not a guess');
  });

  it('answers the chat commands', async () => {
    h = await dispatcherHarness();
    await pairAlice();
    const help = await h.chat.say(alice, 'help');
    assert.match(text(h.chat.inThread(help)[0]!), /pair CODE/);
    const machines = await h.chat.say(alice, 'machines');
    assert.match(text(h.chat.inThread(machines)[0]!), /laptop — online \(default\)/);
    const repos = await h.chat.say(alice, 'repos');
    assert.match(text(h.chat.inThread(repos)[0]!), /api \(default\)[\s\S]*frontend/);
    await h.chat.say(alice, 'run the tests');
    const sessions = await h.chat.say(alice, 'sessions');
    assert.match(text(h.chat.inThread(sessions)[0]!), /queued — run the tests/);
    const cancel = await h.chat.say(alice, 'cancel');
    assert.match(text(h.chat.inThread(cancel)[0]!), /Cancelled before it started/);
    assert.equal(RecordingTransport.latest(h.chat.posted.find((p) => /On it/.test(p.message.text))!).title?.includes('cancelled'), true);
  });
});
