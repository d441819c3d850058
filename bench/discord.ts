import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { DiscordTransport } from '../bridge/transports/discord/discordTransport.js';
import { silentLogger } from '../shared/logger.js';
import { FakeDiscord } from '../test/helpers/fakeDiscord.js';
import { BENCH_MESSAGES, SAMPLES, WARM_UP, benchBridgeWith } from './chatBench.js';
import { fmt, percentile } from './stats.js';

/**
 * Time from a Discord DM arriving at the fake (the MESSAGE_CREATE written to the gateway
 * WebSocket) to the first message POST the fake receives, through real discord.js, the
 * real dispatcher and the SQLite store: a `help` command and a Cowork answer (no runner needed).
 */
export async function benchDiscord(): Promise<void> {
  const fake = await FakeDiscord.start();
  const transport = new DiscordTransport({ token: 'bench-discord-token', apiUrl: fake.apiUrl, logger: silentLogger });
  const bench = await benchBridgeWith(transport);
  const users = Array.from({ length: 7 }, (_, i) => fake.user(`bench${i}`));
  const posts = () => fake.callsTo('POST', /^\/channels\/\d+\/messages$/);
  try {
    for (const [label, text] of BENCH_MESSAGES) {
      const latencies: number[] = [];
      for (let i = 0; i < WARM_UP + SAMPLES; i += 1) {
        const before = posts().length;
        const sentAt = performance.now();
        const dm = fake.dm(users[i % users.length]!, text);
        await fake.waitFor(() => posts().length > before, 'the reply');
        const reply = posts()[before]!;
        if (reply.body.message_reference?.message_id !== dm.id) throw new Error('the first POST was not the reply to this DM');
        if (i >= WARM_UP) latencies.push(reply.at - sentAt);
      }
      console.log(`discord: DM at the fake → first message POST (${label}) p50 ${fmt(percentile(latencies, 50), 1)} ms, p95 ${fmt(percentile(latencies, 95), 1)} ms over ${SAMPLES} (target p50 ≤ 50 ms)`);
    }
  } finally {
    await bench.stop();
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchDiscord();
