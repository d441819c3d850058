import assert from 'node:assert/strict';
import pg from 'pg';
import { startCluster } from '../../../bridge/cluster/cluster.js';
import type { Wake } from '../../../bridge/cluster/wakeBus.js';
import { createClusterTables } from '../../helpers/clusterTables.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../../helpers/postgres.js';

async function sessionsOf(url: string, bridgeId: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE $1', [`${bridgeId}%`]);
    return Number(result.rows[0]!.n);
  } finally {
    await client.end();
  }
}

describe('the coordination parts a bridge starts with', function () {
  this.timeout(30_000);

  it('without a database URL: one bridge in process — it is the only bridge, always the gateway holder, and dedupes in memory', async () => {
    const cluster = await startCluster();
    try {
      assert.equal(cluster.clustered, false);
      assert.deepEqual((await cluster.presence.bridges()).map((bridge) => bridge.id), [cluster.bridgeId]);
      assert.equal(await cluster.gatewayLease().start(), true);
      assert.equal(await cluster.eventOnce.firstSighting('slack', ['event:1']), true);
      assert.equal(await cluster.eventOnce.firstSighting('slack', ['event:1']), false);
      const heard: Wake[] = [];
      cluster.wakeBus.subscribe('events', (wake) => heard.push(wake));
      await cluster.wakeBus.publish('events', 'job-1');
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(heard, [{ resync: false, payload: 'job-1' }]);
    } finally {
      await cluster.stop();
    }
  });

  describe('on PostgreSQL', () => {
    let server: PostgresServer | undefined;
    let url: string;
    before(async function () {
      if (postgresMissing()) return this.skip();
      server = await startPostgres();
      url = await server!.createDatabase();
      await createClusterTables(url);
    });
    after(async () => server?.stop());

    it('two bridges see each other, share dedupe and wake-ups, and a stopped one leaves no connection behind', async () => {
      const a = await startCluster({ connectionString: url, url: 'https://a.example' });
      const b = await startCluster({ connectionString: url });
      try {
        assert.equal(a.clustered, true);
        assert.deepEqual((await a.presence.bridges()).map((bridge) => bridge.id).sort(), [a.bridgeId, b.bridgeId].sort());
        assert.equal(await a.eventOnce.firstSighting('slack', ['event:Ev1', 'envelope:x']), true);
        assert.equal(await b.eventOnce.firstSighting('slack', ['event:Ev1', 'envelope:y']), false);
        const heard: Wake[] = [];
        b.wakeBus.subscribe('machine', (wake) => heard.push(wake));
        await a.wakeBus.publish('machine', 'machine-9');
        const deadline = Date.now() + 5_000;
        while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.deepEqual(heard, [{ resync: false, payload: 'machine-9' }]);
      } finally {
        await a.stop();
      }
      assert.deepEqual((await b.presence.bridges()).map((bridge) => bridge.id), [b.bridgeId]);
      // A backend leaves pg_stat_activity a moment after its client hangs up.
      let left = await sessionsOf(url, a.bridgeId);
      for (let tries = 0; left > 0 && tries < 40; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        left = await sessionsOf(url, a.bridgeId);
      }
      assert.equal(left, 0);
      await b.stop();
    });

    it('a database without the bridges table fails the start with what to check', async () => {
      const empty = await server!.createDatabase();
      await assert.rejects(startCluster({ connectionString: empty }), /Could not join the other bridges on the database \(check DISPATCH_DATABASE_URL, and that its migrations ran\).*bridges/);
    });
  });
});
