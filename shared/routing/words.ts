/**
 * The words of a folded message, split once: the word signals and the grounding both read
 * the same folded text word by word, so the split of the last text is kept for the next
 * reader instead of being done again.
 */

import { NON_ASCII } from './normalize.js';

const WORD = /[a-z0-9]+/g;
// Letters that folding keeps (Cyrillic, Polish ł, Turkish ı, Japanese, Korean, Chinese) are letters of words too.
const ANY_WORD = /[\p{L}\p{N}]+/gu;
const NO_WORDS: readonly string[] = [];

let lastText: string | undefined;
let lastWords: readonly string[] = NO_WORDS;

/**
 * The runs of letters and digits of a folded text, in order.
 *
 * @param folded - Text folded with `foldText`.
 * @returns The words; shared with other readers, so never to be changed.
 */
export function wordsOf(folded: string): readonly string[] {
  if (folded !== lastText) {
    lastWords = folded.match(NON_ASCII.test(folded) ? ANY_WORD : WORD) ?? NO_WORDS;
    lastText = folded;
  }
  return lastWords;
}
