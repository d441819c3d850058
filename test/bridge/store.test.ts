import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../../bridge/store/sqliteStore.js';
import type { JobRecord } from '../../bridge/store/store.js';
import type { SessionEvent } from '../../shared/sessions.js';

const alice = { platform: 'slack' as const, userId: 'U1', displayName: 'alice' };

function job(id: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id,
    owner: alice,
    machineId: 'm1',
    task: 'run the tests',
    forced: false,
    routeReason: 'asks to run tests',
    thread: { platform: 'slack', channelId: 'D1', threadId: '111.1' },
    delivery: 'waiting',
    state: 'queued',
    lastSeq: 0,
    pendingApprovals: [],
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

describe('the SQLite store', () => {
  let folder: string;
  let file: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dispatch-store-'));
    file = join(folder, 'bridge.db');
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('keeps a job written before a restart, found by id and by thread', async () => {
    const first = new SqliteStore(file);
    await first.createJob(job('j-1', { repo: 'api' }));
    await first.close();
    const second = new SqliteStore(file);
    assert.equal((await second.getJob('j-1'))?.repo, 'api');
    assert.equal((await second.findJobByThread({ platform: 'slack', channelId: 'D1', threadId: '111.1' }))?.id, 'j-1');
    await second.close();
  });

  it('stores each session event once and folds it into the job', async () => {
    const store = new SqliteStore(file);
    await store.createJob(job('j-2'));
    const events: SessionEvent[] = [
      { sessionId: 'j-2', seq: 1, at: 2_000, kind: 'state', state: 'preparing' },
      { sessionId: 'j-2', seq: 2, at: 2_001, kind: 'workspace', repo: 'api', branch: 'dispatch/ab-run', worktree: '/w', baseCommit: 'abc', agent: 'builtin' },
      { sessionId: 'j-2', seq: 3, at: 2_002, kind: 'state', state: 'running' },
    ];
    assert.equal((await store.recordEvents('j-2', events)).length, 3);
    assert.equal((await store.recordEvents('j-2', events)).length, 0, 'a replay adds nothing');
    const stored = (await store.getJob('j-2'))!;
    assert.equal(stored.state, 'running');
    assert.equal(stored.branch, 'dispatch/ab-run');
    assert.equal(stored.delivery, 'accepted');
    assert.equal(stored.lastSeq, 3);
    assert.deepEqual((await store.unnotifiedEvents(10)).map((e) => e.event.seq), [1, 2, 3]);
    await store.markNotified('j-2', 1);
    assert.deepEqual((await store.unnotifiedEvents(10)).map((e) => e.event.seq), [2, 3]);
    await store.close();
  });

  it('uses a pairing code once and never after it expired', async () => {
    const store = new SqliteStore(file);
    await store.createPairingCode('m1', '123456', 10_000);
    assert.equal(await store.consumePairingCode('123456', 5_000), 'm1');
    assert.equal(await store.consumePairingCode('123456', 5_001), undefined);
    await store.createPairingCode('m1', '654321', 10_000);
    assert.equal(await store.consumePairingCode('654321', 10_001), undefined);
    await store.close();
  });

  it('records an approval decision only once', async () => {
    const store = new SqliteStore(file);
    await store.createJob(job('j-3'));
    await store.recordEvents('j-3', [
      { sessionId: 'j-3', seq: 1, at: 1, kind: 'approval_requested', request: { requestId: 'r1', tool: 'shell', summary: 'run npm test', scope: 'shell:npm test' } },
    ]);
    assert.equal((await store.getJob('j-3'))!.pendingApprovals.length, 1);
    assert.equal(await store.decideApproval('j-3', 'r1', { requestId: 'r1', decision: 'approve_once' }, 5), true);
    assert.equal(await store.decideApproval('j-3', 'r1', { requestId: 'r1', decision: 'deny' }, 6), false);
    assert.equal((await store.approval('j-3', 'r1'))?.decision?.decision, 'approve_once');
    await store.close();
  });

  it('refuses a database from a newer Dispatch with a clear message', async () => {
    const store = new SqliteStore(file);
    await store.close();
    const raw = new Database(file);
    raw.pragma('user_version = 999');
    raw.close();
    assert.throws(() => new SqliteStore(file), /newer Dispatch/);
  });
});
