import { pathToFileURL } from 'node:url';
import { silentLogger } from '../shared/logger.js';
import { route } from '../shared/routing/route.js';
import { ModelRouter } from '../bridge/modelRouter.js';
import { FakeMessagesApi } from '../test/helpers/fakeAnthropic.js';
import { fmt, percentile } from './stats.js';

const ROUNDS = 200;
const MESSAGES = [
  'find where we compute shipping costs and add the handling fee',
  'swap moment for date-fns in the web app',
  'draft a polite email declining the meeting on friday',
  'which tests are slowest?',
  'summarize the Kubernetes release blog',
];
const context = { repos: [{ name: 'shop', vocabulary: { terms: ['moment', 'date-fns', 'shipping'] } }, { name: 'notes' }] };

async function timeDecisions(router: ModelRouter, rounds: number): Promise<{ samples: number[]; byModel: number }> {
  const samples: number[] = [];
  let byModel = 0;
  for (let i = 0; i < rounds; i++) {
    const text = MESSAGES[i % MESSAGES.length]!;
    const started = performance.now();
    const verdict = await router.decide(text, route(text, context), context);
    samples.push(performance.now() - started);
    if (verdict.decidedBy === 'model') byModel++;
  }
  return { samples, byModel };
}

/**
 * The model routing path against a local fake of the Messages API: the time a decision
 * takes through the real SDK when the model answers at once (the bridge's own overhead:
 * SDK, HTTP, parsing), and when it stalls (the fallback's time budget).
 */
export async function benchModelRouting(): Promise<void> {
  const answering = await FakeMessagesApi.start(() => ({ text: '{"route":"code","reason":"changes the shop\'s code","repo":"shop"}' }));
  const stalling = await FakeMessagesApi.start(() => ({ stall: true }));
  try {
    const fast = new ModelRouter({ apiKey: 'sk-bench', baseURL: answering.url, model: 'claude-haiku-4-5' }, silentLogger);
    await timeDecisions(fast, 20); // warm-up: connections, JIT
    const answered = await timeDecisions(fast, ROUNDS);
    console.log(
      `model path (fake answers at once): p50 ${fmt(percentile(answered.samples, 50), 2)} ms, p99 ${fmt(percentile(answered.samples, 99), 2)} ms (${ROUNDS} decisions, ${answered.byModel} by the model)`,
    );
    const timeoutMs = 200;
    const slow = new ModelRouter({ apiKey: 'sk-bench', baseURL: stalling.url, model: 'claude-haiku-4-5', timeoutMs }, silentLogger);
    const stalled = await timeDecisions(slow, 10);
    console.log(
      `model path (fake stalls, timeout ${timeoutMs} ms): p50 ${fmt(percentile(stalled.samples, 50), 1)} ms, p99 ${fmt(percentile(stalled.samples, 99), 1)} ms (${stalled.samples.length - stalled.byModel}/${stalled.samples.length} decided locally)`,
    );
  } finally {
    await answering.close();
    await stalling.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchModelRouting();
}
