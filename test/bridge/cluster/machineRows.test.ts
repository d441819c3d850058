import assert from 'node:assert/strict';
import type pg from 'pg';
import { PgBridgePresence } from '../../../bridge/cluster/bridgePresence.js';
import { PgMachinePresence } from '../../../bridge/cluster/machinePresence.js';
import { PgMachineRequests } from '../../../bridge/cluster/machineRequests.js';
import { migratePostgres } from '../../../bridge/store/pg/pgMigrations.js';
import { createPool } from '../../../bridge/store/pg/pgPool.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../../helpers/postgres.js';

/** The two tables of migration 2 as several bridges use them at once. */
describe('machine links and machine requests on PostgreSQL', function () {
  this.timeout(30_000);
  let server: PostgresServer | undefined;
  let pool: pg.Pool;
  let beats: PgBridgePresence[];

  before(async function () {
    if (postgresMissing()) return this.skip();
    server = await startPostgres();
  });
  after(async () => server?.stop());
  beforeEach(async () => {
    pool = createPool(await server!.createDatabase());
    await migratePostgres(pool);
    beats = [];
  });
  afterEach(async () => {
    for (const beat of beats) await beat.stop();
    await pool.end();
  });

  const bridge = async (id: string) => {
    const beat = new PgBridgePresence({ pool, id, heartbeatMs: 60_000 });
    await beat.start();
    beats.push(beat);
    return new PgMachinePresence({ pool, bridgeId: id, freshMs: 1_000 });
  };

  it('a machine is held by the bridge of its newest hello; the old bridge’s close does not take it offline', async () => {
    const a = await bridge('bridge-a');
    const b = await bridge('bridge-b');
    await a.linked('m1');
    assert.equal(await b.holder('m1'), 'bridge-a');
    await b.linked('m1'); // the runner failed over to B
    await a.unlinked('m1'); // A notices its old socket closed, later
    assert.equal(await a.holder('m1'), 'bridge-b');
    assert.deepEqual(await a.linkedElsewhere(), ['m1']);
    await b.unlinked('m1');
    assert.equal(await a.holder('m1'), undefined);
  });

  it('the machines of a bridge that stopped beating count as offline, and a clean stop forgets them at once', async () => {
    const a = await bridge('bridge-a');
    const b = await bridge('bridge-b');
    await a.linked('m1');
    await b.linked('m2');
    await pool.query('UPDATE bridges SET last_seen_at = last_seen_at - 5000 WHERE id = $1', ['bridge-a']);
    assert.equal(await b.holder('m1'), undefined, 'stale: A is dead');
    assert.equal(await a.holder('m2'), 'bridge-b');
    await b.forgetAll(Date.now());
    assert.equal(await a.holder('m2'), undefined);
  });

  it('two bridges taking at once get each request once, in order, and only for the machines they name', async () => {
    const requests = new PgMachineRequests(pool);
    const ids: string[] = [];
    for (let n = 0; n < 40; n += 1) ids.push(await requests.create('m1', { kind: 'followUp', jobId: 'j1', payload: { text: `step ${n}` } }));
    await requests.create('m2', { kind: 'cancel', jobId: 'j2', payload: {} });
    const [first, second] = await Promise.all([requests.take('bridge-a', ['m1'], 25), requests.take('bridge-b', ['m1'], 25)]);
    const taken = [...first!, ...second!].map((request) => request.id);
    assert.equal(new Set(taken).size, taken.length, 'no request taken twice');
    for (const batch of [first!, second!]) assert.deepEqual(batch.map((request) => Number(request.id)), batch.map((request) => Number(request.id)).sort((x, y) => x - y), 'each batch oldest first');
    const rest = await requests.take('bridge-a', ['m1']);
    assert.deepEqual([...taken, ...rest.map((request) => request.id)].sort((x, y) => Number(x) - Number(y)), ids, 'every m1 request taken exactly once');
    assert.deepEqual(await requests.openFor(['m1', 'm2']), ['m2'], 'm2’s request waits for m2’s bridge');
  });

  it('an answer is read back; a request nobody took can be withdrawn, a taken one cannot', async () => {
    const requests = new PgMachineRequests(pool);
    const asked = await requests.create('m1', { kind: 'cancel', jobId: 'j1', payload: {} });
    assert.deepEqual(await requests.answerOf(asked), { state: 'waiting', taken: false });
    const [taken] = await requests.take('bridge-a', ['m1']);
    assert.equal(taken!.request.kind, 'cancel');
    assert.equal(await requests.withdraw(asked), false, 'taken: it may still be acted on');
    await requests.answer(asked, { ok: true, value: true });
    assert.deepEqual(await requests.answerOf(asked), { state: 'answered', answer: { ok: true, value: true } });
    const untaken = await requests.create('m1', { kind: 'pairing', jobId: null, payload: {} });
    assert.equal(await requests.withdraw(untaken), true);
    assert.deepEqual(await requests.answerOf(untaken), { state: 'gone' });
  });

  it('a malformed row written into the table is answered as refused, never performed', async () => {
    const requests = new PgMachineRequests(pool);
    const { rows } = await pool.query<{ id: string }>(`INSERT INTO machine_requests (machine_id, job_id, kind, payload, created_at) VALUES ('m1', 'j1', 'followUp', '{"text": 42}', 0) RETURNING id::text AS id`);
    assert.deepEqual(await requests.take('bridge-a', ['m1']), []);
    const state = await requests.answerOf(rows[0]!.id);
    assert.equal(state.state === 'answered' && !state.answer.ok && state.answer.code, 'bad_input');
  });
});
