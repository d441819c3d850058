/**
 * English words, to tell them from technical ones ("kubernetes", "dayjs", "memoize").
 * The list is compiled into a module (see scripts/buildEnglishWords.ts) and decoded into
 * a Set on first use, so that importing the router costs nothing until it asks.
 */

import { ENGLISH_WORDS } from './englishWords.data.js';
import { stems } from './stems.js';

let words: Set<string> | undefined;

// Built on first use: about 0.1 s once per process, then a look-up is a hash probe.
function decode(): Set<string> {
  return new Set(ENGLISH_WORDS.split('\n'));
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
  // Short words are listed as they are: "bus" is not an inflection of "bu".
  if (word.length >= 4) for (const stem of stems(word)) if (words.has(stem)) return true;
  return false;
}
