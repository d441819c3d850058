/**
 * English words, to tell them from technical ones ("kubernetes", "dayjs", "memoize").
 * The list is compiled into a module (see scripts/buildEnglishWords.ts) and decoded into
 * a Set on first use, so that importing the router costs nothing until it asks.
 */

import { ENGLISH_WORDS } from './englishWords.data.js';

let words: Set<string> | undefined;

// Built on first use: about 0.1 s once per process, then a look-up is a hash probe.
function decode(): Set<string> {
  return new Set(ENGLISH_WORDS.split('\n'));
}

/**
 * The forms a word may come from by a regular English inflection ("parties" → "party",
 * "tagged" → "tag", "running" → "run").
 *
 * @param word - A lowercase word.
 * @returns Candidate stems, most likely first.
 */
export function englishStems(word: string): string[] {
  const out: string[] = [];
  if (word.length < 4) return out;
  if (word.endsWith('ies')) out.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) out.push(word.slice(0, -2));
  if (word.endsWith('s')) out.push(word.slice(0, -1));
  if (word.endsWith('ed')) out.push(word.slice(0, -1), word.slice(0, -2), undouble(word.slice(0, -2)));
  if (word.endsWith('ing')) out.push(word.slice(0, -3), `${word.slice(0, -3)}e`, undouble(word.slice(0, -3)));
  return out;
}

function undouble(stem: string): string {
  const n = stem.length;
  return n > 2 && stem[n - 1] === stem[n - 2] ? stem.slice(0, -1) : stem;
}

/**
 * Whether a lowercase word is an English word (as listed, or a regular inflection of one).
 *
 * @param word - A folded, lowercase word of letters.
 * @returns True when the word list knows it.
 */
export function isEnglishWord(word: string): boolean {
  words ??= decode();
  if (words.has(word)) return true;
  for (const stem of englishStems(word)) if (words.has(stem)) return true;
  return false;
}
