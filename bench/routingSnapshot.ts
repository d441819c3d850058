/**
 * Records how every labelled list routes (the whole decision: route, forced, reason, task,
 * repository hint; the rules' margin; the learned model's feature buckets and log-odds) and
 * compares a later run with the record, so that a change made for speed alone can be shown
 * to route every message exactly as before. The bench's own messages are recorded too, with
 * and without its repository context. Unseen lists are recorded as one digest each, so that
 * the record never holds or shows their messages.
 *
 *   tsx bench/routingSnapshot.ts save FILE      record the decisions
 *   tsx bench/routingSnapshot.ts check FILE     compare with the record; exit 1 on a difference
 */

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { RoutingContext } from '../shared/routing/context.js';
import { learnedLogOdds } from '../shared/routing/learned.js';
import { MAX_FEATURES, featureBuckets } from '../shared/routing/learnedFeatures.js';
import { route, routeByRules } from '../shared/routing/route.js';
import { benchContext, distinctBenchMessages } from './routing.js';
import { UNSEEN, knownLists } from './routingEval.js';

const buckets = new Int32Array(MAX_FEATURES);

/** Everything the router decides about one message, as one line. */
function decisionLine(text: string, context: RoutingContext | undefined): string {
  const d = route(text, context);
  const trace = routeByRules(text, context);
  let learned = '-';
  if (trace.input) {
    const count = featureBuckets(trace.input.folded, trace.input.original, trace.input.hasCode, buckets);
    learned = `${Array.from(buckets.subarray(0, count)).join(',')}|${learnedLogOdds(trace.input)}`;
  }
  return JSON.stringify([d.route, d.forced, d.reason, d.task, d.repoHint ?? null, trace.margin, trace.decision.route, learned]);
}

const digest = (lines: readonly string[]): string => createHash('sha256').update(lines.join('\n')).digest('hex');

async function decisions(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  const context = benchContext();
  for (const [name, load] of await knownLists()) {
    let messages;
    try {
      messages = load();
    } catch {
      continue;
    }
    const lines = messages.map((m) => decisionLine(m.text, m.context));
    out[name] = UNSEEN.has(name) ? [digest(lines)] : lines;
    // Every list again against a full vocabulary, so that the grounding's look-ups are all recorded.
    const grounded = messages.map((m) => decisionLine(m.text, m.context ?? context));
    out[`${name}@benchContext`] = UNSEEN.has(name) ? [digest(grounded)] : grounded;
  }
  out.bench = distinctBenchMessages().map((text) => decisionLine(text, undefined));
  out.benchContext = distinctBenchMessages().map((text) => decisionLine(text, context));
  return out;
}

const [mode, file] = process.argv.slice(2);
if ((mode !== 'save' && mode !== 'check') || !file) {
  console.error('usage: tsx bench/routingSnapshot.ts save|check FILE');
  process.exit(2);
}
const now = await decisions();
if (mode === 'save') {
  writeFileSync(file, JSON.stringify(now));
  console.log(`recorded ${Object.values(now).reduce((n, list) => n + list.length, 0)} decisions`);
} else {
  const before = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string[]>;
  let differences = 0;
  let total = 0;
  for (const [name, list] of Object.entries(now)) {
    if (before[name]?.length !== list.length) console.log(`${name}: ${list.length} decisions, ${before[name]?.length ?? 0} recorded`);
    list.forEach((decision, i) => {
      total++;
      if (before[name]?.[i] !== decision) differences++;
    });
  }
  console.log(`${total} decisions, ${differences} different from the record`);
  if (differences > 0) process.exit(1);
}
