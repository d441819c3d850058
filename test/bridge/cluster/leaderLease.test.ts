import assert from 'node:assert/strict';
import { advisoryKey, InProcessLeaderLease, PgLeaderLease } from '../../../bridge/cluster/leaderLease.js';
import { terminateSessions } from '../../helpers/clusterTables.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../../helpers/postgres.js';

async function until(test: () => boolean, what: string, ms = 8_000): Promise<number> {
  const started = performance.now();
  while (!test()) {
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Math.round(performance.now() - started);
}

describe('one holder among bridges (leader lease)', function () {
  this.timeout(30_000);

  it('a single bridge is always the holder, and says so once', async () => {
    const lease = new InProcessLeaderLease();
    let acquired = 0;
    lease.on('acquired', () => (acquired += 1));
    assert.equal(await lease.start(), true);
    assert.equal(lease.held, true);
    assert.equal(acquired, 1);
    await lease.close();
  });

  it('a name always maps to the same 64-bit lock key, and two names to two', () => {
    assert.equal(advisoryKey('dispatch:discord-gateway'), advisoryKey('dispatch:discord-gateway'));
    assert.notEqual(advisoryKey('dispatch:discord-gateway'), advisoryKey('dispatch:other'));
    const key = BigInt(advisoryKey('dispatch:discord-gateway'));
    assert.ok(key >= -(2n ** 63n) && key < 2n ** 63n);
  });

  describe('on PostgreSQL', () => {
    let server: PostgresServer | undefined;
    let url: string;
    before(async function () {
      if (postgresMissing()) return this.skip();
      server = await startPostgres();
      url = await server!.createDatabase();
    });
    after(async () => server?.stop());

    it('of two bridges one holds; when it lets go the other holds within its retry interval', async () => {
      const a = new PgLeaderLease({ connectionString: url, name: 'test:handover', retryMs: 200 });
      const b = new PgLeaderLease({ connectionString: url, name: 'test:handover', retryMs: 200 });
      try {
        assert.equal(await a.start(), true);
        assert.equal(await b.start(), false);
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(b.held, false, 'b keeps trying without taking it');
        await a.close();
        const ms = await until(() => b.held, 'b to hold the lease');
        assert.ok(ms < 1_500, `took ${ms} ms`);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('a lease closed and started again holds again (a transport restarted in place)', async () => {
      const lease = new PgLeaderLease({ connectionString: url, name: 'test:restart', retryMs: 100 });
      const other = new PgLeaderLease({ connectionString: url, name: 'test:restart', retryMs: 100 });
      try {
        assert.equal(await lease.start(), true);
        await lease.close();
        assert.equal(lease.held, false);
        assert.equal(await other.start(), true, 'closing let go at once');
        await other.close();
        assert.equal(await lease.start(), true);
      } finally {
        await lease.close();
        await other.close();
      }
    });

    it('a holder whose database session is killed reports lost, and the other bridge takes over', async () => {
      const a = new PgLeaderLease({ connectionString: url, name: 'test:killed', retryMs: 200, applicationName: 'lease-a' });
      const b = new PgLeaderLease({ connectionString: url, name: 'test:killed', retryMs: 200, applicationName: 'lease-b' });
      const events: string[] = [];
      a.on('acquired', () => events.push('a acquired'));
      a.on('lost', () => events.push('a lost'));
      b.on('acquired', () => events.push('b acquired'));
      try {
        await a.start();
        await b.start();
        assert.equal(await terminateSessions(url, 'lease-a'), 1);
        await until(() => b.held, 'b to hold the lease');
        assert.equal(a.held, false);
        assert.deepEqual(events.slice(0, 3), ['a acquired', 'a lost', 'b acquired']);
        // a keeps trying, but b holds it now.
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(a.held, false);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('a lease whose database is unreachable is not held, and start() says so instead of throwing', async () => {
      const badUrl = url.replace(/:(\d+)\//, ':1/');
      const lease = new PgLeaderLease({ connectionString: badUrl, name: 'test:unreachable', retryMs: 100 });
      try {
        assert.equal(await lease.start(), false);
        assert.equal(lease.held, false);
      } finally {
        await lease.close();
      }
    });
  });
});
