import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PROTOCOL_VERSION } from '../../shared/protocol/bridgeRunner.js';
import type { RoutingContext } from '../../shared/routing/context.js';
import { MAX_VOCABULARY_TERMS } from '../../shared/routing/context.js';
import { SqliteStore } from '../../bridge/store/sqliteStore.js';
import type { RouteAdvisor } from '../../bridge/modelRouter.js';
import { connectToBridge } from '../../extension/core/link/bridgeClient.js';
import { dispatcherHarness } from '../helpers/bridgeHarness.js';
import { makeRepo, TempDirs } from '../helpers/gitRepos.js';
import { RUNNER_TOKEN, startLiveBridge, type LiveBridge } from '../helpers/liveBridge.js';

const alice = { platform: 'slack' as const, userId: 'UALICE' };

/** Sends raw JSON-RPC requests in order and returns the answers by id. */
async function rawRpc(url: string, frames: { id: number; method: string; params: unknown }[]) {
  const { socket, connection } = await connectToBridge(url, RUNNER_TOKEN);
  connection.dispose();
  const answers = new Map<number, { result?: unknown; error?: { code: number; message: string } }>();
  await new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { id: number; result?: unknown; error?: { code: number; message: string } };
      answers.set(message.id, message);
      const next = frames[answers.size];
      if (next) socket.send(JSON.stringify({ jsonrpc: '2.0', ...next }));
      else resolve();
    });
    socket.send(JSON.stringify({ jsonrpc: '2.0', ...frames[0] }));
  });
  socket.close();
  return answers;
}

const hello = (repos: unknown[]) => ({
  id: 1,
  method: 'machine/hello',
  params: { protocolVersion: PROTOCOL_VERSION, machineId: 'raw-machine', machineName: 'raw', platform: 'linux', agent: 'builtin', repos },
});

