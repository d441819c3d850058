import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ThreadRef } from '../../bridge/chat.js';
import { clockTime } from '../../bridge/grantMessages.js';
import { RecordingTransport, type Posted } from '../helpers/recordingTransport.js';
import { TempDirs, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };
const bob = { platform: 'web' as const, userId: 'bob', displayName: 'bob' };

describe('end to end: "Approve 30 min" covers the next session, says so, and can be ended', function () {
  this.timeout(90_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let chat: RecordingTransport;

  afterEach(async () => {
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  const titled = (thread: ThreadRef, pattern: RegExp) => chat.inThread(thread).find((p) => pattern.test(p.message.title ?? ''));
  async function waitTitled(thread: ThreadRef, pattern: RegExp, what: string): Promise<Posted> {
    await chat.waitFor(() => titled(thread, pattern) !== undefined, what, 40_000);
    return titled(thread, pattern)!;
  }
  /** Runs "run the tests" in a new thread until it either asks or reports the grant; returns both ends. */
  async function runTests(user: typeof alice) {
    const thread = await chat.say(user, 'run the tests');
    const first = await waitTitled(thread, /^(Approval needed|Approved by your)/, 'an approval request or a grant notice');
    return { thread, first };
  }

  it("a second session of the same person in the same repository runs without asking, the thread says which grant, and End grant ends it", async () => {
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    chat = new RecordingTransport('web');
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice, bob] });

    const one = await runTests(alice);
    assert.match(one.first.message.title ?? '', /^Approval needed/);
    const pressedAt = Date.now();
    const approveFor = one.first.message.buttons!.find((b) => b.label === 'Approve 30 min')!;
    const given = await chat.press(alice, one.first, approveFor.value);
    assert.equal(given.update?.title, 'Approved for 30 min by alice');
    assert.match(given.update?.text ?? '', /Until \d\d:\d\d, `npm test` runs without asking in your sessions in repository api on this machine\./);
    assert.deepEqual(given.update?.buttons?.map((b) => b.label), ['End grant'], 'the grant can be ended from the approval message');
    await waitTitled(one.thread, /^Session [0-9a-f]{8} completed/, 'the first session to end');

    const two = await runTests(alice);
    const notice = two.first.message;
    assert.match(notice.title ?? '', /^Approved by your 30-minute grant from \d\d:\d\d \((29|30) min left\)$/);
    assert.ok([clockTime(pressedAt), clockTime(pressedAt + 2_000)].some((time) => notice.title!.includes(`from ${time} `)), notice.title);
    assert.match(notice.text, /npm test/);
    assert.deepEqual(notice.buttons?.map((b) => b.label), ['End grant']);
    await waitTitled(two.thread, /^Session [0-9a-f]{8} completed/, 'the second session to end without asking');
    assert.equal(titled(two.thread, /^Approval needed/), undefined, 'the second session never asked');

    const other = await runTests(bob);
    assert.match(other.first.message.title ?? '', /^Approval needed/, "Bob's session asks: Alice's grant is hers");
    await chat.press(bob, other.first, other.first.message.buttons![2]!.value); // deny: done with Bob

    const refused = await chat.press(bob, two.first, notice.buttons![0]!.value);
    assert.equal(refused.ephemeral, 'Only the requester can do that.');
    const ended = await chat.press(alice, two.first, notice.buttons![0]!.value);
    assert.equal(ended.update?.title, 'Grant ended by alice');
    assert.equal(ended.update?.buttons, undefined, 'no button left to press');

    const three = await runTests(alice);
    assert.match(three.first.message.title ?? '', /^Approval needed/, 'after End grant the next session asks again');
  });

  it('survives a restart of the bridge and the runner: the next session still runs without asking', async () => {
    const repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('passing'));
    const home = temp.make();
    const options = { home, repos: [{ name: 'api', path: repo }], pairedUsers: [alice] };
    chat = new RecordingTransport('web');
    live = await startLiveBridge({ ...options, transports: [chat] });
    const one = await runTests(alice);
    await chat.press(alice, one.first, one.first.message.buttons!.find((b) => b.label === 'Approve 30 min')!.value);
    await waitTitled(one.thread, /^Session [0-9a-f]{8} completed/, 'the first session to end');

    await live.stop();
    chat = new RecordingTransport('web');
    live = await startLiveBridge({ ...options, transports: [chat] });
    const two = await runTests(alice);
    assert.match(two.first.message.title ?? '', /^Approved by your 30-minute grant from \d\d:\d\d/, 'still granted after both restarted');
  });
});
