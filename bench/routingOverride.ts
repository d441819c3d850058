/**
 * Times the "open a Code session" detector on its own dev list and on 100 KB inputs made of
 * the phrase's parts, where a pattern that backtracks would blow up. Prints figures only.
 *
 *   tsx bench/routingOverride.ts
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeChatText } from '../shared/routing/normalize.js';
import { detectOverride } from '../shared/routing/override.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const listFile = path.resolve(here, '..', 'test', 'shared', 'eval', 'forcedDev.jsonl');
const messages = readFileSync(listFile, 'utf8')
  .split('\n')
  .filter((line) => line.trim().length > 0)
  .map((line) => (JSON.parse(line) as { text: string }).text);

const detect = (text: string): void => {
  const n = normalizeChatText(text);
  detectOverride(n.text, n.masked);
};

const rounds = 200;
for (const m of messages) detect(m);
let started = process.hrtime.bigint();
for (let r = 0; r < rounds; r++) for (const m of messages) detect(m);
const perMessage = Number(process.hrtime.bigint() - started) / 1000 / (rounds * messages.length);
console.log(`override on ${messages.length} dev messages: ${perMessage.toFixed(2)} µs a message (with normalisation)`);

const hostile: ReadonlyArray<readonly [string, string]> = [
  ['questions about the phrase', 'how do I open a code session '.repeat(3_500)],
  ['bare session phrases', 'code session '.repeat(8_000)],
  ['headings', 'code session: '.repeat(7_200)],
  ['determiners without a phrase', 'open a a a a a '.repeat(7_000)],
  ['Spanish phrases', 'sesión de código '.repeat(6_000)],
  ['German phrases, verb last', 'eine Code-Session starten '.repeat(4_000)],
  ['punctuation between phrases', 'code session......... '.repeat(4_500)],
];
for (const [name, text] of hostile) {
  started = process.hrtime.bigint();
  detect(text);
  console.log(`100 KB of ${name} (${(text.length / 1024).toFixed(0)} KB): ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`);
}
