/**
 * "Would you mind opening a Code session and bumping lodash?" asks in gerunds; the task the
 * session runs should read as the instruction the person meant ("bump lodash"), since the
 * task is what the agent is told and what the thread shows as the session's title.
 */

import { LEXICON } from './lexicon.js';

const VERB_KINDS: ReadonlySet<string> = new Set(['codeVerb', 'actionVerb', 'coworkVerb']);

// Verbs a task often starts with that the routing lexicon leaves out because they say
// nothing about code ("looking into", "digging into", "trying").
const PLAIN_VERBS: ReadonlySet<string> = new Set(['look', 'dig', 'try', 'take', 'get', 'give', 'go', 'see', 'figure', 'put', 'help', 'let']);

function isKnownVerb(word: string): boolean {
  if (PLAIN_VERBS.has(word)) return true;
  const term = LEXICON.words.get(word);
  return term !== undefined && VERB_KINDS.has(term.kind);
}

/**
 * The base form of an English gerund, when it is a verb the router knows: "bumping" → "bump",
 * "updating" → "update", "running" → "run". Any other word gives undefined.
 */
export function baseOfGerund(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (lower.length < 5 || !lower.endsWith('ing')) return undefined;
  const stem = lower.slice(0, -3);
  // English spelling drops a final e (make → making) and doubles a final consonant (run → running).
  const candidates = [stem];
  if (stem.length > 2 && stem.at(-1) === stem.at(-2)) candidates.push(stem.slice(0, -1));
  candidates.push(`${stem}e`);
  return candidates.find(isKnownVerb);
}

const SUBJECT_FOLLOWS = /^\s+(?:is|isn't|are|aren't|was|wasn't|were|has|hasn't|have|had|seems|keeps|fails|failed|broke|breaks|takes|took|does|doesn't|did|didn't|still|never|always|now)\b/i;

/**
 * The task with its leading gerund turned into the instruction, keeping the rest as written
 * ("bumping lodash to 4.17.21" → "bump lodash to 4.17.21"). A task that does not start with
 * a known verb's gerund is returned as it is.
 */
export function taskFromGerund(task: string): string {
  const first = /^[A-Za-z]+/.exec(task);
  // "testing is broken again": the gerund is the subject of a sentence, not the instruction.
  if (!first || SUBJECT_FOLLOWS.test(task.slice(first[0].length))) return task;
  const base = baseOfGerund(first[0]);
  if (!base) return task;
  const capital = first[0][0] !== first[0][0]!.toLowerCase();
  return (capital ? base[0]!.toUpperCase() + base.slice(1) : base) + task.slice(first[0].length);
}
