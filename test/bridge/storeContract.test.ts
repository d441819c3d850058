import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { PgStore } from '../../bridge/store/pg/pgStore.js';
import { SqliteStore } from '../../bridge/store/sqliteStore.js';
import type { AuditEntry } from '../../bridge/store/store.js';
import type { SessionEvent } from '../../shared/sessions.js';
import { usePostgres } from '../helpers/postgres.js';
import { alice, approvalAsked, job, storeContract, type StoreEngine } from '../helpers/storeContractCases.js';

type Row = Record<string, unknown>;
const databaseOf = (url: string): string => new URL(url).pathname.slice(1);
const toAudit = (row: Row): AuditEntry => ({
  at: Number(row.at),
  actor: String(row.actor),
  action: String(row.action),
  ...(row.job_id ? { jobId: String(row.job_id) } : {}),
  ...(row.detail ? { detail: (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as Record<string, unknown> } : {}),
});

describe('the store contract on SQLite', () => {
  let folder: string;
  let engine: StoreEngine;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'dispatch-contract-'));
    const file = join(folder, 'bridge.db');
    engine = {
      open: async () => new SqliteStore(file),
      auditLog: async () => {
        const db = new Database(file, { readonly: true });
        try {
          return (db.prepare(`SELECT * FROM audit_log ORDER BY id`).all() as Row[]).map(toAudit);
        } finally {
          db.close();
        }
      },
    };
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  describe('everything a user relies on', () => storeContract(() => engine));
});

