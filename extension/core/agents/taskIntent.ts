import { parseLiteralCommand } from './literalCommand.js';
import { extractScope } from './intentScope.js';
import { ACTION_WORDS, CODING_VERBS, DEPENDENCY_NOUNS, DEV_WORDS, FAILURE_WORDS, FILLER, PHRASES, UPDATE_VERBS, type CheckAction } from './intentVocabulary.js';
import { parseUpdateRequest, type PackageUpdate } from './updateRequest.js';

export type { CheckAction } from './intentVocabulary.js';
export type { PackageUpdate } from './updateRequest.js';

/** What the builtin agent can do without a model. */
export type BuiltinAction = CheckAction | 'update' | 'ci' | 'review' | 'command';

/** A task understood as builtin work, with where it should run. */
export interface TaskIntent {
  action: BuiltinAction;
  /** Start the worktree from this branch ("on main", "on branch X"). */
  branch?: string;
  /** The repository the task names ("in the frontend repo"); the router resolves it. */
  repo?: string;
  /** `command`: the argument array to run exactly as written. */
  command?: string[];
  /** `update`: the packages and the versions asked for. */
  updates?: PackageUpdate[];
  /** `update` of every dependency ("update the dev dependencies"): within their declared ranges. */
  bulk?: 'dev' | 'all';
}

/** Tokens a chat client or the router leaves in front of the request. */
const PREFIX = /^\s*(?:<@[^>]+>\s*)*(?:(?:please\s+)?open\s+a\s+code\s+session\s+(?:and|to|:|,)?\s*)?/i;

/** Trailing asks to be told the result: the report says it anyway. */
const TELL_ME = new RegExp(
  [
    String.raw`[,;]?\s*\b(?:and\s+)?(?:then\s+)?(?:tell|show|let)\s+me\b.*$`,
    String.raw`[,;]?\s*\band\s+report\b.*$`,
    String.raw`[,;]?\s*\b(?:et\s+)?dis[- ]moi\b.*$`,
    String.raw`[,;]?\s*\b(?:y\s+)?(?:dime|cuentame|avisame)\b.*$`,
    String.raw`[,;]?\s*\b(?:und\s+)?(?:sag|zeig)\s+mir\b.*$`,
  ].join('|'),
  'i',
);

/** More words than this that the parser does not know, and the task is not builtin work. */
const MAX_UNKNOWN_WORDS = 1;
const MAX_TASK_CHARS = 400;

