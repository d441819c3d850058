import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PgLeaderLease } from '../../../bridge/cluster/leaderLease.js';
import { DiscordTransport } from '../../../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../../../shared/logger.js';
import { terminateSessions } from '../../helpers/clusterTables.js';
import { FakeDiscord } from '../../helpers/fakeDiscord.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { RecordingHandler } from '../../helpers/recordingHandler.js';
import { TOKEN } from '../transports/discord/discordHarness.js';

const LEASE = 'dispatch:discord-gateway';
const RETRY_MS = 250;

/** Samples the fake's open gateway connections every 5 ms; `max` is the most seen at once. */
function watchSockets(fake: FakeDiscord) {
  const watch = { max: 0, timer: setInterval(() => (watch.max = Math.max(watch.max, fake.openSockets)), 5) };
  return { get max() { return watch.max; }, stop: () => clearInterval(watch.timer) };
}

async function until(test: () => boolean, what: string, ms = 10_000): Promise<number> {
  const started = performance.now();
  while (!test()) {
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return Math.round(performance.now() - started);
}

describe('the Discord gateway across bridges', function () {
  this.timeout(60_000);
  let server: PostgresServer | undefined;
  let url: string;
  let fake: FakeDiscord;
  /** `retryMs` 0: the lease's default (2 s). */
  const bridge = (name: string, retryMs = RETRY_MS) => {
    const handler = new RecordingHandler();
    const lease = new PgLeaderLease({ connectionString: url, name: LEASE, ...(retryMs ? { retryMs } : {}), applicationName: `${name}:lease` });
    return { handler, transport: new DiscordTransport({ token: TOKEN, apiUrl: fake.apiUrl, logger: silentLogger, gatewayLease: lease }) };
  };

  before(async function () {
    if (postgresMissing()) return this.skip();
    server = await startPostgres();
  });
  after(async () => server?.stop());
  beforeEach(async () => {
    url = await server!.createDatabase();
    fake = await FakeDiscord.start();
  });
  afterEach(async () => fake.close());

  it('of two bridges only the lease holder logs in; a DM reaches it alone, and the other still posts through REST', async () => {
    const a = bridge('bridge-a');
    const b = bridge('bridge-b');
    const sockets = watchSockets(fake);
    try {
      await a.transport.start(a.handler);
      await b.transport.start(b.handler);
      assert.equal(a.transport.holdsGateway, true);
      assert.equal(b.transport.holdsGateway, false);
      await new Promise((resolve) => setTimeout(resolve, 3 * RETRY_MS));
      assert.equal(fake.identifies.length, 1, 'one IDENTIFY: one gateway session for the token');
      assert.equal(sockets.max, 1);

      const alice = fake.user('alice');
      fake.dm(alice, 'run the tests in web');
      await a.handler.waitFor(() => a.handler.messages.length === 1, 'the DM at the holder');
      assert.equal(b.handler.messages.length, 0);

      const posted = await b.transport.post({ platform: 'discord', channelId: fake.channelId, threadId: fake.channelId }, { text: 'told by the standby bridge' });
      assert.match(JSON.stringify(fake.messages.get(posted.messageId)), /told by the standby bridge/);
    } finally {
      sockets.stop();
      await a.transport.stop();
      await b.transport.stop();
    }
  });

  it('when the holder’s database session is killed it closes its gateway and the other bridge logs in', async function () {
    const a = bridge('bridge-a');
    const b = bridge('bridge-b');
    const sockets = watchSockets(fake);
    try {
      await a.transport.start(a.handler);
      await b.transport.start(b.handler);
      const started = performance.now();
      assert.equal(await terminateSessions(url, 'bridge-a:lease'), 1);
      await until(() => b.transport.holdsGateway && fake.openSockets === 1 && !a.transport.holdsGateway, 'bridge B on the gateway');
      const ms = Math.round(performance.now() - started);
      this.test!.title += ` (takeover ${ms} ms, retry ${RETRY_MS} ms)`;
      assert.equal(sockets.max, 1, 'never two gateway sessions at once');
      assert.equal(fake.identifies.length, 2);

      const bob = fake.user('bob');
      fake.dm(bob, 'lint the api repo');
      await b.handler.waitFor(() => b.handler.messages.length === 1, 'the DM at the new holder');
      assert.equal(a.handler.messages.length, 0);
      assert.ok(ms < 3_000, `takeover took ${ms} ms`);
    } finally {
      sockets.stop();
      await a.transport.stop();
      await b.transport.stop();
    }
  });

  it('after kill -9 of the bridge process holding the gateway, the other bridge (default retry, 2 s) holds it within seconds', async function () {
    const script = fileURLToPath(new URL('../../helpers/discordGatewayHolder.ts', import.meta.url));
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, url, fake.apiUrl, TOKEN], { stdio: ['ignore', 'pipe', 'inherit'] });
    const b = bridge('bridge-b', 0);
    try {
      const lines = createInterface({ input: child.stdout! });
      const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => { throw new Error('the holder process exited early'); })])) as [string];
      assert.deepEqual(JSON.parse(line), { holding: true, pid: child.pid });
      await b.transport.start(b.handler);
      assert.equal(b.transport.holdsGateway, false, 'the child holds the gateway');
      assert.equal(fake.openSockets, 1);

      const killedAt = performance.now();
      child.kill('SIGKILL');
      await until(() => b.transport.holdsGateway && fake.openSockets === 1, 'bridge B on the gateway after the kill');
      const ms = Math.round(performance.now() - killedAt);
      this.test!.title += ` (takeover ${ms} ms)`;
      assert.equal(fake.identifies.length, 2);
      const carol = fake.user('carol');
      fake.dm(carol, 'what is running');
      await b.handler.waitFor(() => b.handler.messages.length === 1, 'the DM at the survivor');
      assert.ok(ms < 5_000, `takeover took ${ms} ms`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await b.transport.stop();
    }
  });
});
