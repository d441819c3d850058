/**
 * Instructions per routed message, counted by valgrind's callgrind: a figure that does not
 * move with the load of a shared machine, unlike wall time. Each router is run twice under
 * callgrind, routing the bench's messages (see routing.ts) a few times and many times; the
 * difference, divided by the extra messages, is its cost per message without start-up,
 * module loading and most of the JIT's compiling.
 *
 *   tsx bench/routingInstructions.ts [ROOT …]    each ROOT a checkout (default: this one)
 *
 * Give a checkout of an earlier commit beside this one to compare before and after in one
 * run. Needs valgrind on the PATH.
 */

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { distinctBenchMessages } from './routing.js';

const here = fileURLToPath(import.meta.url);
const repoRoot = path.resolve(path.dirname(here), '..');
const FEW_ROUNDS = 20;
const MANY_ROUNDS = 120;

/** Routes the bench's messages `rounds` times with the router of `root` (the child's side). */
async function routeRounds(root: string, rounds: number): Promise<void> {
  const { route } = (await import(pathToFileURL(path.join(root, 'shared', 'routing', 'route.ts')).href)) as typeof import('../shared/routing/route.js');
  const messages = distinctBenchMessages();
  let sink = 0;
  for (let round = 0; round < rounds; round++) for (const text of messages) if (route(text).route === 'code') sink++;
  if (sink < 0) throw new Error('unreachable');
}

/** Instructions callgrind counted for one child run. */
function countInstructions(root: string, rounds: number): number {
  const result = spawnSync(
    'valgrind',
    // Single-threaded: V8 compiles on the main thread, so when the JIT's work lands no longer
    // depends on how valgrind schedules its threads (two runs of one tree differed 2× without).
    ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', '--import', 'tsx', here, '--child', root, String(rounds)],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const collected = /Collected\s*:\s*(\d+)/.exec(result.stderr);
  if (result.status !== 0 || !collected) throw new Error(`callgrind failed (${result.status}): ${result.stderr.slice(-2000)}`);
  return Number(collected[1]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    await routeRounds(args[1] as string, Number(args[2]));
  } else {
    const roots = args.length > 0 ? args.map((root) => path.resolve(root)) : [repoRoot];
    const perRound = distinctBenchMessages().length;
    for (const root of roots) {
      const few = countInstructions(root, FEW_ROUNDS);
      const many = countInstructions(root, MANY_ROUNDS);
      const perMessage = (many - few) / ((MANY_ROUNDS - FEW_ROUNDS) * perRound);
      console.log(`${root}: ${Math.round(perMessage).toLocaleString('en-US')} instructions/message (callgrind, ${(MANY_ROUNDS - FEW_ROUNDS) * perRound} messages beyond the first ${FEW_ROUNDS * perRound})`);
    }
  }
}
