/**
 * Records how every labelled list routes (route, forced, reason, repository hint) and
 * compares a later run with the record, so that a change made for speed alone can be shown
 * to route every message exactly as before. Unseen lists are left out: their messages are
 * never routed here.
 *
 *   tsx bench/routingSnapshot.ts save FILE      record the decisions
 *   tsx bench/routingSnapshot.ts check FILE     compare with the record; exit 1 on a difference
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { route } from '../shared/routing/route.js';
import { UNSEEN, knownLists } from './routingEval.js';

async function decisions(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, load] of await knownLists()) {
    if (UNSEEN.has(name)) continue;
    let messages;
    try {
      messages = load();
    } catch {
      continue;
    }
    out[name] = messages.map((m) => {
      const d = route(m.text, m.context);
      return `${d.route}|${d.forced}|${d.reason}|${d.repoHint ?? ''}`;
    });
  }
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
    list.forEach((decision, i) => {
      total++;
      if (before[name]?.[i] !== decision) differences++;
    });
  }
  console.log(`${total} decisions, ${differences} different from the record`);
  if (differences > 0) process.exit(1);
}
