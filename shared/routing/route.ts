/**
 * The router: decides whether a chat message is coding work for a Code session on the
 * user's machine, or office work for Cowork. A pure function, run on every message.
 */

import type { RoutingContext } from './context.js';
import { foldText, normalizeChatText } from './normalize.js';
import { detectOverride } from './override.js';
import { groundingSignals } from './grounding.js';
import { projectShapes } from './projectShapes.js';
import { declineOfCodeWork } from './declinesCodeWork.js';
import { spaceOutCjkWords } from './cjkSegments.js';
import { findRepoHint } from './repoHint.js';
import { weigh } from './score.js';
import { joinContractions, wordSignals } from './signals.js';
import { structuralSignals } from './structure.js';
import { MIN_RUN_ON_WORDS, runOnClauses } from './clauses.js';
import { CODE_THRESHOLD } from './score.js';
import { SHIPPED_COMBINATION, learnedLogOdds, mayOverrule, overrules, shippedModel, type LearnedCombination, type LearnedInput, type LearnedModel } from './learned.js';
import type { WordSignals } from './signals.js';

/** Where a chat message goes, and why. */
export interface RouteDecision {
  /** `code`: a Code session on the user's machine; `cowork`: answered in the thread. */
  route: 'code' | 'cowork';
  /** True when the message asked to open a Code session; the route is then `code`. */
  forced: boolean;
  /** A short sentence for the user: why the message went where it went. */
  reason: string;
  /** The task to run: the message without mentions, and without the override phrase when forced. */
  task: string;
  /** The repository the message names ("in the frontend repo" → `frontend`), when it names one. */
  repoHint?: string;
}

const FORCED_REASON = 'forced: the message asks to open a Code session';
// Quoted words are talked about, not asked for: 'translate "pull request" into French'.
const QUOTED = /"[^"\n]{1,80}"|\u201C[^\u201C\u201D\n]{1,80}\u201D/g;
const blankOut = (quoted: string): string => ' '.repeat(quoted.length);

/**
 * Routes a chat message to a Code session or to Cowork.
 *
 * "Open a Code session and …" (or "open a Claude Code session: …", politely or not) forces
 * `code`; a negated request or a question about the product forces nothing. Otherwise
 * the message is weighed: intent verbs next to code objects, and the shapes of code
 * (code spans, stack traces, file paths, branch names), point at `code`; writing,
 * spreadsheets, research and questions point at `cowork`, the default. Works on Slack and
 * Discord markup and on French, Spanish and German requests.
 *
 * @param text - The message as received from the chat platform.
 * @param context - The target machine's repositories and their vocabularies, when known.
 * @returns The route, whether it was forced, a reason, the task and any repository named.
 */
export function route(text: string, context?: RoutingContext): RouteDecision {
  return routeWith(text, context, shippedModel(), SHIPPED_COMBINATION);
}

const LEARNED_CODE_REASON = 'reads like coding work to the model trained on labelled messages';
const LEARNED_COWORK_REASON = 'reads like office work to the model trained on labelled messages';

/**
 * `route` with a given model and combination (cross-validation trains one per fold).
 * The rules decide forced messages alone; the model only overrules an unforced route.
 */
export function routeWith(text: string, context: RoutingContext | undefined, model: LearnedModel, combination: LearnedCombination): RouteDecision {
  const trace = routeByRules(text, context);
  const { decision, input } = trace;
  // The model's features cost a few µs: skipped when no log-odds could overrule this route.
  if (!input || !mayOverrule(decision.route, combination)) return decision;
  const logOdds = learnedLogOdds(input, model);
  if (!overrules(decision.route, trace.margin, logOdds, combination)) return decision;
  decision.route = decision.route === 'code' ? 'cowork' : 'code';
  decision.reason = decision.route === 'code' ? LEARNED_CODE_REASON : LEARNED_COWORK_REASON;
  return decision;
}

/** The rules' decision, and what the learned model needs to weigh in. */
export interface RulesTrace {
  readonly decision: RouteDecision;
  /** Points between the rules' score and their code threshold (≥ 0). */
  readonly margin: number;
  /** The text for the model; absent when the message forced its route. */
  readonly input?: LearnedInput;
}

/**
 * Routes by the rules alone.
 *
 * @param text - The message as received from the chat platform.
 * @param context - The target machine's repositories and their vocabularies, when known.
 */