describe('repository vocabularies from the runner to the router', function () {
  this.timeout(30_000);
  const temp = new TempDirs();
  let live: LiveBridge | undefined;
  afterEach(async () => {
    await live?.stop();
    live = undefined;
    temp.cleanup();
  });

  function repos() {
    const shop = makeRepo(join(temp.make(), 'shop'), {
      'package.json': JSON.stringify({ name: 'shop', dependencies: { moment: '^2.30.0', 'date-fns': '^3.6.0' }, devDependencies: { vitest: '^1.0.0' } }),
      'shipping/costs.ts': 'export const rate = 1;\n',
    });
    const notes = makeRepo(join(temp.make(), 'notes'), { 'README.md': '# notes\n', 'journal/2024.md': 'x\n' });
    return [
      { name: 'shop', path: shop },
      { name: 'notes', path: notes },
    ];
  }

  it('sends each repository’s vocabulary in the hello, and the bridge keeps it with the machine across a restart', async () => {
    // A generous wait, so that the vocabularies ride in the hello even on a busy machine.
    live = await startLiveBridge({ repos: repos(), vocabulary: { helloWaitMs: 10_000 } });
    const stored = await live.bridge.store.routingRepos(live.machineId);
    assert.deepEqual(stored.map((repo) => repo.name), ['shop', 'notes']);
    const shop = new Set(stored[0]!.vocabulary?.terms);
    for (const term of ['moment', 'date-fns', 'vitest', 'shipping']) assert.ok(shop.has(term), `shop knows ${term}`);
    assert.ok(new Set(stored[1]!.vocabulary?.terms).has('journal'));

    const file = join(live.home, 'bridge.db');
    await live.stopRunner();
    const reopened = new SqliteStore(file);
    try {
      assert.deepEqual(await reopened.routingRepos(live.machineId), stored, 'stored in the SQLite file');
      assert.deepEqual((await reopened.getMachine(live.machineId))?.repos, [{ name: 'shop', default: true }, { name: 'notes', default: false }], 'the machine record itself stays small');
    } finally {
      await reopened.close();
    }
  });

  it('does not hold the hello for a slow build: the link is online first, the vocabulary follows in machine/didUpdateRepos', async () => {
    const built = Date.now() + 1_500;
    const slow = async (path: string) => {
      await sleep(Math.max(0, built - Date.now()));
      return { terms: [path.endsWith('shop') ? 'slow-shop-term' : 'slow-notes-term'] };
    };
    const started = Date.now();
    live = await startLiveBridge({ repos: repos(), vocabulary: { build: slow, helloWaitMs: 100 } });
    assert.ok(Date.now() - started < 1_400, `online after ${Date.now() - started} ms`);
    assert.equal((await live.bridge.store.routingRepos(live.machineId))[0]!.vocabulary, undefined, 'not built yet');
    const deadline = Date.now() + 10_000;
    while (!(await live.bridge.store.routingRepos(live.machineId)).every((repo) => repo.vocabulary) && Date.now() < deadline) await sleep(25);
    assert.deepEqual((await live.bridge.store.routingRepos(live.machineId)).map((repo) => repo.vocabulary?.terms), [['slow-shop-term'], ['slow-notes-term']]);
  });

  it('sends a vocabulary again when a periodic rebuild changed it', async () => {
    let version = 1;
    let builds = 0;
    const build = async () => {
      builds += 1;
      return { terms: [`term-v${version}`] };
    };
    live = await startLiveBridge({ repos: repos().slice(0, 1), vocabulary: { build, refreshMs: 50 } });
    assert.deepEqual((await live.bridge.store.routingRepos(live.machineId))[0]!.vocabulary?.terms, ['term-v1']);
    version = 2;
    const deadline = Date.now() + 10_000;
    while ((await live.bridge.store.routingRepos(live.machineId))[0]!.vocabulary?.terms[0] !== 'term-v2' && Date.now() < deadline) await sleep(25);
    assert.deepEqual((await live.bridge.store.routingRepos(live.machineId))[0]!.vocabulary?.terms, ['term-v2']);
    assert.ok(builds >= 2);
  });

  it('splits many large vocabularies over several messages, below the bridge’s 16 MB frame limit', async function () {
    // ~17.5 MB to build, send and store: minutes on a loaded machine, not a speed test (that is the bench's).
    this.timeout(120_000);
    // 70 repositories × ~250 KB ≈ 17.5 MB: one hello carrying them all would be refused by the socket.
    const many = Array.from({ length: 70 }, (_, i) => ({ name: `repo-${i}`, path: join(temp.make(), `repo-${i}`) }));
    const big = async (path: string) => ({ terms: Array.from({ length: 2_500 }, (_, i) => `${path.slice(-7)}-${String(i).padStart(92, '0')}`) });
    live = await startLiveBridge({ repos: many, vocabulary: { build: big, helloWaitMs: 10_000 } });
    const deadline = Date.now() + 90_000;
    while ((await live.bridge.store.routingRepos(live.machineId)).some((repo) => !repo.vocabulary) && Date.now() < deadline) await sleep(50);
    const stored = await live.bridge.store.routingRepos(live.machineId);
    assert.equal(stored.filter((repo) => repo.vocabulary?.terms.length === 2_500).length, 70);
    assert.equal(live.link.status, 'online', 'the link stayed up');
  });

  it('sends none of a vocabulary the builder made too big, and the others still go', async () => {
    const build = async (path: string) => (path.endsWith('shop') ? { terms: Array.from({ length: MAX_VOCABULARY_TERMS + 1 }, (_, i) => `t${i}`) } : { terms: ['fine'] });
    live = await startLiveBridge({ repos: repos(), vocabulary: { build, helloWaitMs: 10_000 } });
    assert.deepEqual(await live.bridge.store.routingRepos(live.machineId), [{ name: 'shop' }, { name: 'notes', vocabulary: { terms: ['fine'] } }]);
  });

  it('refuses an over-size vocabulary with a clear JSON-RPC error and stores nothing', async () => {
    live = await startLiveBridge({ repos: repos(), withRunner: false });
    const tooMany = { terms: Array.from({ length: MAX_VOCABULARY_TERMS + 1 }, (_, i) => `t${i}`) };
    const tooBig = { terms: Array.from({ length: 3_000 }, (_, i) => `${'x'.repeat(95)}${i}`) };
    const answers = await rawRpc(live.bridge.url, [
      hello([{ name: 'shop', default: true, vocabulary: tooMany }]),
      { ...hello([{ name: 'shop', default: true, vocabulary: tooBig }]), id: 2 },
      { ...hello([{ name: 'shop', default: true, vocabulary: { terms: ['fine'] } }]), id: 3 },
      { id: 4, method: 'machine/didUpdateRepos', params: { repos: [{ name: 'shop', vocabulary: tooBig }] } },
      { id: 5, method: 'machine/didUpdateRepos', params: { repos: [{ name: 'elsewhere', vocabulary: { terms: ['sneaky'] } }] } },
      { id: 6, method: 'machine/didUpdateRepos', params: { repos: [{ name: 'shop', vocabulary: { terms: ['better'] } }] } },
    ]);
    assert.equal(answers.get(1)?.error?.code, -32602);
    assert.match(answers.get(1)?.error?.message ?? '', /^Invalid params for machine\/hello: repos\.0\.vocabulary\.terms: .*20000/);
    assert.match(answers.get(2)?.error?.message ?? '', /repos\.0\.vocabulary: a repository vocabulary holds at most 262144 bytes of terms/);
    assert.ok(answers.get(3)?.result, 'a bounded hello is taken');
    assert.match(answers.get(4)?.error?.message ?? '', /at most 262144 bytes/);
    assert.match(answers.get(5)?.error?.message ?? '', /"elsewhere" is not one of this machine's repositories; nothing was stored/);
    assert.ok(answers.get(6)?.result);
    assert.deepEqual(await live.bridge.store.routingRepos('raw-machine'), [{ name: 'shop', vocabulary: { terms: ['better'] } }]);
  });
});

describe('the dispatcher routes with the default machine’s repositories as context', () => {
  it('gives the router the repositories and vocabularies of the machine the message would run on', async () => {
    const seen: (RoutingContext | undefined)[] = [];
    const spy: RouteAdvisor = {
      async decide(_text, local, context) {
        seen.push(context);
        return { decision: local, decidedBy: 'local' };
      },
    };
    const h = await dispatcherHarness({ advisor: spy });
    try {
      await h.chat.say(alice, 'swap moment for date-fns');
      assert.equal(seen.length, 0, 'before pairing the model is not asked at all (it spends the owner’s key)');
      await h.store.addPairing(alice, 'm1', 0);
      await h.store.saveRepoVocabularies('m1', [{ name: 'api', vocabulary: { terms: ['moment', 'express'] } }], 1);
      await h.chat.say(alice, 'swap moment for date-fns');
      assert.deepEqual(seen[0], { repos: [{ name: 'api', vocabulary: { terms: ['moment', 'express'] } }, { name: 'frontend' }] });
    } finally {
      await h.dispose();
    }
  });
});
