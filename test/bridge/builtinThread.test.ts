import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RecordingTransport } from '../helpers/recordingTransport.js';
import { TempDirs, git, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';
import { FakeClock, MINUTE } from '../extension/core/harness.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };

describe('the builtin agent in a chat thread', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('a refused task says what the agent can do and offers "Run the tests instead", which runs them in the same session', async () => {
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice] });
    const thread = await chat.say(alice, 'run the tests and then fix whatever fails');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} failed/.test(p.message.title ?? '')), 'the refusal');
    const refused = chat.inThread(thread).find((p) => /^Session [0-9a-f]{8} failed/.test(p.message.title ?? ''))!;
    assert.match(refused.message.text, /update a dependency/);
    assert.equal(git(repo, ['branch', '--list', 'dispatch/*']).trim(), '', 'refused before any branch was made');
    const button = refused.message.buttons?.find((b) => b.label === 'Run the tests instead');
    assert.ok(button, JSON.stringify(refused.message.buttons));

    const pressed = await chat.press(alice, refused, button.value);
    assert.equal(pressed.ephemeral, 'Asked the session to run the tests.');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval for npm test');
    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    assert.match(approval.message.text, /npm test/);
    await chat.press(alice, approval, approval.message.buttons![0]!.value);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the test result');
    const done = chat.inThread(thread).find((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? ''))!;
    assert.match(done.message.text, /Tests passed: 4 passed, 0 failed/);
    assert.equal(done.message.buttons, undefined);
    const duration = done.message.fields?.find((f) => f.label === 'Duration');
    assert.ok(duration, 'working time shown');
  });

  it('"Run the tests instead" after a refusal says the turn starts in a fresh worktree, and its Elapsed counts from that turn', async () => {
    const repo = makeRepo(join(temp.make(), 'is-number'), nodeTestProject('passing'));
    const chat = new RecordingTransport('web');
    const clock = new FakeClock();
    live = await startLiveBridge({ repos: [{ name: 'is-number', path: repo }], transports: [chat], pairedUsers: [alice], clock });
    const thread = await chat.say(alice, 'run the tests and then fix whatever fails');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} failed/.test(p.message.title ?? '')), 'the refusal');
    const refused = chat.inThread(thread).find((p) => /^Session [0-9a-f]{8} failed/.test(p.message.title ?? ''))!;
    // The person reads the refusal and comes back to it ten minutes later.
    clock.advance(10 * MINUTE);
    await chat.press(alice, refused, refused.message.buttons!.find((b) => b.label === 'Run the tests instead')!.value);
    const sent = chat.inThread(thread).map((p) => p.message.text).filter((text) => text.startsWith('Follow-up sent'));
    assert.deepEqual(sent, ['Follow-up sent to the same session. It had no worktree yet: this turn starts in a fresh one.']);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval for npm test');
    clock.advance(5_000);
    const status = chat.inThread(thread)[0]!;
    await chat.waitFor(() => RecordingTransport.latest(status).fields?.some((f) => f.label === 'Elapsed') ?? false, 'the elapsed time of the follow-up');
    const elapsed = RecordingTransport.latest(status).fields?.find((f) => f.label === 'Elapsed')?.value;
    assert.match(elapsed ?? '', /^\d+ (s|ms)$/, `counted from the follow-up, not from the first turn ten minutes earlier: ${elapsed}`);
  });

  it('a reply after a turn that changed nothing says the earlier worktree is gone and a fresh one is made', async () => {
    const repo = makeRepo(join(temp.make(), 'is-number'), nodeTestProject('passing'));
    const chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [{ name: 'is-number', path: repo }], transports: [chat], pairedUsers: [alice] });
    const thread = await chat.say(alice, 'run the tests');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval for npm test');
    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    await chat.press(alice, approval, approval.message.buttons![0]!.value);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} completed/.test(p.message.title ?? '')), 'the test result');
    assert.equal(git(repo, ['worktree', 'list']).trim().split('\n').length, 1, 'the unchanged worktree was removed');
    await chat.say(alice, 'run the tests again', thread);
    const sent = chat.inThread(thread).map((p) => p.message.text).filter((text) => text.startsWith('Follow-up sent'));
    assert.deepEqual(sent, ['Follow-up sent to the same session. The earlier worktree is gone (that turn changed nothing, so it was removed): this turn starts in a fresh worktree and branch.']);
    await chat.waitFor(() => chat.inThread(thread).filter((p) => /Approval needed/.test(p.message.title ?? '')).length === 2, 'the follow-up to ask again');
    assert.equal(git(repo, ['worktree', 'list']).trim().split('\n').length, 2, 'a fresh worktree was made for it');
  });
});