export function routeByRules(text: string, context?: RoutingContext): RulesTrace {
  const normalized = normalizeChatText(text);
  const override = detectOverride(normalized.text, normalized.masked);
  const masked = blank(normalized.masked, override.spans);
  const unquoted = masked.includes('"') || masked.includes('\u201C') ? masked.replace(QUOTED, blankOut) : masked;
  const folded = spaceOutCjkWords(joinContractions(foldText(unquoted)));
  const grounding = groundingSignals(folded, context);
  const repoHint = findRepoHint(normalized.text, normalized.links) ?? grounding.repoName;

  if (override.kind === 'forced') {
    return { decision: withHint({ route: 'code', forced: true, reason: FORCED_REASON, task: override.task }, repoHint), margin: 0 };
  }
  const words = wordSignals(folded);
  const declinesWork = declinesWorkOnCode(folded, words);
  const verbKind = words.mainVerb?.term.kind;
  const structure = structuralSignals(normalized, masked);
  const verdict = weigh({
    words,
    structure,
    technical: { text: unquoted, wantUnknown: verbKind === 'codeVerb' || verbKind === 'actionVerb' },
    grounding,
    shapes: projectShapes(folded),
    declinesCodeSession: override.kind === 'negated',
    // A declined Code session declines the work too: "don't launch code mode for this, just summarize …".
    declinesCodeWork: declinesWork || override.kind === 'negated',
    asksAboutCodeSessions: override.kind === 'question',
  });
  // A message that rules out work on code names that work only to rule it out ("I'm not asking you to fix the bug, just …").
  const clause = verdict.route === 'cowork' && !declinesWork && words.wordCount >= MIN_RUN_ON_WORDS && mayHoldCodingClause(words) ? codingClause(folded) : undefined;
  const final = clause ?? verdict;
  // A coding clause in a run-on message is a code route with no margin of its own.
  const margin = clause ? 0 : Math.abs(verdict.score - CODE_THRESHOLD);
  const decision = withHint({ route: final.route, forced: false, reason: final.reason, task: normalized.text }, repoHint);
  // A question about Code sessions, or a message that declines one, is the rules' alone: the model reads "code session" as code.
  // So is a message that declines work on code: the model reads the declined words as the request.
  // A document file the rules keep in Cowork ("rename the file to final.pdf") is theirs too: the model reads a file name as code.
  const namesDocument = !clause && verdict.route === 'cowork' && structure.some((signal) => signal.label === 'a document file');
  if (override.kind !== 'none' || declinesWork || namesDocument) return { decision, margin };
  const input: LearnedInput = { folded, original: normalized.text, hasCode: normalized.codeSpans.length > 0 || normalized.codeBlocks.length > 0 };
  return { decision, margin, input };
}

/**
 * Whether a message rules out work on code: it says so, and not after a request that is
 * coding work ("refactor the parser, don't change the tests" asks for a refactor).
 */
function declinesWorkOnCode(folded: string, words: WordSignals): boolean {
  const at = declineOfCodeWork(folded);
  if (at === -1) return false;
  // "not asking you to write code, just look at the diff on PR #482": what comes after "just" is the request.
  if (readOnlyRequestAfter(folded, at)) return false;
  const verb = words.mainVerb;
  if (!verb || !words.imperative || verb.term.kind !== 'codeVerb') return true;
  const verbAt = folded.indexOf(verb.word);
  return verbAt === -1 || verbAt >= at;
}

const ONLY = /(?:^|[^\p{L}])(?:just|only|simply|solo|seulement|juste|nur|apenas|alleen|soltanto|tylko|только|sadece|bara)(?![\p{L}])/u;

/** After a decline, "just …" or "only …" and a request that is coding work by its own words: the decline was a constraint. */
function readOnlyRequestAfter(folded: string, at: number): boolean {
  const rest = folded.slice(at);
  const only = ONLY.exec(rest);
  if (!only) return false;
  const clause = rest.slice(only.index + only[0].length);
  const words = wordSignals(clause);
  if (asksForOfficeWork(words)) return false;
  return weigh({ words, structure: [], shapes: projectShapes(clause), declinesCodeSession: false, asksAboutCodeSessions: false }).route === 'code';
}

/**
 * A run-on message is coding work when one of its clauses is, weighed by its words alone,
 * and no clause asks for office work ("so I have the investors on thursday and I need a
 * summary": the summary is the request).
 */
function codingClause(folded: string): { route: 'code'; reason: string } | undefined {
  let found: string | undefined;
  for (const clause of runOnClauses(folded)) {
    const words = wordSignals(clause);
    if (asksForOfficeWork(words)) return undefined;
    if (found !== undefined) continue;
    const verdict = weigh({ words, structure: [], shapes: projectShapes(clause), declinesCodeSession: false, asksAboutCodeSessions: false });
    if (verdict.route === 'code') found = verdict.reason;
  }
  return found === undefined ? undefined : { route: 'code', reason: found };
}

// Kinds of term that a clause of coding work has; a message with none of them has no such clause.
const CODE_KINDS: ReadonlySet<string> = new Set(['codeVerb', 'codeObject', 'surface', 'failure', 'tech']);
const QUESTION_HINT = /\b(?:where|why|how|what|ou|onde|donde|wo|pourquoi|warum|por que|comment|como|wie)\b/;

/**
 * A cheap test on the whole message before its clauses are weighed one by one: an office
 * object in any clause keeps the message office work, and a clause of coding work needs a
 * word of code, a symptom, or a question about the product.
 */
function mayHoldCodingClause(words: WordSignals): boolean {
  let code = words.malfunction || words.bugShape;
  for (const m of words.matches) {
    if (m.term.kind === 'coworkObject' && m.term.weight <= -2) return false;
    if (CODE_KINDS.has(m.term.kind)) code = true;
  }
  return code || QUESTION_HINT.test(words.text);
}

function asksForOfficeWork(words: WordSignals): boolean {
  const verb = words.mainVerb?.term;
  if (verb?.kind === 'coworkVerb' && verb.weight <= -2) return true;
  return words.matches.some((m) => m.term.kind === 'coworkObject' && m.term.weight <= -2);
}

function withHint(decision: RouteDecision, repoHint: string | undefined): RouteDecision {
  if (repoHint !== undefined) decision.repoHint = repoHint;
  return decision;
}

/** Replaces the given spans with spaces, so that later analysis does not read them. */
function blank(text: string, spans: ReadonlyArray<readonly [number, number]>): string {
  if (spans.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (const [start, end] of spans) {
    parts.push(text.slice(from, start), ' '.repeat(end - start));
    from = end;
  }
  parts.push(text.slice(from));
  return parts.join('');
}
