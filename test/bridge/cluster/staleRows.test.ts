import assert from 'node:assert/strict';
import pg from 'pg';
import { PgEventOnce } from '../../../bridge/cluster/eventOnce.js';
import { StaleRows } from '../../../bridge/cluster/staleRows.js';
import { PgStore } from '../../../bridge/store/pg/pgStore.js';
import type { JobRecord } from '../../../bridge/store/store.js';
import type { SessionState } from '../../../shared/sessions.js';
import { usePostgres } from '../../helpers/postgres.js';

const HOUR = 3_600_000;

function job(id: string, state: SessionState): JobRecord {
  const now = Date.now();
  return {
    id,
    owner: { platform: 'web', userId: 'alice', displayName: 'alice' },
    machineId: 'm1',
    task: 'run the tests',
    repo: 'api',
    forced: true,
    routeReason: 'test',
    thread: { platform: 'web', channelId: 'C1', threadId: id },
    delivery: 'accepted',
    state,
    lastSeq: 0,
    pendingApprovals: [],
    createdAt: now,
    updatedAt: now,
  };
}

describe('the periodic sweep of stale cluster rows (PostgreSQL)', function () {
  this.timeout(60_000);
  const postgres = usePostgres();
  let store: PgStore;
  let pool: pg.Pool;

  beforeEach(async () => {
    const url = await postgres.cluster().createDatabase();
    store = await PgStore.open(url);
    pool = new pg.Pool({ connectionString: url, max: 3 });
  });
  afterEach(async () => {
    await pool.end();
    await store.close();
  });

  const ids = async (sql: string) => (await pool.query<{ id: string }>(sql)).rows.map((row) => row.id).sort();
  const dbNow = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

  it('removes what only grows (ended jobs’ claims and notices, long-dead bridges, old event ids, old requests) and keeps everything live', async () => {
    const now = Date.now();
    for (const [id, state] of [['j-done', 'completed'], ['j-running', 'running'], ['j-orphan', 'running'], ['j-telling', 'completed']] as const) await store.createJob(job(id, state));
    await pool.query(`INSERT INTO bridges (id, url, started_at, last_seen_at) VALUES ('live', null, ${dbNow}, ${dbNow}), ('long-dead', null, 0, ${dbNow} - 2 * ${HOUR})`);
    await pool.query(
      `INSERT INTO notify_claims (job_id, bridge_id, until) VALUES
       ('j-done', 'live', $1), ('j-running', 'live', $1), ('j-orphan', 'gone-bridge', $1), ('j-telling', 'live', $2)`,
      [now - 60_000, now + 60_000],
    );
    await pool.query(`INSERT INTO link_notices (job_id, machine_id, bridge_id, told_at) VALUES ('j-done', 'm1', 'live', 0), ('j-running', 'm1', 'live', 0), ('j-deleted', 'm1', 'live', 0)`);
    await pool.query(`INSERT INTO machine_links (machine_id, bridge_id, connected_at) VALUES ('m-live', 'live', 0), ('m-left', 'gone-bridge', 0)`);
    const once = new PgEventOnce({ pool, bridgeId: 'live' });
    assert.equal(await once.firstSighting('slack', 'event:old'), true);
    assert.equal(await once.firstSighting('slack', 'event:new'), true);
    await pool.query(`UPDATE chat_events_seen SET seen_at = seen_at - 25 * ${HOUR} WHERE event_id = 'event:old'`);
    await pool.query(
      `INSERT INTO machine_requests (machine_id, job_id, kind, payload, created_at, taken_by, answered_at, answer) VALUES
       ('m1', null, 'answered-long-ago', '{}', ${dbNow} - 120000, 'live', ${dbNow} - 120000, '{"ok":true}'),
       ('m1', null, 'abandoned', '{}', ${dbNow} - 2 * ${HOUR}, null, null, null),
       ('m1', null, 'answered-now', '{}', ${dbNow}, 'live', ${dbNow}, '{"ok":true}'),
       ('m1', null, 'open', '{}', ${dbNow}, null, null, null)`,
    );

    const pruned = await new StaleRows({ pool }).prune();
    assert.deepEqual(pruned, { notifyClaims: 2, linkNotices: 2, bridges: 1, machineLinks: 1, chatEventsSeen: 1, machineRequests: 2 });
    assert.deepEqual(await ids('SELECT job_id AS id FROM notify_claims'), ['j-running', 'j-telling'], 'a live bridge’s claim of a running job, and an unexpired one, stay');
    assert.deepEqual(await ids('SELECT job_id AS id FROM link_notices'), ['j-running']);
    assert.deepEqual(await ids('SELECT id FROM bridges'), ['live']);
    assert.deepEqual(await ids('SELECT machine_id AS id FROM machine_links'), ['m-live']);
    assert.deepEqual(await ids('SELECT kind AS id FROM machine_requests'), ['answered-now', 'open']);
    assert.equal(await once.firstSighting('slack', 'event:old'), true, 'an id past its retention is forgotten');
    assert.equal(await once.firstSighting('slack', 'event:new'), false, 'a recent id is kept');
    assert.deepEqual(await new StaleRows({ pool }).prune(), { notifyClaims: 0, linkNotices: 0, bridges: 0, machineLinks: 0, chatEventsSeen: 0, machineRequests: 0 }, 'nothing left to remove');
  });

  it('removes at most a batch per table per sweep, and one bridge sweeps at a time', async () => {
    await pool.query(`INSERT INTO chat_events_seen (platform, event_id, bridge_id, seen_at) SELECT 'slack', 'e' || n, 'b', 0 FROM generate_series(1, 25) AS n`);
    const sweep = new StaleRows({ pool, batch: 10 });
    assert.equal((await sweep.prune())?.chatEventsSeen, 10);
    // Another bridge in the middle of its sweep holds the lock: this one skips its turn and changes nothing.
    const other = await pool.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_advisory_xact_lock($1)', [0x64_73_70_03]);
      assert.equal(await sweep.prune(), undefined);
      await other.query('COMMIT');
    } finally {
      other.release();
    }
    assert.equal(Number((await pool.query('SELECT count(*) AS n FROM chat_events_seen')).rows[0].n), 15);
    assert.equal((await sweep.prune())?.chatEventsSeen, 10);
    assert.equal((await sweep.prune())?.chatEventsSeen, 5);
  });

  it('every delete of the sweep reads an index, not the whole table', async () => {
    // With sequential scans priced out, a plan that still scans a table has no index to use.
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plans: string[] = [];
      for (const sql of [
        `SELECT job_id FROM notify_claims WHERE until < 0`,
        `SELECT platform, event_id FROM chat_events_seen WHERE seen_at < 0`,
        `SELECT id FROM machine_requests WHERE answered_at < 0`,
        `SELECT id FROM machine_requests WHERE created_at < 0`,
        `SELECT id FROM bridges WHERE last_seen_at < 0`,
        `SELECT job_id FROM link_notices WHERE machine_id = 'm1'`,
      ]) plans.push(((await client.query(`EXPLAIN ${sql}`)).rows as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n'));
      assert.deepEqual(plans.filter((plan) => /Seq Scan/.test(plan)), []);
    } finally {
      client.release();
    }
  });
});
