import assert from 'node:assert/strict';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';
import { RecordingTransport } from '../helpers/recordingTransport.js';

const alice = { platform: 'slack' as const, userId: 'UALICE', displayName: 'alice' };

describe('a repository hint never runs silently in the default repository', () => {
  let h: Awaited<ReturnType<typeof dispatcherHarness>>;
  afterEach(() => h.dispose());

  async function machine(repos: string[]): Promise<void> {
    h = await dispatcherHarness();
    await h.store.upsertMachine({ id: 'm2', name: 'desk', platform: 'linux', agent: 'builtin', repos: repos.map((name, index) => ({ name, default: index === repos.length - 1 })), lastSeenAt: 0 });
    await h.store.addPairing(alice, 'm2', 0);
    h.machines.online.add('m2');
  }
  const ask = (thread: Parameters<typeof h.chat.inThread>[0]) => {
    const [posted] = h.chat.inThread(thread);
    const message = RecordingTransport.latest(posted!);
    return { text: message.text, buttons: (message.buttons ?? []).map((button) => button.label) };
  };

  it('runs in the repository it names, not the default', async () => {
    await machine(['isfail', 'other']);
    await h.chat.say(alice, 'run the tests in the isfail repo');
    const [job] = await h.store.listJobs({ owner: alice });
    assert.equal(job?.repo, 'isfail');
    assert.deepEqual(h.machines.offers.map((offer) => offer.repo), ['isfail']);
  });

  it('asks with buttons when the machine does not know the name, and offers nothing until a button is pressed', async () => {
    await machine(['isfail', 'other']);
    const thread = await h.chat.say(alice, 'run the tests in the nosuch repo');
    assert.deepEqual(ask(thread), { text: 'I couldn\'t find a repository called "nosuch" on your machine. Pick one:', buttons: ['isfail', 'other'] });
    assert.equal(h.machines.offers.length, 0);
  });

  it('two quick presses of the repository buttons start the session once: one choice, one status message, one offer', async () => {
    await machine(['isfail', 'other']);
    const thread = await h.chat.say(alice, 'run the tests in the nosuch repo');
    const [question] = h.chat.inThread(thread);
    const values = (RecordingTransport.latest(question!).buttons ?? []).map((button) => button.value);
    const replies = await Promise.all([h.chat.press(alice, question!, values[0]!), h.chat.press(alice, question!, values[1]!)]);
    assert.deepEqual(replies.map((reply) => reply.ephemeral), [undefined, 'That choice is no longer open.']);
    const [job] = await h.store.listJobs({ owner: alice });
    assert.equal(job?.repo, 'isfail');
    assert.deepEqual(h.machines.offers.map((offer) => offer.repo), ['isfail']);
    assert.equal(h.chat.inThread(thread).filter((posted) => /^Code session /.test(RecordingTransport.latest(posted).title ?? '')).length, 1, 'one status message');
  });

  it('asks even when the machine has a single repository', async () => {
    await machine(['only']);
    const thread = await h.chat.say(alice, 'run the tests in the nosuch repo');
    assert.deepEqual(ask(thread).buttons, ['only']);
    assert.equal((await h.store.listJobs({}))[0]?.delivery, 'choosing_repo');
    assert.equal(h.machines.offers.length, 0);
  });

  it('asks which one when the name fits several', async () => {
    await machine(['webapp', 'website', 'api']);
    const thread = await h.chat.say(alice, 'fix the login form in the web repo');
    assert.deepEqual(ask(thread), { text: 'Several repositories on your machine match "web". Pick one:', buttons: ['webapp', 'website'] });
    assert.equal(h.machines.offers.length, 0);
  });
});
