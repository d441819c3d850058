import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterTimingsOf, loadBridgeEnv } from '../../../bridge/config.js';
import { startLiveBridge } from '../../helpers/liveBridge.js';
import { usePostgres } from '../../helpers/postgres.js';
import { runCli, type CliResult } from '../../helpers/cliRun.js';
import { RecordingLogger } from '../../helpers/recordingLogger.js';
import type { LiveBridge } from '../../helpers/liveBridge.js';

interface Health {
  ok: boolean;
  timingMismatches?: { setting: string; here: number; peer: number; bridgeId: string }[];
}
const healthOf = async (bridge: LiveBridge): Promise<Health> => (await (await fetch(`${bridge.bridge.url}/healthz`)).json()) as Health;

const dispatchBridge = (env: Record<string, string>): Promise<CliResult> => runCli(['bridge'], { env });

describe('cluster timings from the environment', function () {
  this.timeout(60_000);
  const postgres = usePostgres();

  it('unset, they are what they were before they could be set', () => {
    assert.deepEqual(clusterTimingsOf(loadBridgeEnv({})), { heartbeatMs: 5_000, freshMs: 15_000, notifyLeaseMs: 15_000, notifyRenewMs: 5_000, notifySweepMs: 5_000, sweepMs: 3_000, pruneEveryMs: 600_000 });
    assert.equal(clusterTimingsOf(loadBridgeEnv({ DISPATCH_NOTIFY_LEASE_MS: '9000' })).notifyRenewMs, 3_000, 'renewal follows the lease unless set');
  });

  it('a bridge beats and judges its peers by the values set', async () => {
    const url = await postgres.cluster().createDatabase();
    const bridge = await startLiveBridge({ repos: [], withRunner: false, env: { DISPATCH_DATABASE_URL: url, DISPATCH_CLUSTER_BEAT_MS: '100', DISPATCH_CLUSTER_STALE_MS: '1000' } });
    try {
      const pool = (bridge.bridge.store as unknown as { pool: import('pg').Pool }).pool;
      const lastSeen = async () => Number((await pool.query('SELECT last_seen_at FROM bridges WHERE id = $1', [bridge.bridge.cluster.bridgeId])).rows[0].last_seen_at);
      const first = await lastSeen();
      await new Promise((resolve) => setTimeout(resolve, 450));
      assert.ok((await lastSeen()) > first, 'beat again within 450 ms (the default is 5 s)');
      // A peer (without a session lock, as an older Dispatch) last heard 3 s ago: gone with a 1 s window, listed with the default 15 s.
      await pool.query(`INSERT INTO bridges (id, url, started_at, last_seen_at) VALUES ('quiet-peer', null, 0, (extract(epoch from clock_timestamp()) * 1000)::bigint - 3000)`);
      const body = (await (await fetch(`${bridge.bridge.url}/healthz`)).json()) as { bridges: { id: string }[] };
      assert.deepEqual(body.bridges.map((seen) => seen.id), [bridge.bridge.cluster.bridgeId]);
    } finally {
      await bridge.stop();
    }
  });

  it('a bridge started beside a live peer with another beat warns naming the setting and both values, and both /healthz list it', async () => {
    const url = await postgres.cluster().createDatabase();
    const first = await startLiveBridge({ repos: [], withRunner: false, env: { DISPATCH_DATABASE_URL: url } });
    const logger = new RecordingLogger();
    let second: LiveBridge | undefined;
    try {
      second = await startLiveBridge({ repos: [], withRunner: false, logger, env: { DISPATCH_DATABASE_URL: url, DISPATCH_CLUSTER_BEAT_MS: '1000' } });
      const firstId = first.bridge.cluster.bridgeId;
      const secondId = second.bridge.cluster.bridgeId;
      const warnings = logger.lines.filter((line) => line.level === 'warn' && line.message.includes('DISPATCH_CLUSTER_BEAT_MS'));
      assert.equal(warnings.length, 1, `one warning, got ${JSON.stringify(logger.lines.filter((line) => line.level === 'warn'))}`);
      assert.match(warnings[0]!.message, new RegExp(`^DISPATCH_CLUSTER_BEAT_MS is 1000 ms on this bridge but 5000 ms on bridge ${firstId}: give every bridge the same value`));
      assert.equal(logger.lines.filter((line) => line.level === 'warn' && /ms on this bridge but/.test(line.message)).length, 1, 'the settings that agree are not warned about');
      const seenBySecond = await healthOf(second);
      assert.deepEqual(seenBySecond.timingMismatches, [{ setting: 'DISPATCH_CLUSTER_BEAT_MS', here: 1000, peer: 5000, bridgeId: firstId }]);
      assert.equal(seenBySecond.ok, true, 'a mismatch is reported, not a failure that takes the bridge out of a load balancer');
      assert.deepEqual((await healthOf(first)).timingMismatches, [{ setting: 'DISPATCH_CLUSTER_BEAT_MS', here: 5000, peer: 1000, bridgeId: secondId }], 'the peer that was there first sees it too');
    } finally {
      await second?.stop();
      await first.stop();
    }
  });

  it('bridges with the same timings say nothing about them, and /healthz lists no mismatch', async () => {
    const url = await postgres.cluster().createDatabase();
    const env = { DISPATCH_DATABASE_URL: url, DISPATCH_NOTIFY_LEASE_MS: '9000' };
    const first = await startLiveBridge({ repos: [], withRunner: false, env });
    const logger = new RecordingLogger();
    let second: LiveBridge | undefined;
    try {
      second = await startLiveBridge({ repos: [], withRunner: false, logger, env });
      assert.deepEqual(logger.lines.filter((line) => /ms on this bridge but/.test(line.message)), []);
      const health = await healthOf(second);
      assert.deepEqual(health.timingMismatches, []);
      const pool = (second.bridge.store as unknown as { pool: import('pg').Pool }).pool;
      const { rows } = await pool.query('SELECT timings FROM bridges WHERE id = $1', [first.bridge.cluster.bridgeId]);
      assert.equal(rows[0].timings.DISPATCH_NOTIFY_LEASE_MS, 9000, 'each bridge records its timings in its row');
    } finally {
      await second?.stop();
      await first.stop();
    }
  });

  it('a bad value stops `dispatch bridge` at once with a message naming it, and nothing is created', async () => {
    const url = await postgres.cluster().createDatabase();
    const parent = mkdtempSync(join(tmpdir(), 'dispatch-timings-'));
    const home = join(parent, 'home');
    try {
      const cases: [Record<string, string>, RegExp][] = [
        [{ DISPATCH_CLUSTER_BEAT_MS: 'fast' }, /DISPATCH_CLUSTER_BEAT_MS: must be a number/],
        [{ DISPATCH_NOTIFY_LEASE_MS: '2.5' }, /DISPATCH_NOTIFY_LEASE_MS: must be a whole number of milliseconds/],
        [{ DISPATCH_MACHINE_SWEEP_MS: '0' }, /DISPATCH_MACHINE_SWEEP_MS: must be at least 50 ms/],
        [{ DISPATCH_CLUSTER_BEAT_MS: '10000' }, /DISPATCH_CLUSTER_STALE_MS: must be at least twice DISPATCH_CLUSTER_BEAT_MS \(10000 ms\)/],
        [{ DISPATCH_NOTIFY_LEASE_MS: '6000', DISPATCH_NOTIFY_RENEW_MS: '4000' }, /DISPATCH_NOTIFY_RENEW_MS: must be at most half of DISPATCH_NOTIFY_LEASE_MS \(6000 ms\)/],
      ];
      for (const [bad, message] of cases) {
        const result = await dispatchBridge({ DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_DATABASE_URL: url, ...bad });
        assert.equal(result.code, 2, `${JSON.stringify(bad)}: exits`);
        assert.match(result.err, /^dispatch bridge: Invalid configuration — /);
        assert.match(result.err, message);
        assert.equal(result.out, '', 'nothing served');
      }
      assert.equal(existsSync(home), false, 'no bridge folder, secrets or SQLite file');
      const tables = await postgres.cluster().sql("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'", [], url.split('/').pop()!);
      assert.equal(Number(tables.rows[0].n), 0, 'no migration ran');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