export function normalizeWords(text: string): string[] {
  let flat = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').toLowerCase();
  flat = flat.replace(/[’']/g, ' ').replace(/\btype-check/g, 'typecheck').replace(/[^a-z0-9@/._\s-]+/g, ' ');
  for (const [pattern, word] of PHRASES) flat = flat.replace(pattern, word);
  return flat.split(/[\s]+/).map((word) => word.replace(/^[-._/]+|[-._/]+$/g, '')).filter(Boolean);
}

const ACTION_OF = new Map<string, CheckAction>();
for (const [action, words] of Object.entries(ACTION_WORDS) as [CheckAction, readonly string[]][]) {
  for (const word of words) ACTION_OF.set(word, action);
}

const REVIEW_VERBS = new Set(['review', 'reviews', 'relis', 'relire', 'revisa', 'revisar', 'revise', 'uberprufe', 'uberprufen', 'reviewe']);
const CHANGE_WORDS = new Set(['changes', 'change', 'diff', 'branch', 'pr', 'changements', 'modifications', 'cambios', 'rama', 'anderungen', 'anderung', 'commits']);

/**
 * The builtin work a task asks for, or undefined when it needs a model ("refactor the
 * auth module", "run the tests and then fix whatever fails"). The main request is found
 * whatever stands around it: politeness, "and tell me what fails", questions, scope words.
 */
export function parseTaskIntent(task: string): TaskIntent | undefined {
  if (task.length > MAX_TASK_CHARS) return undefined;
  const text = task.replace(PREFIX, '').trim();
  return parseRequest(text) ?? parseAfterAside(text);
}

/** A short first sentence or clause, up to its stop or comma: "nice.", "sorry,", "changed my mind,". */
const ASIDE = /^([^.!?,;\n]{1,40}?)[.!?,;]+\s+(?=\S)/;
const MAX_ASIDE_WORDS = 3;

/**
 * "nice. bump prettier to 3.10.1 then", "changed my mind, format it after all": what
 * people put before the request in a chat. A first sentence of a few words that asks for no
 * work is set aside and the rest read alone; one that names work ("refactor auth. run the
 * tests") is not, so the whole stays a task for a model.
 */
function parseAfterAside(text: string): TaskIntent | undefined {
  const aside = ASIDE.exec(text);
  if (!aside?.[1]) return undefined;
  const words = normalizeWords(aside[1]);
  if (words.length > MAX_ASIDE_WORDS || words.some((word) => CODING_VERBS.has(word) || ACTION_OF.has(word) || UPDATE_VERBS.has(word))) return undefined;
  return parseTaskIntent(text.slice(aside[0].length));
}

function parseRequest(text: string): TaskIntent | undefined {
  const literal = parseLiteralCommand(text.replace(TELL_ME, '').trim());
  if (literal) return fromLiteral(literal);
  const scope = extractScope(text);
  const where = { ...(scope.branch ? { branch: scope.branch } : {}), ...(scope.repo ? { repo: scope.repo } : {}) };
  const request = scope.rest.replace(TELL_ME, '').trim();
  const updates = parseUpdateRequest(request);
  if (updates) return { action: 'update', updates, ...where };
  const words = normalizeWords(request);
  const bulk = bulkUpdateOf(words);
  if (bulk) return { action: 'update', updates: [], bulk, ...where };
  if (words.some((word) => CODING_VERBS.has(word))) return undefined;
  const action = actionOf(words, Boolean(scope.branch));
  if (!action) return undefined;
  return { action, ...where };
}

function actionOf(words: string[], namesBranch: boolean): BuiltinAction | undefined {
  const changes = namesBranch || words.some((word) => CHANGE_WORDS.has(word));
  if (words.some((word) => REVIEW_VERBS.has(word)) && (changes || words[0] === 'review')) {
    return unknownCount(words, [...REVIEW_VERBS, ...CHANGE_WORDS]) <= MAX_UNKNOWN_WORDS ? 'review' : undefined;
  }
  const found: CheckAction[] = [];
  for (const word of words) {
    const action = ACTION_OF.get(word);
    if (action && !found.includes(action)) found.push(action);
  }
  // "what fails on main?", "is anything broken?": a question about failures with no check named is the CI look.
  const ci = words.includes('ci') || (found.length === 0 && words.some((word) => FAILURE_WORDS.has(word)));
  if (!ci && found.length === 0) return undefined;
  if (unknownCount(words, ['ci']) > MAX_UNKNOWN_WORDS) return undefined;
  if (ci) return 'ci';
  return found[0];
}

/** "update the dev dependencies", "upgrade all packages", "actualiza las dependencias": every dependency, or the dev ones. */
function bulkUpdateOf(words: string[]): 'dev' | 'all' | undefined {
  if (!words.some((word) => UPDATE_VERBS.has(word)) || !words.some((word) => DEPENDENCY_NOUNS.has(word))) return undefined;
  const known = (word: string) => FILLER.has(word) || UPDATE_VERBS.has(word) || DEPENDENCY_NOUNS.has(word) || DEV_WORDS.has(word);
  if (!words.every(known)) return undefined;
  return words.some((word) => DEV_WORDS.has(word)) ? 'dev' : 'all';
}

function unknownCount(words: string[], known: readonly string[]): number {
  return words.filter((word) => !FILLER.has(word) && !ACTION_OF.has(word) && !known.includes(word)).length;
}

/** A command that is exactly a check the agent knows runs as that check ("tsc", "npm audit"). */
function fromLiteral(command: string[]): TaskIntent {
  const [program, sub, ...more] = command;
  if (program === 'tsc' && !sub) return { action: 'typecheck' };
  if ((program === 'npm' || program === 'pnpm' || program === 'yarn') && more.length === 0) {
    if (sub === 'audit') return { action: 'audit' };
    if (sub === 'outdated') return { action: 'outdated' };
  }
  return { action: 'command', command };
}
