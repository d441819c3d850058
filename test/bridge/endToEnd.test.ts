import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RecordingTransport, type Posted } from '../helpers/recordingTransport.js';
import { TempDirs, hashCheckout, makeRepo, nodeTestProject } from '../helpers/gitRepos.js';
import { startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const alice = { platform: 'web' as const, userId: 'alice', displayName: 'alice' };
const bob = { platform: 'web' as const, userId: 'bob', displayName: 'bob' };
const titleOf = (posted: Posted) => RecordingTransport.latest(posted).title ?? '';

describe('end to end: chat → bridge → WebSocket link → runner → worktree → thread', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  let chat: RecordingTransport;
  let repo: string;

  beforeEach(() => {
    repo = makeRepo(join(temp.make(), 'api'), nodeTestProject('failing'));
    chat = new RecordingTransport('web');
  });
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  it('runs a task in a worktree after approval and posts the result in the thread exactly once', async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice, bob] });
    const before = hashCheckout(repo);
    const thread = await chat.say(alice, 'run the tests');

    const status = chat.inThread(thread)[0]!;
    assert.match(status.message.text, /On it — session [0-9a-f]{8} on laptop/);

    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');
    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    assert.deepEqual(approval.message.mention, alice, 'the approval request mentions the requester');
    assert.match(approval.message.text, /npm/);

    const refused = await chat.press(bob, approval, approval.message.buttons![0]!.value);
    assert.equal(refused.ephemeral, 'Only the requester can do that.');
    const job = (await live.bridge.store.listJobs({ owner: alice }))[0]!;
    assert.equal((await live.bridge.store.getJob(job.id))?.state, 'waiting_for_approval', 'a refused press changes nothing');

    const approved = await chat.press(alice, approval, approval.message.buttons![0]!.value);
    assert.match(approved.update?.title ?? '', /Approved once by alice/);

    await chat.waitFor(() => chat.inThread(thread).some((p) => /Session [0-9a-f]{8} failed/.test(p.message.title ?? '')), 'the final message');
    const finals = chat.inThread(thread).filter((p) => /^Session [0-9a-f]{8} (completed|failed)/.test(p.message.title ?? ''));
    assert.equal(finals.length, 1, 'one final message');
    const final = finals[0]!.message;
    assert.deepEqual(final.mention, alice);
    // Each fact once: the counts in the summary, not again as a field; the state in the title only.
    const said = [final.title, final.text, ...(final.fields ?? []).map((f) => `${f.label}: ${f.value}`)].join('\n');
    assert.equal(said.match(/2 passed, 2 failed/g)?.length, 1, said);
    assert.equal(said.match(/failed/gi)?.length, 3, `title, "Tests failed:" and "2 failed" — ${said}`);
    assert.match(final.text, /• multiplies — 6 == 7/);
    // Nothing changed: no branch and no worktree left behind.
    assert.equal(final.fields!.find((f) => f.label === 'Branch'), undefined);
    assert.equal(final.fields!.find((f) => f.label === 'Worktree'), undefined);

    // The status message was edited in place to the final state.
    await chat.waitFor(() => /failed/.test(titleOf(status)), 'the status edit');
    // The status showed each phase as it happened.
    const phases = [status.message, ...status.edits].map((m) => (m.title ?? '').replace(/^Code session [0-9a-f]{8}: /, ''));
    const seen = phases.filter((phase, i) => phase !== phases[i - 1]);
    for (const phase of ['waiting for your approval', 'running `npm test`', 'failed']) assert.ok(seen.includes(phase), `${phase} in ${seen.join(' → ')}`);
    assert.ok(seen.indexOf('waiting for your approval') < seen.indexOf('running `npm test`'));
    const stored = (await live.bridge.store.getJob(job.id))!;
    assert.equal(stored.state, 'failed');
    assert.deepEqual(
      (await live.bridge.store.events(job.id)).map((event) => event.seq),
      Array.from({ length: stored.lastSeq }, (_, index) => index + 1),
      'every event stored once, in order, no gaps',
    );
    assert.equal(hashCheckout(repo), before, "the user's checkout is untouched");
  });

  it('closes the chat’s approval buttons when the request is answered on the machine', async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice] });
    const thread = await chat.say(alice, 'run the tests');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');
    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    const job = (await live.bridge.store.listJobs({ owner: alice }))[0]!;
    const request = live.runner.session(job.id)!.pendingApprovals[0]!;
    live.runner.decide(job.id, { requestId: request.requestId, decision: 'approve_once', decidedBy: 'the editor' });
    await chat.waitFor(() => /Approved once by the editor/.test(titleOf(approval)), 'the chat to show the editor’s answer');
    const late = await chat.press(alice, approval, approval.message.buttons![2]!.value);
    assert.match(late.ephemeral ?? '', /already answered|Too late/);
  });

  it('holds a task while the machine is offline and runs it once the runner connects', async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice], withRunner: false });
    const thread = await chat.say(alice, 'open a Code session and run the linter');
    assert.match(chat.inThread(thread)[0]!.message.text, /offline — this runs when it reconnects/);
    await live.startRunner();
    await chat.waitFor(() => chat.inThread(thread).some((p) => /^Session [0-9a-f]{8} /.test(p.message.title ?? '')), 'the session to end');
    const job = (await live.bridge.store.listJobs({ owner: alice }))[0]!;
    assert.equal(live.runner.sessions().filter((session) => session.sessionId === job.id).length, 1);
    assert.match(chat.inThread(thread).at(-1)!.message.text, /lint/i);
  });

  it('continues the same session from a reply in its thread, and cancels from the thread', async () => {
    live = await startLiveBridge({ repos: [{ name: 'api', path: repo }], transports: [chat], pairedUsers: [alice] });
    const thread = await chat.say(alice, 'run the tests');
    await chat.waitFor(() => chat.inThread(thread).some((p) => /Approval needed/.test(p.message.title ?? '')), 'the approval request');
    await chat.say(alice, 'cancel', thread);
    await chat.waitFor(() => chat.inThread(thread).some((p) => /cancelled/.test(p.message.title ?? '')), 'the cancellation');
    const job = (await live.bridge.store.listJobs({ owner: alice }))[0]!;
    assert.equal((await live.bridge.store.getJob(job.id))?.state, 'cancelled');
    // The approval request that no longer matters loses its buttons, and a late press changes nothing.
    const approval = chat.inThread(thread).find((p) => /Approval needed/.test(p.message.title ?? ''))!;
    await chat.waitFor(() => titleOf(approval) === 'No longer needed: the session was cancelled', 'the approval to close');
    assert.equal(RecordingTransport.latest(approval).buttons, undefined);
    const late = await chat.press(alice, approval, approval.message.buttons![0]!.value);
    assert.match(late.ephemeral ?? '', /Too late/);

    await chat.say(alice, 'run the tests again please', thread);
    await chat.waitFor(() => chat.inThread(thread).filter((p) => /Approval needed/.test(p.message.title ?? '')).length === 2, 'the follow-up to ask again');
    assert.equal((await live.bridge.store.listJobs({ owner: alice })).length, 1, 'still one session');
    const worktrees = new Set((await live.bridge.store.events(job.id)).flatMap((event) => (event.kind === 'workspace' ? [event.worktree] : [])));
    assert.equal(worktrees.size, 1, 'the follow-up ran in the same worktree');
  });
});
