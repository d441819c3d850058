import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Bridge } from '../bridge/bridge.js';
import { loadBridgeEnv } from '../bridge/config.js';
import { SlackTransport } from '../bridge/transports/slack/slackTransport.js';
import { silentLogger } from '../shared/logger.js';
import { FakeSlack } from '../test/helpers/fakeSlack.js';
import { fmt, percentile } from './stats.js';

const WARM_UP = 20;
const SAMPLES = 300;

/**
 * Time from a Slack DM arriving at the fake (the envelope sent on the Socket Mode
 * WebSocket) to the first chat.postMessage the fake receives, through real Bolt, the
 * real dispatcher and the SQLite store: a `help` command and a Cowork answer (no runner needed).
 */
export async function benchSlack(): Promise<void> {
  const fake = await FakeSlack.start();
  const home = mkdtempSync(join(tmpdir(), 'dispatch-bench-slack-'));
  const transport = new SlackTransport({ botToken: 'xoxb-bench', appToken: 'xapp-bench', apiUrl: fake.url, httpPort: 0, logger: silentLogger });
  const bridge = await Bridge.start({
    config: loadBridgeEnv({ DISPATCH_HOME: home, DISPATCH_PORT: '0', DISPATCH_WEB: 'off', DISPATCH_LOG_LEVEL: 'silent' }),
    secrets: { runnerToken: 'bench-runner-token-0123456789', webToken: 'bench-web-token-0123456789abc' },
    logger: silentLogger,
    transports: [transport],
  });
  try {
    for (const [label, text] of [
      ['help command', 'help'],
      ['cowork answer', 'draft a friendly note to the team about friday'],
    ] as const) {
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
    await bridge.stop();
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchSlack();
