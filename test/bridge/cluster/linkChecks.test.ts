import assert from 'node:assert/strict';
import { LinkChecks } from '../../../bridge/linkChecks.js';
import { PgStore } from '../../../bridge/store/pg/pgStore.js';
import { silentLogger } from '../../../shared/logger.js';
import { usePostgres } from '../../helpers/postgres.js';

describe('link checks of links that tick together (issue #17)', function () {
  this.timeout(60_000);
  const postgres = usePostgres();

  it('take turns two at a time, check each machine once per wave, and still close a revoked one', async () => {
    const store = await PgStore.open(await postgres.cluster().createDatabase());
    try {
      const ids = Array.from({ length: 60 }, (_, i) => `m${i}`);
      for (const id of ids) await store.upsertMachine({ id, name: id, platform: 'linux', agent: 'builtin', repos: [], lastSeenAt: 1 });
      await store.credentials.issue('m7', 'hash-of-m7', 1);
      await store.credentials.revoke('m7', 2);
      // What the pool sees: how many checks write at once.
      let inFlight = 0;
      let most = 0;
      const touch = store.touchMachine.bind(store);
      store.touchMachine = async (id, at) => {
        most = Math.max(most, ++inFlight);
        try {
          await touch(id, at);
        } finally {
          inFlight -= 1;
        }
      };
      const checks = new LinkChecks({ store, clock: { now: () => 1_000 }, logger: silentLogger });
      const revoked: string[] = [];
      let closedLink = false;
      for (let wave = 0; wave < 2; wave += 1) {
        for (const id of ids) checks.check(id, { live: () => !(id === 'm9' && closedLink), revoked: () => revoked.push(id) });
        closedLink = true; // m9's link closes before its check runs
      }
      const deadline = Date.now() + 20_000;
      while ((await store.listMachines()).filter((machine) => machine.lastSeenAt === 1_000).length < ids.length - 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.ok(most <= 2, `at most two at once, saw ${most}`);
      assert.deepEqual(revoked, ['m7'], 'the revoked machine is told once, queued twice');
      const seen = new Map((await store.listMachines()).map((machine) => [machine.id, machine.lastSeenAt]));
      assert.equal(seen.get('m9'), 1, 'a link closed while waiting is not checked');
      assert.equal([...seen.values()].filter((at) => at === 1_000).length, ids.length - 1, 'every other machine was checked');
    } finally {
      await store.close();
    }
  });
});
