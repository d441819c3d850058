import assert from 'node:assert/strict';
import pg from 'pg';
import { PgEventOnce } from '../../../bridge/cluster/eventOnce.js';
import { SlackTransport } from '../../../bridge/transports/slack/slackTransport.js';
import { silentLogger } from '../../../shared/logger.js';
import { createClusterTables } from '../../helpers/clusterTables.js';
import { FakeSlack } from '../../helpers/fakeSlack.js';
import { postgresMissing, startPostgres, type PostgresServer } from '../../helpers/postgres.js';
import { RecordingHandler } from '../../helpers/recordingHandler.js';
import { APP_TOKEN, BOT_TOKEN } from '../transports/slack/slackHarness.js';

/**
 * Two bridges, each with its own Socket Mode connection (here: its own fake Slack end),
 * sharing one PostgreSQL. One RecordingHandler stands for "the dispatchers of both
 * bridges": what it records is what the team's bot did.
 */
describe('a Slack event is handled once across bridges', function () {
  this.timeout(40_000);
  let server: PostgresServer | undefined;
  let url: string;
  let pools: pg.Pool[];
  let bridges: { fake: FakeSlack; transport: SlackTransport; once: PgEventOnce }[];
  let handler: RecordingHandler;

  before(async function () {
    if (postgresMissing()) return this.skip();
    server = await startPostgres();
  });
  after(async () => server?.stop());

  beforeEach(async () => {
    url = await server!.createDatabase();
    await createClusterTables(url);
    handler = new RecordingHandler();
    pools = [];
    bridges = [];
    for (const name of ['bridge-a', 'bridge-b']) {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      pools.push(pool);
      const fake = await FakeSlack.start();
      const once = new PgEventOnce({ pool, bridgeId: name });
      const transport = new SlackTransport({ botToken: BOT_TOKEN, appToken: APP_TOKEN, apiUrl: fake.url, httpPort: 0, logger: silentLogger, socketPingTimeoutMs: 500, eventOnce: once });
      await transport.start(handler);
      bridges.push({ fake, transport, once });
    }
  });

  afterEach(async () => {
    for (const bridge of bridges) {
      await bridge.transport.stop();
      await bridge.fake.close();
    }
    for (const pool of pools) await pool.end();
  });

  it('20 DMs each delivered to both bridges at the same moment reach the dispatcher once each, and every delivery is acknowledged', async () => {
    const [a, b] = bridges as [(typeof bridges)[0], (typeof bridges)[0]];
    const envelopes: [FakeSlack, string][] = [];
    for (let n = 0; n < 20; n += 1) {
      const { body } = a.fake.dmEvent('U1ALICE', `task number ${n}`);
      envelopes.push([a.fake, a.fake.deliver('events_api', body, `env-a-${n}`)]);
      envelopes.push([b.fake, b.fake.deliver('events_api', structuredClone(body), `env-b-${n}`)]);
    }
    for (const [fake, envelopeId] of envelopes) await fake.waitForAck(envelopeId);
    await handler.waitFor(() => handler.messages.length >= 20, '20 messages');
    // Give a duplicate every chance to show up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const texts = handler.messages.map((message) => message.text).sort();
    assert.deepEqual(texts, Array.from({ length: 20 }, (_, n) => `task number ${n}`).sort());
    const handledBy = await pools[0]!.query<{ bridge_id: string; n: string }>("SELECT bridge_id, count(*) AS n FROM chat_events_seen WHERE event_id LIKE 'event:%' GROUP BY bridge_id");
    assert.equal(handledBy.rows.reduce((sum, row) => sum + Number(row.n), 0), 20, 'one claim per event id');
  });

  it('a retry of an event to the other bridge, after the first handled it, is acknowledged and dropped', async () => {
    const [a, b] = bridges as [(typeof bridges)[0], (typeof bridges)[0]];
    const { body } = a.fake.dmEvent('U1ALICE', 'bump axios in the backend');
    a.fake.deliver('events_api', body, 'env-first');
    await handler.waitFor(() => handler.messages.length === 1, 'the first delivery');
    const retry = b.fake.deliver('events_api', structuredClone(body), 'env-retry');
    await b.fake.waitForAck(retry);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(handler.messages.length, 1);
  });

  it('different events on the two bridges are both handled (nothing over-deduplicated)', async () => {
    const [a, b] = bridges as [(typeof bridges)[0], (typeof bridges)[0]];
    a.fake.dm('U1ALICE', 'run the tests in web');
    // The second fake's counters start where the first's did: its envelope and event ids repeat the first's.
    const { body } = a.fake.dmEvent('U2BOB', 'lint the api repo');
    b.fake.deliver('events_api', body, 'env-bob');
    await handler.waitFor(() => handler.messages.length === 2, 'both messages');
    assert.deepEqual(handler.messages.map((message) => message.user.userId).sort(), ['U1ALICE', 'U2BOB']);
  });

  it('a button press delivered to both bridges is answered once', async () => {
    const [a, b] = bridges as [(typeof bridges)[0], (typeof bridges)[0]];
    const posted = await a.transport.post({ platform: 'slack', channelId: 'DU1ALICE', threadId: '1700000000.000001' }, { text: 'Approve?', buttons: [{ label: 'Approve', value: 'approve:1' }] });
    const message = a.fake.messages.find((candidate) => candidate.ts === posted.messageId)!;
    const envelopeA = a.fake.press('U1ALICE', message, 'Approve');
    const delivery = a.fake.deliveries.find((candidate) => candidate.envelopeId === envelopeA)!;
    const envelopeB = b.fake.deliver('interactive', structuredClone(delivery.payload), 'env-press-b');
    await a.fake.waitForAck(envelopeA);
    await b.fake.waitForAck(envelopeB);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(handler.presses.length, 1);
  });

  it('with the database unreachable an event is still handled (at least once), not lost', async () => {
    const [a] = bridges as [(typeof bridges)[0]];
    await pools[0]!.end();
    pools.shift();
    a.fake.dm('U1ALICE', 'are you there');
    await handler.waitFor(() => handler.messages.length === 1, 'the message despite the database');
  });
});
