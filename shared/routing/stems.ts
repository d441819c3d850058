/**
 * Regular English inflections, undone: the forms a word may come from ("parties" → "party",
 * "tagged" → "tag", "running" → "run"). Used to look words up in the lexicon and the word list.
 */

/**
 * Candidate stems of a lowercase word, most likely first.
 *
 * @param word - A folded, lowercase word.
 * @returns The candidates (none for a word with no regular ending).
 */
export function stems(word: string): string[] {
  const out: string[] = [];
  if (word.endsWith('ies')) out.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('s')) out.push(word.slice(0, -1));
  if (word.endsWith('es')) out.push(word.slice(0, -2));
  if (word.endsWith('ed')) out.push(word.slice(0, -1), word.slice(0, -2), undouble(word.slice(0, -2)));
  if (word.endsWith('ing')) out.push(word.slice(0, -3), `${word.slice(0, -3)}e`, undouble(word.slice(0, -3)));
  return out;
}

/** "runn" → "run", "debugg" → "debug". */
function undouble(stem: string): string {
  const n = stem.length;
  return n > 2 && stem[n - 1] === stem[n - 2] ? stem.slice(0, -1) : stem;
}
