import assert from 'node:assert/strict';
import type { AuditEntry, JobRecord, MachineRecord, Store } from '../../bridge/store/store.js';
import type { SessionEvent } from '../../shared/sessions.js';

export type AnyStore = Store;

/** One engine under the contract: a fresh store per test, reopenable on the same data. */
export interface StoreEngine {
  /** Opens the store on this test's data (a second call: a second process on the same data). */
  open(): Promise<AnyStore>;
  auditLog(): Promise<AuditEntry[]>;
}

export const alice = { platform: 'slack' as const, userId: 'U1', displayName: 'alice' };
export const bob = { platform: 'discord' as const, userId: 'B7' };
export const thread = { platform: 'slack' as const, channelId: 'D1', threadId: '111.1' };

export function job(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id, owner: alice, machineId: 'm1', task: 'run the tests', forced: false, routeReason: 'asks to run tests', thread,
    delivery: 'waiting', state: 'queued', lastSeq: 0, pendingApprovals: [], createdAt: 1_000, updatedAt: 1_000, ...overrides,
  };
}

export function machine(id: string, overrides: Partial<MachineRecord> = {}): MachineRecord {
  return { id, name: `${id}-laptop`, platform: 'linux', agent: 'builtin', repos: [{ name: 'api', default: true }, { name: 'web', default: false }], lastSeenAt: 1_000, ...overrides };
}

export const approvalAsked = (jobId: string, seq: number, requestId: string): SessionEvent => ({
  sessionId: jobId, seq, at: 1_000 + seq, kind: 'approval_requested', request: { requestId, tool: 'shell', summary: 'run npm test', scope: 'shell:npm test' },
});