describe('the store contract on PostgreSQL', function () {
  this.timeout(30_000);
  const postgres = usePostgres();
  let url: string;
  const engine: StoreEngine = {
    open: () => PgStore.open(url),
    auditLog: async () => (await postgres.cluster().sql(`SELECT * FROM audit_log ORDER BY id`, [], databaseOf(url))).rows.map(toAudit),
  };
  beforeEach(async () => {
    url = await postgres.cluster().createDatabase();
  });
  describe('everything a user relies on', () => storeContract(() => engine));

  describe('with two bridges writing at once', () => {
    let first: PgStore;
    let second: PgStore;
    beforeEach(async () => {
      // Two pools on one database: what two bridge processes are.
      [first, second] = await Promise.all([PgStore.open(url), PgStore.open(url)]);
      assert.equal([first.schema.applied, second.schema.applied].filter((applied) => applied.length > 0).length, 1, 'the schema was created once, by one of them');
    });
    afterEach(async () => Promise.all([first.close(), second.close()]));

    it('decides an approval pressed on both bridges exactly once', async () => {
      await first.createJob(job('j-race'));
      await first.recordEvents('j-race', [approvalAsked('j-race', 1, 'r1')]);
      const presses = Array.from({ length: 10 }, (_, index) =>
        (index % 2 ? first : second).decideApproval('j-race', 'r1', { requestId: 'r1', decision: index % 3 ? 'approve_once' : 'deny', decidedBy: `user-${index}` }, index),
      );
      const outcomes = await Promise.all(presses);
      assert.equal(outcomes.filter(Boolean).length, 1);
      const winner = outcomes.indexOf(true);
      assert.equal((await second.approval('j-race', 'r1'))?.decision?.decidedBy, `user-${winner}`, 'the stored decision is the one that was told it won');
    });

    it('pairs one code once when it is typed at both bridges', async () => {
      await first.createPairingCode('m1', '424242', 10_000);
      const tries = await Promise.all(Array.from({ length: 10 }, (_, index) => (index % 2 ? first : second).consumePairingCode('424242', 5_000)));
      assert.deepEqual(tries.filter((machineId) => machineId !== undefined), ['m1']);
    });

    it('runs a Cowork reply as a Code session once when pressed on both bridges', async () => {
      await first.saveCoworkReply({ id: 'cw', owner: alice, thread: job('x').thread, text: 'why?', answer: 'because', createdAt: Date.now() });
      const claims = await Promise.all(Array.from({ length: 8 }, (_, index) => (index % 2 ? first : second).claimCoworkReply('cw', `job-${index}`)));
      assert.equal(claims.filter(Boolean).length, 1);
      // The winner has not written its job yet: the other bridge still must not take the reply over.
      assert.equal(await second.claimCoworkReply('cw', 'late'), false);
    });

    it('stores events sent to both bridges once each, with the job folded to the last one', async () => {
      await first.createJob(job('j-ev'));
      const events: SessionEvent[] = Array.from({ length: 30 }, (_, index) => ({ sessionId: 'j-ev', seq: index + 1, at: 2_000 + index, kind: 'progress', text: `step ${index + 1}` }));
      events.push({ sessionId: 'j-ev', seq: 31, at: 3_000, kind: 'state', state: 'running' });
      // Overlapping batches, as a runner resending after a reconnect to the other bridge would.
      const batches = [events.slice(0, 20), events.slice(10), events.slice(5, 25), events, events.slice(25)];
      const fresh = await Promise.all(batches.map((batch, index) => (index % 2 ? first : second).recordEvents('j-ev', batch)));
      const seqs = fresh.flat().map((event) => event.seq).sort((a, b) => a - b);
      assert.deepEqual(seqs, events.map((event) => event.seq), 'each event reported new exactly once');
      assert.equal((await first.events('j-ev')).length, 31);
      const stored = (await second.getJob('j-ev'))!;
      assert.equal(stored.lastSeq, 31);
      assert.equal(stored.state, 'running');
      assert.equal((await first.unnotifiedEvents(100)).length, 31);
    });

    it('issues a new machine one credential when both bridges register it at once, and never replaces a confirmed one', async () => {
      const hashes = Array.from({ length: 8 }, (_, index) => `hash-${index}`);
      await Promise.all(hashes.map((hash, index) => (index % 2 ? first : second).credentials.issue('m-new', hash, index)));
      const found = (await Promise.all(hashes.map((hash) => first.credentials.find(hash)))).filter(Boolean);
      assert.deepEqual(found, [{ machineId: 'm-new', revoked: false }], 'exactly one hash is the machine’s');
      await second.credentials.confirm('m-new', 10);
      const reissued = await Promise.all(['x', 'y', 'z', 'w'].map((hash, index) => (index % 2 ? first : second).credentials.issue('m-new', hash, 11)));
      assert.deepEqual(reissued, [false, false, false, false]);
      assert.equal(await first.credentials.state('m-new'), 'active');
    });

    it('makes only one of two machines paired at once the default', async () => {
      await Promise.all([first.addPairing(alice, 'm1', 1), second.addPairing(alice, 'm2', 1)]);
      assert.equal((await first.pairings(alice)).filter((pairing) => pairing.isDefault).length, 1);
    });

    it('claims a job with untold events for one bridge at a time, its events in seq order, and an expired claim for another', async () => {
      for (const id of ['j-a', 'j-b', 'j-c', 'j-d']) {
        await first.createJob(job(id));
        await first.recordEvents(id, Array.from({ length: 5 }, (_, index): SessionEvent => ({ sessionId: id, seq: index + 1, at: 5_000 + index, kind: 'progress', text: `${id} ${index}` })));
      }
      const rounds = await Promise.all([0, 1, 2, 3].map((index) => (index % 2 ? second : first).claimJobsToNotify(`bridge-${index % 2}`, 2, 30_000, 10_000)));
      // A bridge's second round renews its own claims (and may add more): sets per bridge.
      const rest = await second.claimJobsToNotify('bridge-1', 50, 30_000, 10_000);
      assert.ok(rounds[1]!.every((id) => rest.includes(id)), 'bridge-1 keeps what it claimed');
      const ofOne = [...new Set([...rounds.filter((_, index) => index % 2).flat(), ...rest])].sort();
      const ofZero = [...new Set(rounds.filter((_, index) => index % 2 === 0).flat())].sort();
      assert.deepEqual(ofZero.filter((id) => ofOne.includes(id)), [], 'no job claimed by both bridges');
      assert.deepEqual([...ofZero, ...ofOne].sort(), ['j-a', 'j-b', 'j-c', 'j-d'], 'all claimed between them');
      assert.deepEqual((await first.claimJobsToNotify('bridge-0', 50, 30_000, 20_000)).sort(), ['j-a', 'j-b', 'j-c', 'j-d'].filter((id) => !ofOne.includes(id)), 'a bridge renews its own, and leaves the other’s live claims alone');
      if (ofOne[0]) {
        assert.equal(await first.holdNotifyClaim('bridge-0', ofOne[0], 30_000, 20_000), false, 'a live claim of another bridge is not taken');
        assert.deepEqual((await second.unnotifiedEventsOf(ofOne[0], 10)).map((event) => event.seq), [1, 2, 3, 4, 5]);
        await second.markNotified(ofOne[0], 1);
        assert.deepEqual((await second.unnotifiedEventsOf(ofOne[0], 2)).map((event) => event.seq), [2, 3]);
      }
      // bridge-1 dies holding its claims; once they expire, bridge-0 takes them over.
      assert.deepEqual((await first.claimJobsToNotify('bridge-0', 50, 30_000, 40_001)).sort(), ['j-a', 'j-b', 'j-c', 'j-d']);
      assert.deepEqual(await second.renewNotifyClaims('bridge-1', ofOne, 30_000, 40_002), [], 'the dead bridge’s renewal finds nothing left');
      assert.deepEqual((await first.renewNotifyClaims('bridge-0', ['j-a', 'j-b'], 30_000, 40_002)).sort(), ['j-a', 'j-b']);
      await first.releaseNotifyClaim('bridge-0', 'j-a');
      assert.equal(await second.holdNotifyClaim('bridge-1', 'j-a', 30_000, 40_003), true, 'a released claim is free at once');
      await first.releaseNotifyClaim('bridge-0', 'j-a');
      assert.equal(await first.holdNotifyClaim('bridge-0', 'j-a', 30_000, 40_004), false, 'releasing another bridge’s claim does nothing');
    });
  });

  describe('migrations on an existing database', () => {
    it('applies nothing the second time, and two bridges starting at once migrate once', async () => {
      const [a, b] = await Promise.all([PgStore.open(url), PgStore.open(url)]);
      assert.deepEqual([a.schema.applied, b.schema.applied].sort((x, y) => x.length - y.length), [[], ['1 initial schema', '2 machine links across bridges', '3 notifier job claims', '4 dead bridges, link notices and pruning', '5 bridge timings']]);
      await Promise.all([a.close(), b.close()]);
      const again = await PgStore.open(url);
      assert.deepEqual(again.schema, { before: 5, after: 5, applied: [] });
      await again.close();
    });

    it('keeps times as bigint milliseconds and JSON as jsonb, with the tables the multi-bridge work uses', async () => {
      await (await PgStore.open(url)).close();
      const { rows } = await postgres.cluster().sql(
        `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'`, [], databaseOf(url));
      const typeOf = (table: string, column: string) => rows.find((row) => row.table_name === table && row.column_name === column)?.data_type;
      for (const [table, column] of [['jobs', 'created_at'], ['job_events', 'at'], ['job_events', 'claimed_until'], ['approvals', 'decided_at'], ['bridges', 'last_seen_at'], ['chat_events_seen', 'seen_at'], ['machine_links', 'connected_at'], ['machine_requests', 'created_at'], ['machine_requests', 'answered_at']]) {
        assert.equal(typeOf(table!, column!), 'bigint', `${table}.${column}`);
      }
      for (const [table, column] of [['job_events', 'body'], ['jobs', 'result'], ['jobs', 'pending_approvals'], ['approvals', 'decision'], ['machines', 'repos'], ['web_messages', 'body'], ['machine_requests', 'payload'], ['machine_requests', 'answer']]) {
        assert.equal(typeOf(table!, column!), 'jsonb', `${table}.${column}`);
      }
      assert.equal(typeOf('job_events', 'claimed_by'), 'text');
      assert.equal(typeOf('bridges', 'url'), 'text');
    });

    it('refuses a database from a newer Dispatch with a clear message, changing nothing', async () => {
      const store = await PgStore.open(url);
      await store.createJob(job('kept'));
      await store.close();
      const cluster = postgres.cluster();
      await cluster.sql(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)`, [], databaseOf(url));
      await assert.rejects(PgStore.open(url), /newer Dispatch \(schema 999; this one knows 5\)\. Upgrade Dispatch/);
      assert.equal((await cluster.sql(`SELECT count(*)::int AS n FROM jobs`, [], databaseOf(url))).rows[0].n, 1, 'the data is untouched');
    });
  });
});
