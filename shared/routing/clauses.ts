/**
 * Run-on messages, as voice dictation and fast typing produce them ("ok so um the login
 * page is slow and then like it just spins so can you look into that"): the request sits
 * in one clause, diluted by the others. The message is split at the fillers and
 * connectors people speak with, and at punctuation, so that each clause can be weighed
 * on its own.
 */

// Fillers and connectors of speech in the five languages, and punctuation.
const CLAUSE_BREAK =
  /[,.;!?\n]|\b(?:so|um+|uh+|and then|then|but|also|like|anyway|basically|you know|i mean|alors|euh|donc|et puis|puis|du coup|entao|tipo|ai|pues|o sea|y luego|luego|bueno|dann|und dann|ahm|aber|halt)\b/;
const MIN_CLAUSE_WORDS = 3;
/** Messages shorter than this are one clause: splitting them says nothing new. */
export const MIN_RUN_ON_WORDS = 12;
const MAX_CLAUSES = 8;

/**
 * The clauses of a run-on message worth weighing on their own.
 *
 * @param folded - The message folded for word matching.
 * @returns The clauses of at least a few words (none when the message is one clause).
 */
export function runOnClauses(folded: string): string[] {
  const clauses: string[] = [];
  for (const part of folded.split(CLAUSE_BREAK)) {
    if (clauses.length >= MAX_CLAUSES) break;
    const clause = part.trim();
    if (wordsIn(clause) >= MIN_CLAUSE_WORDS) clauses.push(clause);
  }
  return clauses.length >= 2 ? clauses : [];
}

function wordsIn(text: string): number {
  let count = text.length > 0 ? 1 : 0;
  for (let at = text.indexOf(' '); at !== -1; at = text.indexOf(' ', at + 1)) count++;
  return count;
}
