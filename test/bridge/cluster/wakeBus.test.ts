import assert from 'node:assert/strict';
import { InProcessWakeBus, PgWakeBus, type Wake } from '../../../bridge/cluster/wakeBus.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { terminateSessions } from '../../helpers/clusterTables.js';

/** Collects wake-ups and resolves when one matches. */
function collector() {
  const seen: Wake[] = [];
  const waiters = new Set<() => void>();
  return {
    seen,
    handler: (wake: Wake) => {
      seen.push(wake);
      for (const waiter of [...waiters]) waiter();
    },
    waitFor(test: (wake: Wake) => boolean, what: string, ms = 8_000): Promise<void> {
      if (seen.some(test)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => (waiters.delete(check), reject(new Error(`timed out waiting for ${what}; saw ${JSON.stringify(seen)}`))), ms);
        const check = () => void (seen.some(test) && (clearTimeout(timer), waiters.delete(check), resolve()));
        waiters.add(check);
      });
    },
  };
}

describe('wake-ups between bridges', function () {
  this.timeout(30_000);

  describe('one bridge (in process)', () => {
    it('a publish reaches this process’s subscribers of that topic only, and a bad id is refused', async () => {
      const bus = new InProcessWakeBus();
      const machine = collector();
      const web = collector();
      bus.subscribe('machine', machine.handler);
      bus.subscribe('web', web.handler);
      await bus.publish('machine', 'm-123');
      await machine.waitFor((wake) => !wake.resync && wake.payload === 'm-123', 'the machine wake-up');
      assert.deepEqual(web.seen, []);
      await assert.rejects(bus.publish('machine', 'two words'), /Not a machine wake-up id/);
      await bus.close();
    });
  });

  describe('several bridges (PostgreSQL LISTEN/NOTIFY)', () => {
    let server: PostgresServer | undefined;
    let url: string;
    before(async function () {
      const missing = postgresMissing();
      if (missing) return this.skip();
      server = await startPostgres();
      url = await server!.createDatabase();
    });
    after(async () => server?.stop());

    it('two bridges on one database hear each other’s wake-ups, each on its own topic', async () => {
      const a = await PgWakeBus.connect({ connectionString: url, applicationName: 'bridge-a' });
      const b = await PgWakeBus.connect({ connectionString: url, applicationName: 'bridge-b' });
      try {
        const atB = collector();
        const eventsAtA = collector();
        b.subscribe('machine', atB.handler);
        a.subscribe('events', eventsAtA.handler);
        await a.publish('machine', 'machine-7');
        await b.publish('events', 'job-42');
        await atB.waitFor((wake) => !wake.resync && wake.payload === 'machine-7', 'machine-7 at bridge B');
        await eventsAtA.waitFor((wake) => !wake.resync && wake.payload === 'job-42', 'job-42 at bridge A');
        assert.ok(atB.seen.every((wake) => !wake.resync && wake.payload === 'machine-7'), 'B heard only the machine topic');
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('a malformed NOTIFY from someone else on the database is ignored, and later wake-ups still arrive', async () => {
      const bus = await PgWakeBus.connect({ connectionString: url });
      const other = await PgWakeBus.connect({ connectionString: url });
      try {
        const heard = collector();
        bus.subscribe('web', heard.handler);
        // Straight through SQL, as any client of the database could.
        await (other as unknown as { publisher: { query(sql: string): Promise<unknown> } }).publisher.query(`NOTIFY dispatch_web, 'rm -rf /; drop table'`);
        await other.publish('web', 'user-1');
        await heard.waitFor((wake) => !wake.resync && wake.payload === 'user-1', 'user-1');
        assert.deepEqual(heard.seen, [{ resync: false, payload: 'user-1' }]);
      } finally {
        await bus.close();
        await other.close();
      }
    });

    it('a killed listening connection reconnects and tells every subscriber to re-read, then hears wake-ups again', async () => {
      const a = await PgWakeBus.connect({ connectionString: url, applicationName: 'bridge-killed', backoffMs: 50 });
      const b = await PgWakeBus.connect({ connectionString: url, applicationName: 'bridge-alive' });
      try {
        const machine = collector();
        const web = collector();
        a.subscribe('machine', machine.handler);
        a.subscribe('web', web.handler);
        const started = performance.now();
        assert.equal(await terminateSessions(url, 'bridge-killed:listen'), 1);
        await machine.waitFor((wake) => wake.resync, 'a resync on the machine topic');
        await web.waitFor((wake) => wake.resync, 'a resync on the web topic');
        const reconnectMs = Math.round(performance.now() - started);
        await b.publish('machine', 'machine-after');
        await machine.waitFor((wake) => !wake.resync && wake.payload === 'machine-after', 'a wake-up after the reconnect');
        assert.ok(reconnectMs < 5_000, `reconnected in ${reconnectMs} ms`);
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
});
