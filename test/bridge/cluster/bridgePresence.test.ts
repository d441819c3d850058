import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Bridge } from '../../../bridge/bridge.js';
import { newBridgeId, PgBridgePresence } from '../../../bridge/cluster/bridgePresence.js';
import type { HealthSources } from '../../../bridge/cluster/health.js';
import { loadBridgeEnv } from '../../../bridge/config.js';
import { silentLogger } from '../../../shared/logger.js';
import { createClusterTables, terminateSessions } from '../../helpers/clusterTables.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../../helpers/postgres.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(test: () => Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** A real bridge (SQLite in a temp folder) whose /healthz reads `health`. */
async function bridgeWithHealth(health?: HealthSources) {
  const home = mkdtempSync(join(tmpdir(), 'dispatch-health-'));
  const config = loadBridgeEnv({ DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_HOST: '127.0.0.1', DISPATCH_WEB: 'off', DISPATCH_LOG_LEVEL: 'silent' });
  const bridge = await Bridge.start({ config, logger: silentLogger, secrets: { runnerToken: 'test-runner-token-0123456789', webToken: 'test-web-token-0123456789abcdef' }, ...(health ? { health } : {}) });
  const base = bridge.url.replace(/^ws/, 'http');
  return {
    healthz: async () => {
      const response = await fetch(`${base}/healthz`);
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    stop: async () => {
      await bridge.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

describe('bridges seen by each other', function () {
  this.timeout(30_000);

  it('a bridge id names the host and the process, and differs per start', () => {
    const a = newBridgeId();
    const b = newBridgeId();
    assert.match(a, new RegExp(`-${process.pid}-[0-9a-f]{4}$`));
    assert.notEqual(a, b);
  });

  it('/healthz of a single bridge says its version and that its SQLite store answers', async () => {
    const bridge = await bridgeWithHealth();
    try {
      const { status, body } = await bridge.healthz();
      assert.equal(status, 200);
      assert.deepEqual(Object.keys(body).sort(), ['database', 'ok', 'version']);
      assert.equal(body.ok, true);
      assert.deepEqual(body.database, { engine: 'sqlite', ok: true });
    } finally {
      await bridge.stop();
    }
  });

  describe('on PostgreSQL', () => {
    let server: PostgresServer | undefined;
    let url: string;
    const pools: pg.Pool[] = [];
    const pool = () => {
      const created = new pg.Pool({ connectionString: url, max: 2 });
      pools.push(created);
      return created;
    };
    before(async function () {
      if (postgresMissing()) return this.skip();
      server = await startPostgres();
    });
    beforeEach(async () => {
      url = await server!.createDatabase();
      await createClusterTables(url);
    });
    after(async () => {
      for (const created of pools) await created.end().catch(() => undefined);
      await server?.stop();
    });

    it('two bridges list each other; one that stops leaves the list at once, one that goes silent after the freshness window', async () => {
      const a = new PgBridgePresence({ pool: pool(), id: 'host-a-1-aaaa', url: 'https://a.example', heartbeatMs: 100, freshMs: 800 });
      const b = new PgBridgePresence({ pool: pool(), id: 'host-b-2-bbbb', url: 'https://b.example', heartbeatMs: 100, freshMs: 800 });
      const silentPool = pool();
      const c = new PgBridgePresence({ pool: silentPool, id: 'host-c-3-cccc', heartbeatMs: 100, freshMs: 800 });
      await Promise.all([a.start(), b.start(), c.start()]);
      const ids = async (presence: PgBridgePresence) => (await presence.bridges()).map((bridge) => bridge.id);
      assert.deepEqual(await ids(a), ['host-a-1-aaaa', 'host-b-2-bbbb', 'host-c-3-cccc']);
      const seenByB = (await b.bridges()).find((bridge) => bridge.id === 'host-a-1-aaaa')!;
      assert.equal(seenByB.url, 'https://a.example');
      // Beats keep a live bridge fresh well past the window.
      await sleep(1_000);
      const lastSeen = (await a.bridges()).find((bridge) => bridge.id === 'host-b-2-bbbb')!.lastSeenAt;
      assert.ok(lastSeen > seenByB.startedAt, 'b kept writing its row');

      await b.stop();
      assert.deepEqual(await ids(a), ['host-a-1-aaaa', 'host-c-3-cccc']);

      // c loses its database (its pool is gone): it cannot beat, and drops off after 800 ms.
      await silentPool.end();
      const silencedAt = Date.now();
      await eventually(async () => !(await ids(a)).includes('host-c-3-cccc'), 'the silent bridge to drop off');
      assert.ok(Date.now() - silencedAt >= 500, 'not before its window');
      await a.stop();
      await c.stop();
    });

    it('a bridge whose session lock was lost (its connection cut) is not counted until it takes the lock again on its next beat; one whose row was removed writes it again and says so', async () => {
      const a = new PgBridgePresence({ pool: pool(), connectionString: url, id: 'host-a-6-aaaa', heartbeatMs: 100, freshMs: 5_000 });
      const b = new PgBridgePresence({ pool: pool(), connectionString: url, id: 'host-b-7-bbbb', heartbeatMs: 1_000, freshMs: 5_000 });
      let rejoined = 0;
      b.onRejoined(() => (rejoined += 1));
      await Promise.all([a.start(), b.start()]);
      const ids = async () => (await a.bridges()).map((bridge) => bridge.id);
      try {
        assert.deepEqual(await ids(), ['host-a-6-aaaa', 'host-b-7-bbbb']);
        // The server ends b's lock session, as a failover or a cut connection would; its beats go on through the pool.
        assert.equal(await terminateSessions(url, 'host-b-7-bbbb:presence'), 1);
        // Within a beat (1 s here, 5 s by default): long before the 5 s window that a silent bridge gets.
        await eventually(async () => !(await ids()).includes('host-b-7-bbbb'), 'b to drop out without its lock', 900);
        await eventually(async () => (await ids()).includes('host-b-7-bbbb'), 'b back with its lock taken again', 3_000);

        await pool().query("DELETE FROM bridges WHERE id = 'host-b-7-bbbb'");
        await eventually(async () => rejoined === 1, 'b to notice its row was gone and write it again', 3_000);
        assert.deepEqual(await ids(), ['host-a-6-aaaa', 'host-b-7-bbbb']);
      } finally {
        await a.stop();
        await b.stop();
      }
    });

    it('/healthz reports the database and the bridges heard from, and 503 when the database does not answer', async () => {
      const presence = new PgBridgePresence({ pool: pool(), id: 'host-h-4-hhhh', url: 'https://h.example', heartbeatMs: 100 });
      const peer = new PgBridgePresence({ pool: pool(), id: 'host-p-5-pppp', heartbeatMs: 100 });
      await presence.start();
      await peer.start();
      const checkPool = pool();
      let databaseUp = true;
      const bridge = await bridgeWithHealth({
        presence,
        timeoutMs: 500,
        database: async () => {
          if (!databaseUp) await new Promise(() => undefined); // hangs, like a dead server
          await checkPool.query('SELECT 1');
          return { engine: 'postgres', ok: true };
        },
      });
      try {
        const healthy = await bridge.healthz();
        assert.equal(healthy.status, 200);
        assert.equal(healthy.body.ok, true);
        assert.deepEqual(healthy.body.database, { engine: 'postgres', ok: true });
        const bridges = healthy.body.bridges as { id: string; url: string | null; lastSeenAt: number }[];
        assert.deepEqual(bridges.map((seen) => [seen.id, seen.url]), [['host-h-4-hhhh', 'https://h.example'], ['host-p-5-pppp', null]]);
        assert.ok(bridges.every((seen) => Math.abs(seen.lastSeenAt - Date.now()) < 5_000));

        databaseUp = false;
        const sick = await bridge.healthz();
        assert.equal(sick.status, 503);
        assert.equal(sick.body.ok, false);
        assert.deepEqual(sick.body.database, { engine: 'postgres', ok: false });
      } finally {
        await bridge.stop();
        await presence.stop();
        await peer.stop();
      }
    });
  });
});
