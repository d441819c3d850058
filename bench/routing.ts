import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { RoutingContext } from '../shared/routing/context.js';
import { MAX_VOCABULARY_TERMS } from '../shared/routing/context.js';
import { route } from '../shared/routing/route.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samplePath = path.resolve(repoRoot, '..', 'shared', 'eval', 'routing-sample.jsonl');
const CORPUS_SIZE = 50_000;
const WARM_UP_ROUNDS = 2;

// Chat-shaped messages of every kind the router sees, mixed with the eval sample.
const OWN_MESSAGES: readonly string[] = [
  '<@U024BE7LH> fix the flaky checkout test in the frontend repo',
  'bump axios to 1.7.2 on the payments-service repo',
  'open a Code session and draft the board memo',
  "don't open a code session, just tell me what a monorepo is",
  'how do I open a Code session?',
  'summarize <https://docs.example.com/spec|the spec> for me :pray:',
  'calculate the running total in column G',
  'draft an email to the client about the delay',
  "TypeError: Cannot read properties of undefined (reading 'map')\n    at UserList (src/components/UserList.tsx:23:19)",
  'why does `npm ci` fail on the runner but not locally',
  'corrige le bug dans le module de paiement',
  'ejecuta las pruebas',
  'führe die Tests aus',
  'fasse diesen Artikel zusammen',
  'review the diff on branch fix/session-timeout',
  'what is the difference between TCP and UDP?',
  'write a LinkedIn post about our launch 🚀',
  'the build on main is failing since yesterday, can you take a look',
  'Traceback (most recent call last):\n  File "app.py", line 12, in <module>\nKeyError: \'user\'',
  'make a table of the top five project management tools',
];

/** The distinct messages of the bench's corpus: chat-shaped messages of our own and the eval sample. */
export function distinctBenchMessages(): string[] {
  const messages = [...OWN_MESSAGES];
  if (existsSync(samplePath)) {
    for (const line of readFileSync(samplePath, 'utf8').split('\n')) {
      if (line.trim()) messages.push((JSON.parse(line) as { text: string }).text);
    }
  }
  return messages;
}

function loadCorpus(): string[] {
  const messages = distinctBenchMessages();
  return Array.from({ length: CORPUS_SIZE }, (_, i) => messages[i % messages.length] ?? '');
}

/** A machine with three repositories, one with a full vocabulary (dependency-like names,
 * folders, compound identifiers), as a runner would send it. */
export function benchContext(): RoutingContext {
  const parts = ['order', 'invoice', 'shipping', 'cart', 'user', 'account', 'price', 'tax', 'report', 'session', 'token', 'payment', 'refund', 'coupon', 'stock'];
  const verbs = ['compute', 'get', 'set', 'load', 'save', 'build', 'format', 'parse', 'validate', 'send'];
  const terms: string[] = ['moment', 'dayjs', 'react', 'express', 'zod', 'date-fns', 'src', 'lib', 'test', 'shipping', 'payments'];
  for (let i = 0; terms.length < MAX_VOCABULARY_TERMS; i++) {
    terms.push(`${verbs[i % verbs.length]} ${parts[i % parts.length]} ${parts[(i >> 4) % parts.length]}${i >= 2000 ? ` ${i}` : ''}`);
  }
  return { repos: [{ name: 'shop', vocabulary: { terms } }, { name: 'website' }, { name: 'isfail' }] };
}

const MEASURED_PASSES = 5;

/** The least wall time and the least CPU time (µs) of a few passes over the corpus. */
function bestOf(corpus: readonly string[], handle: (text: string) => unknown): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let pass = 0; pass < MEASURED_PASSES; pass++) {
    const cpuStart = process.cpuUsage();
    wall = Math.min(wall, timePass(corpus, handle));
    const used = process.cpuUsage(cpuStart);
    cpu = Math.min(cpu, used.user + used.system);
  }
  return { wall, cpu };
}

function timePass(corpus: readonly string[], handle: (text: string) => unknown): number {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (const text of corpus) if (handle(text)) sink++;
  const nanoseconds = Number(process.hrtime.bigint() - start);
  if (sink < 0) throw new Error('unreachable');
  return nanoseconds;
}

/**
 * Routes a mixed corpus of ~50,000 chat messages (the eval sample and chat-shaped
 * messages of our own) after a warm-up, and prints the time per message (wall and CPU),
 * the same with a full repository context, and the ratio to a trivial
 * lowercase-and-includes pass over the same corpus.
 */
export async function benchRouting(): Promise<void> {
  const corpus = loadCorpus();
  const baselinePass = (text: string): boolean => text.toLowerCase().includes('code');
  const routerPass = (text: string): boolean => route(text).route === 'code';
  const context = benchContext();
  const contextPass = (text: string): boolean => route(text, context).route === 'code';
  for (let round = 0; round < WARM_UP_ROUNDS; round++) {
    timePass(corpus, baselinePass);
    timePass(corpus, routerPass);
    timePass(corpus, contextPass);
  }
  const baseline = timePass(corpus, baselinePass);
  // Best of a few passes: on a shared machine a pass may lose its core for a while, and the
  // least disturbed pass is the nearest to the router's own cost.
  const routerRun = bestOf(corpus, routerPass);
  const contextRun = bestOf(corpus, contextPass);
  const router = routerRun.wall;
  const cpu = routerRun.cpu;
  const withContext = contextRun.wall;
  const contextCpu = contextRun.cpu;
  const perMessageUs = router / corpus.length / 1000;
  const perSecond = Math.round((corpus.length * 1e9) / router);
  const count = corpus.length.toLocaleString('en-US');
  console.log(`router: ${perMessageUs.toFixed(1)} µs/message (best of ${MEASURED_PASSES} passes), ${perSecond.toLocaleString('en-US')} messages/s (${count} messages)`);
  console.log(`router: ${(cpu / corpus.length).toFixed(1)} µs of CPU/message (wall time counts waiting on a busy machine)`);
  console.log(
    `router with a repository context (${MAX_VOCABULARY_TERMS.toLocaleString('en-US')} terms): ${(withContext / corpus.length / 1000).toFixed(1)} µs/message, ${(contextCpu / corpus.length).toFixed(1)} µs of CPU`,
  );
  console.log(
    `baseline: ${(baseline / corpus.length / 1000).toFixed(2)} µs/message; router is ×${Math.round(router / baseline)} of a lowercase+includes pass`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchRouting();
}
