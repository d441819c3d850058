import { pathToFileURL } from 'node:url';
import { SlackTransport } from '../bridge/transports/slack/slackTransport.js';
import { silentLogger } from '../shared/logger.js';
import { FakeSlack } from '../test/helpers/fakeSlack.js';
import { BENCH_MESSAGES, SAMPLES, WARM_UP, benchBridgeWith } from './chatBench.js';
import { fmt, percentile } from './stats.js';

/**
 * Time from a Slack DM arriving at the fake (the envelope sent on the Socket Mode
 * WebSocket) to the first chat.postMessage the fake receives, through real Bolt, the
 * real dispatcher and the SQLite store: a `help` command and a Cowork answer (no runner needed).
 */
export async function benchSlack(): Promise<void> {
  const fake = await FakeSlack.start();
  const transport = new SlackTransport({ botToken: 'xoxb-bench', appToken: 'xapp-bench', apiUrl: fake.url, httpPort: 0, logger: silentLogger });
  const bench = await benchBridgeWith(transport);
  try {
    for (const [label, text] of BENCH_MESSAGES) {
      const latencies: number[] = [];
      for (let i = 0; i < WARM_UP + SAMPLES; i += 1) {
        const before = fake.callsOf('chat.postMessage').length;
        const { envelopeId } = fake.dm(`UBENCH${i % 7}`, text);
        await fake.waitFor(() => fake.callsOf('chat.postMessage').length > before, 'the reply');
        const sent = fake.deliveries.find((delivery) => delivery.envelopeId === envelopeId)!.sentAt;
        if (i >= WARM_UP) latencies.push(fake.callsOf('chat.postMessage')[before]!.at - sent);
      }
      console.log(`slack: DM at the fake → first chat.postMessage (${label}) p50 ${fmt(percentile(latencies, 50), 1)} ms, p95 ${fmt(percentile(latencies, 95), 1)} ms over ${SAMPLES} (target p50 ≤ 50 ms)`);
    }
  } finally {
    await bench.stop();
    await fake.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchSlack();