/** The behaviour both stores must show, one `it` per thing a user relies on. */
export function storeContract(engine: () => StoreEngine): void {
  let store: AnyStore;
  beforeEach(async () => {
    store = await engine().open();
  });
  afterEach(async () => store.close());

  it('keeps a job written before a restart, found by id and by its thread (the newest job there)', async () => {
    await store.createJob(job('j-old', { createdAt: 500 }));
    await store.createJob(job('j-1', { repo: 'api', agent: 'claude', forced: true, owner: { platform: 'slack', userId: 'U1' } }));
    await store.close();
    store = await engine().open();
    const found = await store.getJob('j-1');
    assert.equal(found?.repo, 'api');
    assert.equal(found?.agent, 'claude');
    assert.equal(found?.forced, true);
    assert.equal(found?.owner.displayName, undefined);
    assert.equal((await store.findJobByThread(thread))?.id, 'j-1');
    assert.equal(await store.getJob('nope'), undefined);
    assert.equal(await store.findJobByThread({ ...thread, threadId: 'other' }), undefined);
  });

  it('finds an owner’s jobs by the id prefix typed without dashes, newest first, never another owner’s', async () => {
    await store.createJob(job('3f9a-1c2e-aaaa', { createdAt: 1 }));
    await store.createJob(job('3f9a-1c2e-bbbb', { createdAt: 2 }));
    await store.createJob(job('3f9a-ffff', { owner: bob }));
    await store.createJob(job('%f9a-1111'));
    assert.deepEqual((await store.findJobsByPrefix(alice, '3f9a1c2e')).map((j) => j.id), ['3f9a-1c2e-bbbb', '3f9a-1c2e-aaaa']);
    assert.deepEqual((await store.findJobsByPrefix(alice, '3f9aff')).map((j) => j.id), []);
    assert.deepEqual((await store.findJobsByPrefix(alice, '_f9a')).map((j) => j.id), [], 'an underscore is not a wildcard');
    assert.deepEqual((await store.findJobsByPrefix(alice, '%f9a')).map((j) => j.id), ['%f9a-1111']);
  });

  it('lists jobs by owner, machine, delivery and activity, newest first, up to the limit', async () => {
    await store.createJob(job('a', { createdAt: 1, state: 'running', delivery: 'accepted' }));
    await store.createJob(job('b', { createdAt: 2, state: 'completed', delivery: 'accepted' }));
    await store.createJob(job('c', { createdAt: 3, machineId: 'm2' }));
    await store.createJob(job('d', { createdAt: 4, owner: bob }));
    const ids = async (filter: Parameters<AnyStore['listJobs']>[0]) => (await store.listJobs(filter)).map((j) => j.id);
    assert.deepEqual(await ids({}), ['d', 'c', 'b', 'a']);
    assert.deepEqual(await ids({ owner: alice }), ['c', 'b', 'a']);
    assert.deepEqual(await ids({ machineId: 'm2' }), ['c']);
    assert.deepEqual(await ids({ delivery: 'accepted' }), ['b', 'a']);
    assert.deepEqual(await ids({ active: true, owner: alice }), ['c', 'a']);
    assert.deepEqual(await ids({ limit: 2 }), ['d', 'c']);
  });

  it('updates only the fields a patch names', async () => {
    await store.createJob(job('j-u', { repo: 'api' }));
    await store.updateJob('j-u', { statusMessage: { thread, messageId: 'M-9' }, delivery: 'accepted', updatedAt: 7 });
    const updated = (await store.getJob('j-u'))!;
    assert.equal(updated.statusMessage?.messageId, 'M-9');
    assert.equal(updated.delivery, 'accepted');
    assert.equal(updated.updatedAt, 7);
    assert.equal(updated.repo, 'api');
    assert.equal(updated.state, 'queued');
  });

  it('stores each session event once, folds it into the job, and tells it until marked notified', async () => {
    await store.createJob(job('j-2'));
    const events: SessionEvent[] = [
      { sessionId: 'j-2', seq: 2, at: 2_001, kind: 'workspace', repo: 'api', branch: 'dispatch/ab-run', worktree: '/w', baseCommit: 'abc', agent: 'builtin' },
      { sessionId: 'j-2', seq: 1, at: 2_000, kind: 'state', state: 'preparing' },
      { sessionId: 'j-2', seq: 3, at: 2_002, kind: 'state', state: 'running' },
    ];
    assert.deepEqual((await store.recordEvents('j-2', events)).map((e) => e.seq), [1, 2, 3], 'new events, in order');
    assert.equal((await store.recordEvents('j-2', events)).length, 0, 'a replay adds nothing');
    assert.deepEqual((await store.recordEvents('j-2', [...events, { sessionId: 'j-2', seq: 4, at: 2_003, kind: 'progress', text: 'npm test' }])).map((e) => e.seq), [4]);
    const stored = (await store.getJob('j-2'))!;
    assert.equal(stored.state, 'running');
    assert.equal(stored.branch, 'dispatch/ab-run');
    assert.equal(stored.worktree, '/w');
    assert.equal(stored.delivery, 'accepted');
    assert.equal(stored.lastSeq, 4);
    assert.equal(stored.updatedAt, 2_003);
    assert.deepEqual((await store.events('j-2')).map((e) => e.seq), [1, 2, 3, 4]);
    assert.deepEqual((await store.unnotifiedEvents(10)).map((e) => [e.jobId, e.event.seq]), [['j-2', 1], ['j-2', 2], ['j-2', 3], ['j-2', 4]]);
    await store.markNotified('j-2', 1);
    assert.deepEqual((await store.unnotifiedEvents(2)).map((e) => e.event.seq), [2, 3]);
    assert.deepEqual(await store.recordEvents('no-such-job', events), [], 'events of an unknown job are not stored');
  });

  it('keeps a session’s result and clears its pending approvals when it ends', async () => {
    await store.createJob(job('j-r'));
    await store.recordEvents('j-r', [approvalAsked('j-r', 1, 'r1')]);
    assert.equal((await store.getJob('j-r'))!.state, 'queued');
    assert.deepEqual((await store.getJob('j-r'))!.pendingApprovals.map((r) => r.requestId), ['r1']);
    const result = { summary: 'all green', filesChanged: [], diffstat: '', branch: 'dispatch/x', baseCommit: 'abc', worktree: '/w', durationMs: 12 };
    await store.recordEvents('j-r', [
      { sessionId: 'j-r', seq: 2, at: 3_000, kind: 'result', result } as SessionEvent,
      { sessionId: 'j-r', seq: 3, at: 3_001, kind: 'state', state: 'completed' },
    ]);
    const ended = (await store.getJob('j-r'))!;
    assert.equal(ended.state, 'completed');
    assert.equal(ended.result?.summary, 'all green');
    assert.deepEqual(ended.pendingApprovals, []);
    assert.deepEqual(await store.listJobs({ active: true }), []);
  });

  it('records an approval decision only once, and remembers where its buttons were posted', async () => {
    await store.createJob(job('j-3'));
    await store.recordEvents('j-3', [approvalAsked('j-3', 1, 'r1'), approvalAsked('j-3', 2, 'r2')]);
    await store.setApprovalMessage('j-3', 'r1', 'msg-1');
    assert.deepEqual((await store.unansweredApprovals('j-3')).map((a) => [a.request.requestId, a.messageId]).sort(), [['r1', 'msg-1'], ['r2', undefined]]);
    assert.equal(await store.decideApproval('j-3', 'r1', { requestId: 'r1', decision: 'approve_once', decidedBy: 'slack:U1' }, 5), true);
    assert.equal(await store.decideApproval('j-3', 'r1', { requestId: 'r1', decision: 'deny' }, 6), false);
    assert.equal(await store.decideApproval('j-3', 'unknown', { requestId: 'unknown', decision: 'deny' }, 6), false);
    const decided = (await store.approval('j-3', 'r1'))!;
    assert.equal(decided.decision?.decision, 'approve_once');
    assert.equal(decided.decidedAt, 5);
    assert.equal(decided.messageId, 'msg-1');
    assert.deepEqual((await store.unansweredApprovals('j-3')).map((a) => a.request.requestId), ['r2']);
    assert.equal(await store.approval('j-3', 'nope'), undefined);
  });

  it('uses a pairing code once, never after it expired, and counts codes and wrong tries', async () => {
    await store.createPairingCode('m1', '123456', 10_000);
    assert.equal(await store.consumePairingCode('123456', 5_000), 'm1');
    assert.equal(await store.consumePairingCode('123456', 5_001), undefined);
    await store.createPairingCode('m1', '654321', 10_000);
    assert.equal(await store.consumePairingCode('654321', 10_001), undefined);
    assert.equal(await store.consumePairingCode('000000', 1), undefined);
    await store.createPairingCode('m1', '111111', 20_000);
    assert.equal(await store.countPairingCodes('m1', 15_000), 1);
    assert.equal(await store.countPairingCodes('m1', 0), 3);
    assert.equal(await store.countPairingCodes('m2', 0), 0);
    await store.recordFailedPairing(alice, 100);
    await store.recordFailedPairing(alice, 300);
    await store.recordFailedPairing(bob, 200);
    assert.equal(await store.countFailedPairings(alice, 150), 1);
    assert.equal(await store.countFailedPairings(alice, 0), 2);
    assert.deepEqual(await store.failedPairingTimes(150), [200, 300]);
  });

  it('makes the first paired machine the default, switches it on request, and unpairs', async () => {
    await store.addPairing(alice, 'm1', 1);
    await store.addPairing(alice, 'm2', 2);
    await store.addPairing(alice, 'm1', 3);
    assert.deepEqual(await store.pairings(alice), [{ machineId: 'm1', isDefault: true, pairedAt: 1 }, { machineId: 'm2', isDefault: false, pairedAt: 2 }]);
    await store.setDefaultMachine(alice, 'm2');
    assert.deepEqual((await store.pairings(alice)).filter((p) => p.isDefault).map((p) => p.machineId), ['m2']);
    await store.addPairing(bob, 'm2', 4);
    assert.equal(await store.countPairings('m2'), 2);
    assert.equal(await store.removePairings(alice), 2);
    assert.deepEqual(await store.pairings(alice), []);
    assert.equal(await store.countPairings('m2'), 1);
  });

  it('lists machines newest contact first with their credential state', async () => {
    await store.upsertMachine(machine('m1', { lastSeenAt: 10 }));
    await store.upsertMachine(machine('m2', { lastSeenAt: 20, repos: [{ name: 'api', default: true, vocabulary: { terms: ['x'] } } as MachineRecord['repos'][number]] }));
    await store.touchMachine('m1', 30);
    await store.credentials.issue('m2', 'hash-2', 1);
    assert.deepEqual((await store.listMachines()).map((m) => [m.id, m.lastSeenAt, m.credential]), [['m1', 30, 'none'], ['m2', 20, 'issued']]);
    assert.deepEqual((await store.getMachine('m2'))!.repos, [{ name: 'api', default: true }], 'vocabularies are not part of the machine');
    await store.upsertMachine(machine('m2', { name: 'renamed', lastSeenAt: 40 }));
    assert.equal((await store.getMachine('m2'))!.name, 'renamed');
    assert.equal(await store.getMachine('m3'), undefined);
  });

  it('takes a machine’s credential through issued, active and revoked (with its pairings dropped)', async () => {
    assert.equal(await store.credentials.state('m1'), 'none');
    assert.equal(await store.credentials.issue('m1', 'hash-a', 1), true);
    assert.equal(await store.credentials.issue('m1', 'hash-b', 2), true, 'an unconfirmed credential is replaced');
    assert.equal(await store.credentials.find('hash-a'), undefined);
    assert.deepEqual(await store.credentials.find('hash-b'), { machineId: 'm1', revoked: false });
    await store.credentials.confirm('m1', 3);
    assert.equal(await store.credentials.state('m1'), 'active');
    assert.equal(await store.credentials.issue('m1', 'hash-c', 4), false, 'a confirmed credential stays');
    await store.addPairing(alice, 'm1', 5);
    assert.equal(await store.credentials.revoke('m1', 6), true);
    assert.equal(await store.credentials.state('m1'), 'revoked');
    assert.deepEqual(await store.credentials.find('hash-b'), { machineId: 'm1', revoked: true });
    assert.deepEqual(await store.pairings(alice), []);
    assert.equal(await store.credentials.revoke('m1', 7), false);
    assert.equal(await store.credentials.revoke('never-registered', 8), true);
    assert.equal(await store.credentials.issue('never-registered', 'hash-d', 9), false, 'the registration token cannot claim a revoked machine');
  });

  it('keeps each repository’s vocabulary for routing, and drops those of repositories the machine no longer has', async () => {
    await store.upsertMachine(machine('m1'));
    await store.saveRepoVocabularies('m1', [{ name: 'api', vocabulary: { terms: ['express', 'moment'] } }, { name: 'ghost', vocabulary: { terms: ['x'] } }], 1);
    assert.deepEqual(await store.routingRepos('m1'), [{ name: 'api', vocabulary: { terms: ['express', 'moment'] } }, { name: 'web' }]);
    await store.saveRepoVocabularies('m1', [{ name: 'api' }, { name: 'web', vocabulary: { terms: ['react'] } }], 2);
    assert.deepEqual(await store.routingRepos('m1'), [{ name: 'api', vocabulary: { terms: ['express', 'moment'] } }, { name: 'web', vocabulary: { terms: ['react'] } }], 'sent without one keeps it');
    await store.upsertMachine(machine('m1', { repos: [{ name: 'web', default: true }] }));
    await store.saveRepoVocabularies('m1', [{ name: 'web' }], 3);
    assert.deepEqual(await store.routingRepos('m1'), [{ name: 'web', vocabulary: { terms: ['react'] } }]);
    await store.upsertMachine(machine('m1', { repos: [{ name: 'web', default: true }, { name: 'api', default: false }] }));
    assert.deepEqual(await store.routingRepos('m1'), [{ name: 'web', vocabulary: { terms: ['react'] } }, { name: 'api' }], 'a dropped repository’s vocabulary is gone');
    assert.deepEqual(await store.routingRepos('unknown'), []);
  });

  it('remembers a Cowork reply, lets it run as a Code session once, and forgets replies after 30 days', async () => {
    const reply = { id: 'cw-1', owner: alice, thread, text: 'what does the auth module do?', answer: 'It checks tokens.', createdAt: 1_000 };
    await store.saveCoworkReply(reply);
    assert.deepEqual(await store.getCoworkReply('cw-1'), reply);
    await store.createJob(job('j-cw'));
    assert.equal(await store.claimCoworkReply('cw-1', 'j-cw'), true);
    assert.equal(await store.claimCoworkReply('cw-1', 'j-other'), false);
    assert.equal((await store.getCoworkReply('cw-1'))?.jobId, 'j-cw');
    assert.equal(await store.claimCoworkReply('missing', 'j-x'), false);
    await store.saveCoworkReply({ ...reply, id: 'cw-2', createdAt: 1_000 + 31 * 24 * 60 * 60 * 1000 });
    assert.equal(await store.getCoworkReply('cw-1'), undefined);
    assert.equal((await store.getCoworkReply('cw-2'))?.id, 'cw-2');
  });

  it('keeps the web chat’s history in order, an edit keeping its place', async () => {
    const message = (id: string, threadId: string, text: string, at: number) => ({ id, threadId, author: 'bot' as const, text, at });
    await store.webMessages.save(message('w1', 't1', 'one', 1));
    await store.webMessages.save(message('w2', 't2', 'two', 2));
    await store.webMessages.save(message('w3', 't1', 'three', 3));
    await store.webMessages.save({ ...message('w1', 't1', 'one, edited', 1), tone: 'success' });
    assert.deepEqual((await store.webMessages.recent(10)).map((m) => m.text), ['one, edited', 'two', 'three']);
    assert.deepEqual((await store.webMessages.recent(2)).map((m) => m.id), ['w2', 'w3']);
    assert.equal((await store.webMessages.get('w1'))?.tone, 'success');
    assert.equal(await store.webMessages.get('w9'), undefined);
    assert.equal(await store.webMessages.hasThread('t2'), true);
    assert.equal(await store.webMessages.hasThread('t9'), false);
  });

  it('writes the audit trail', async () => {
    await store.audit({ at: 5, actor: 'slack:U1', action: 'approve', jobId: 'j-1', detail: { requestId: 'r1' } });
    await store.audit({ at: 6, actor: 'bridge', action: 'start' });
    assert.deepEqual(await engine().auditLog(), [
      { at: 5, actor: 'slack:U1', action: 'approve', jobId: 'j-1', detail: { requestId: 'r1' } },
      { at: 6, actor: 'bridge', action: 'start' },
    ]);
  });
}
