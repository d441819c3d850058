/**
 * Weighing the signals of a message into a route and a reason a person can read.
 */

import type { GroundingSignals } from './grounding.js';
import type { Term } from './lexicon.js';
import type { ProjectShape } from './projectShapes.js';
import type { WordMatch, WordSignals } from './signals.js';
import type { StructuralSignal } from './structure.js';
import { technicalOnDemand, type TechnicalRequest, type TechnicalSignals } from './technical.js';
import { codeReason, coworkReason } from './scoreReasons.js';
import { swapsToolsInMoreLanguages } from './swapsMoreLanguages.js';

/** The signals of one message, as found by the other routing modules. */
export interface MessageSignals {
  readonly words: WordSignals;
  readonly structure: readonly StructuralSignal[];
  /** The message says not to open a Code session (routing is unchanged; the reason says so). */
  readonly declinesCodeSession: boolean;
  /** The message asks a question about Code sessions ("how do I open a Code session?"). */
  readonly asksAboutCodeSessions: boolean;
  /** The message says it wants no work on code ("don't look at the code, I only need …"; see `declinesCodeWork.ts`). */
  readonly declinesCodeWork?: boolean;
  /**
   * Names shaped like code and words no English list knows (see `technical.ts`), found on
   * demand with `technicalOnDemand`: most office messages never need them.
   */
  readonly technical?: TechnicalRequest;
  /** Words that name the user's own code and repositories (see `grounding.ts`). */
  readonly grounding?: GroundingSignals;
  /** Shapes of a request about the project as a whole (see `projectShapes.ts`). */
  readonly shapes?: readonly ProjectShape[];
}

/** A scored message. */
export interface Verdict {
  readonly route: 'code' | 'cowork';
  readonly score: number;
  readonly reason: string;
}

/** The score from which a message with a code anchor is coding work. */
export const CODE_THRESHOLD = 3;
const STRUCTURE_CAP = 8;
const TECH_CAP = 2;
const CODE_VERB_CAP = 4;
const INFORMATIONAL_WEIGHT = -3;
const DEPENDENCY_UPDATE_WEIGHT = 3;
const UPDATE_VERBS = new Set(['update', 'upgrade', 'bump', 'install']);
// Building verbs: next to a part of a product ("add a toggle to the settings page", "hook up
// the contact form"), they ask for a feature, which is coding work.
const BUILD_VERBS = new Set(['add', 'implement', 'make', 'change', 'set up', 'convert', 'remove', 'fix', 'improve', 'handle', 'update', 'generate']);
const BUILD_WEIGHT = 2;
// Documentation of code ("write docs for the public API", "add docstrings to the parser") is
// coding work; documents about other things are not.
const DOC_WORDS = new Set(['doc', 'docs', 'documentation', 'docstring', 'docstrings', 'jsdoc', 'comment', 'comments', 'readme']);
const DOC_VERBS = new Set(['write', 'add', 'update', 'make', 'generate', 'improve', 'document', 'fix', 'change']);
const DOCS_FOR_CODE_WEIGHT = 2;
const SHAPED_NAME_WEIGHT = 2;
const GROUNDING_CAP = 3;
const SHAPE_CAP = 4;
// Verbs of reading and writing: the technical words after them are a topic ("summarize the
// next.js docs"), not something to change.
const TOPIC_VERBS = new Set(['summarize', 'write', 'review', 'document', 'investigate']);
const BUMP_VERBS = new Set(['bump', 'upgrade']);
// "run the build", "check the tests": a project task.
const TASK_VERBS = new Set(['run', 'check']);
const PROJECT_TASKS = new Set(['types', 'tests', 'unit tests', 'the build', 'the linter', 'a pipeline', 'CI', 'a script', 'a migration', 'test coverage', 'the bundle', 'the lockfile', 'a flaky test']);
const PROJECT_TASK_WEIGHT = 2;
// Outweighs the code words the decline itself names ("don't look at the code"), and a light
// request beside it, but not a plain coding task with a constraint ("fix the failing login
// test in auth.ts, don't touch the code in payments/").
const DECLINES_CODE_WORK_WEIGHT = -6;

interface Tally {
  codeObjects: number;
  tech: number;
  codeVerbs: number;
  coworkVerbs: number;
  coworkObjects: number;
  strongestCodeVerb: number;
  failure: boolean;
  surfaces: number;
}

/**
 * Weighs the signals of a message.
 *
 * A message is coding work when it has a code anchor (a structural signal, code objects
 * worth 2, or a verb that is coding work by itself) and its total reaches
 * `CODE_THRESHOLD`. Ambiguous verbs (update, write, review) add weight only next to a code
 * object; office objects (email, spreadsheet) and questions subtract.
 *
 * @param signals - The signals of the message.
 * @returns The route, the score and a short reason.
 */
export function weigh(signals: MessageSignals): Verdict {
  const { words, structure } = signals;
  const tally = tallyTerms(words.matches);
  // "the search bar doesn't return anything": a failure, said without a failure word.
  if (words.malfunction && !tally.failure) {
    // Said of a part of a product ("the mobile menu does not close"), it is a bug report.
    tally.codeObjects += tally.surfaces > 0 || tally.codeObjects > 0 ? 2 : 1;
    tally.failure = true;
  }
  // Office work is named by an office object or asked for with an office verb.
  const officeWork = tally.coworkObjects < 0 || (words.mainVerb?.term.kind === 'coworkVerb' && words.mainVerb.term.weight <= -2);
  // A symptom of a bug is specific; asked why ("why do we get duplicate orders"), more so.
  if (words.bugShape) tally.codeObjects += words.diagnostic || !officeWork ? 3 : 2;
  // "why does the orders page show …", "por qué se vacía el carrito": asked why a part of the product misbehaves.
  if (words.diagnostic && tally.codeObjects > 0 && !officeWork && !words.peopleAgent) tally.codeObjects += 2;
  // "where do we send the receipts", "how does our app decide …": a question about the user's own product.
  // Only with a thing of the product or its code: a verb alone ("how do we handle refunds") may be about the business.
  // A light office verb ("calculate") may be what the product does: "how do we calculate the estimate shown at checkout".
  // "where is the work of a Code session stored?" asks about Dispatch, not about the user's product.
  // "explain how our retry logic works" asks with an office verb, about the code: only an office object makes it office work.
  const namesProduct = words.matches.some((m) => PRODUCT_KINDS.has(m.term.kind));
  const explainsOurs = words.asksAboutOurs === 'explains' && tally.coworkObjects >= 0 && namesProduct;
  const asksAboutOurs =
    !signals.asksAboutCodeSessions &&
    (explainsOurs || (!officeWork && tally.coworkVerbs >= -1 && ((words.asksAboutOurs === 'asks' && namesProduct) || words.asksAboutProduct)));
  // "I want a button that …", "make it so the dashboard shows …": a wish for a part of the product.
  const wishesFeature = words.wants && !officeWork && tally.coworkVerbs === 0 && tally.codeObjects > 0;
  const verbsAreTopicsEarly = (words.informational || signals.asksAboutCodeSessions) && !words.diagnostic && !words.imperative;
  const actsOnCode = aboutCode(words);
  const technical = actsOnCode && !verbsAreTopicsEarly ? technicalOnDemand(signals.technical) : undefined;
  if (technical) {
    tally.tech += SHAPED_NAME_WEIGHT * technical.shaped.length;
    // An unknown word is only a hint: it counts next to a verb that acts ("memoize", not "sumarize").
    const verbKind = words.mainVerb?.term.kind;
    if (technical.unknown.length > 0 && (verbKind === 'codeVerb' || verbKind === 'actionVerb')) tally.tech += 1;
  }
  // "move from jest to vitest", "passe de jest à vitest": one tool for another.
  const swapsTools = technical !== undefined && namedTools(words, technical) >= 2 && (FROM_TO.test(words.text) || words.mainVerb?.term.label === 'change' || words.mainVerb?.term.label === 'convert' || words.mainVerb?.term.label === 'migrate');
  // "Vi byter ut Moment mot Luxon", "把moment换成dayjs": names the lexicon does not know, told by their shape and script.
  const swapsToolsMore = !swapsTools && actsOnCode && !officeWork && signals.technical !== undefined && swapsToolsInMoreLanguages(words.text, signals.technical.text);
  if (swapsToolsMore) tally.codeObjects += 3;
  if (swapsTools) tally.codeObjects += 3;
  const swapsLibrary = swapsALibrary(words, tally);
  // In a question ("what does the shipping module do?") the user's code words count half.
  const grounding = signals.grounding && actsOnCode ? Math.min(GROUNDING_CAP, signals.grounding.weight) / (verbsAreTopicsEarly ? 2 : 1) : 0;
  const shapes = signals.shapes ?? [];
  let shapeSum = 0;
  for (const shape of shapes) shapeSum += shape.weight;
  const shapeScore = Math.min(SHAPE_CAP, shapeSum);
  // One pass over the structure, in order (so the sums are the same), instead of three with a closure each.
  let structureFor = 0;
  let structureAgainst = 0;
  for (const s of structure) {
    structureFor += Math.max(0, s.weight);
    structureAgainst += Math.min(0, s.weight);
  }
  const structureScore = Math.min(STRUCTURE_CAP, structureFor) + structureAgainst;
  const codeEvidence = tally.codeObjects + Math.min(TECH_CAP, tally.tech) + grounding;
  const hasStructure = structureFor > 0;
  const acts = words.matches.some((m) => m.term.kind === 'codeVerb' || m.term.kind === 'actionVerb') || words.diagnostic;
  // "bump next to 14.2": bumping or upgrading to a version is a dependency update by itself.
  const dependencyUpdate =
    words.versionTarget &&
    ((words.mainVerb !== undefined && BUMP_VERBS.has(words.mainVerb.term.label)) ||
      (words.matches.some((m) => UPDATE_VERBS.has(m.term.label)) && (codeEvidence > 0 || structure.some((s) => s.label === 'a version number'))));

  // In a question ("explain how git rebase works") a code verb is the topic, not the request.
  // A question about Code sessions is a question too.
  const informational = (words.informational || signals.asksAboutCodeSessions) && !words.diagnostic && !asksAboutOurs;
  // An imperative of office work is the question itself: "объясни, как работает git rebase" (explain how …).
  const verbsAreTopics = informational && (!words.imperative || words.mainVerb?.term.kind === 'coworkVerb');
  const codeVerbs = verbsAreTopics ? 0 : tally.codeVerbs;
  const strongestCodeVerb = verbsAreTopics ? 0 : tally.strongestCodeVerb;
  const projectTask = runsProjectTask(words, verbsAreTopics);
  let score = structureScore + shapeScore + codeEvidence + codeVerbs + tally.coworkVerbs + tally.coworkObjects;
  if (projectTask) score += PROJECT_TASK_WEIGHT;
  if (acts && codeEvidence + (hasStructure ? 2 : 0) >= 2) score += 1;
  // What the request acts on counts twice: "review this email" is about the email.
  const builds = buildsFeature(words, verbsAreTopics);
  const documentsCode = !builds && documentsCodeObject(words, verbsAreTopics);
  if (words.headObject && !documentsCode) score += words.headObject.term.weight;
  if (builds || wishesFeature) score += BUILD_WEIGHT;
  // "the home page takes ten seconds to load": a part of the product is slow.
  if (tally.surfaces > 0 && words.matches.some((m) => m.term.label === 'performance')) score += 1;
  if (asksAboutOurs) score = Math.max(score, CODE_THRESHOLD);
  if (documentsCode) score += DOCS_FOR_CODE_WEIGHT - (words.headObject?.term.weight ?? 0);
  // "what does the calculateTax function do": a question about a name in the user's code.
  if (informational) score += structure.some((s) => s.label === 'code identifiers') ? INFORMATIONAL_WEIGHT + 2 : INFORMATIONAL_WEIGHT;
  if (dependencyUpdate) score += DEPENDENCY_UPDATE_WEIGHT;
  // "the build fails", "failing tests": a failure of something that lives in a codebase;
  // "la page panier est cassée": a broken part of a product.
  if (tally.failure && words.matches.some((m) => m.term.failLabel !== undefined)) score += 1;
  else if (tally.failure && tally.surfaces > 0) score += 1;
  // "logout doesnt work", "Login kaputt": a thing of the product, said to fail.
  else if (tally.failure && !officeWork && words.matches.some((m) => m.term.kind === 'codeObject' && m.term.weight >= 1)) score += 1;
  // "tests?", "npm outdated?": a few words, all of them about code.
  const terse = words.wordCount <= TERSE_WORDS && codeEvidence >= 2 && tally.coworkObjects === 0 && tally.coworkVerbs === 0 && !informational && !ALTERNATIVES.test(words.text);
  if (terse) score = Math.max(score, CODE_THRESHOLD);
  // "set up sentry", "upgrade node", "add google analytics": a tool put into the project.
  const setsUpTool = setsUpATool(words) && !officeWork;
  if (setsUpTool) score += 2;
  if (swapsLibrary) score += SWAP_LIBRARY_WEIGHT;
  if (signals.declinesCodeWork) score += DECLINES_CODE_WORK_WEIGHT;

  // A project shape is a request about the project by itself, unless the request is to write or research.
  if (shapes.length > 0 && !signals.declinesCodeWork && !(words.mainVerb?.term.kind === 'coworkVerb' && words.mainVerb.term.weight <= -2)) score = Math.max(score, CODE_THRESHOLD);
  const anchored = hasStructure || shapes.length > 0 || projectTask || codeEvidence >= 2 || strongestCodeVerb >= 3 || strongestCodeVerb + codeEvidence >= 3 || dependencyUpdate || builds || documentsCode || wishesFeature || asksAboutOurs || terse || setsUpTool || swapsLibrary || actsOnCodeHead(words);
  const route = anchored && score >= CODE_THRESHOLD ? 'code' : 'cowork';
  const dependencyVerb = dependencyUpdate ? (words.matches.find((m) => UPDATE_VERBS.has(m.term.label))?.term.label ?? 'update') : undefined;
  const reason = route === 'code' ? codeReason(signals, tally.failure, dependencyVerb) : coworkReason(signals, codeEvidence, hasStructure);
  return { route, score, reason };
}

/**
 * Whether the technical words and the user's code words of a message are what it acts on:
 * not when it reads or writes about them ("summarize the Kubernetes release blog"), nor
 * when the object of the request is office work ("write release notes for the newsletter").
 */
function aboutCode(words: WordSignals): boolean {
  const verb = words.mainVerb?.term;
  if (verb && (verb.kind === 'coworkVerb' || TOPIC_VERBS.has(verb.label))) return false;
  const head = words.headObject?.term;
  return !(head && head.kind === 'coworkObject' && head.weight <= -1);
}

// "from jest to vitest", "de moment a date-fns": one thing for another.
const FROM_TO = /\b(?:from|de|von|desde|da|do|off)\s+\S+\s+(?:\S+\s+)?(?:to|a|zu|para|auf|por|pour|for|onto|with|avec|con|com|durch|par|in favou?r of)\b/;

/** How many tools a message names: tools of the lexicon, names shaped like code, unknown words. */
function namedTools(words: WordSignals, technical: TechnicalSignals | undefined): number {
  const names = new Set<string>();
  for (const m of words.matches) if (m.term.kind === 'tech') names.add(m.word);
  for (const name of technical?.shaped ?? []) names.add(name.toLowerCase());
  for (const name of technical?.unknown ?? []) names.add(name);
  return names.size;
}

const PRODUCT_KINDS: ReadonlySet<Term['kind']> = new Set(['codeObject', 'surface', 'codeVerb', 'failure']);
const TERSE_WORDS = 4;
// "git vs svn", "jira or linear": a comparison, not a task.
const ALTERNATIVES = /\b(?:vs|versus|or|ou|oder|o)\b/;
const SETUP_VERBS = new Set(['set up', 'install', 'add', 'upgrade', 'update']);
const TOOL_WINDOW = 3;

/** "set up sentry", "upgrade node": the request's verb puts a developer tool into the project. */
function setsUpATool(words: WordSignals): boolean {
  const verb = words.mainVerb;
  if (!verb || !words.imperative || !SETUP_VERBS.has(verb.term.label)) return false;
  return words.matches.some((m) => m.term.kind === 'tech' && m.index > verb.index && m.index - verb.index <= TOOL_WINDOW);
}

// "replace the date library with a smaller one", "get rid of the heavy charting package",
// "ersetze die Datums-Bibliothek": one library for another, named in plain words, not by name.
const SWAP_VERBS = new Set(['convert', 'change', 'remove', 'migrate']);
const LIBRARY_HEADS = new Set(['a library', 'a package', 'a dependency']);
const SWAP_LIBRARY_WEIGHT = 2;

// After a library of code comes a preposition, a clause or the end: "the date library with
// a smaller one", "la librairie de dates par …"; after a library of books, a noun: "the library card".
const AFTER_LIBRARY = /^\s*(?:[,.;:!]|$|(?:with|by|for|and|we|that|which|in|to|from|instead|par|pour|de|des|du|et|qu[ei]|por|para|con|com|y|e|durch|mit|und|die|da|do|das|dos)\b)/;

/**
 * A request to swap or drop a library of the project: a changing verb whose object is a
 * library, with no office verb, no question, and no office object after the library (an
 * office word before it names the library's kind: "the charting library").
 */
function swapsALibrary(words: WordSignals, tally: Tally): boolean {
  const verb = words.mainVerb;
  const head = words.headObject;
  if (!verb || !head || !words.imperative || words.informational || tally.coworkVerbs !== 0) return false;
  if (!SWAP_VERBS.has(verb.term.label) || !LIBRARY_HEADS.has(head.term.label)) return false;
  if (words.matches.some((m) => m.index > head.index && m.term.kind === 'coworkObject')) return false;
  const at = words.text.search(new RegExp(String.raw`\b${head.word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\b`));
  return at !== -1 && AFTER_LIBRARY.test(words.text.slice(at + head.word.length));
}

/** "fix login", "migrate the db": a verb that is coding work, acting on a thing of a codebase. */
function actsOnCodeHead(words: WordSignals): boolean {
  const head = words.headObject?.term;
  return words.imperative && words.mainVerb?.term.kind === 'codeVerb' && head !== undefined && (head.kind === 'codeObject' || head.kind === 'surface');
}

/** "run the build in payments", "check the tests": a task verb on a part of the project. */
function runsProjectTask(words: WordSignals, verbsAreTopics: boolean): boolean {
  const verb = words.mainVerb;
  if (!verb || verbsAreTopics || !TASK_VERBS.has(verb.term.label)) return false;
  return words.matches.some((m) => m.index > verb.index && m.index - verb.index <= 4 && PROJECT_TASKS.has(m.term.label));
}

/** A building verb that acts on, or puts something into, a part of a product. */
function buildsFeature(words: WordSignals, verbsAreTopics: boolean): boolean {
  const verb = words.mainVerb;
  if (!verb || verbsAreTopics || !BUILD_VERBS.has(verb.term.label)) return false;
  // "add a slide about the new dashboard" is about the slide.
  if (words.headObject && words.headObject.term.kind === 'coworkObject' && words.headObject.term.weight <= -2) return false;
  const surface = words.matches.findIndex((m) => m.term.kind === 'surface' && m.index > verb.index);
  if (surface === -1) return false;
  // "add a page to the report": a page of a document, not of a product.
  return !words.matches.some((m, n) => n > surface && isOfficeContainer(m.term) && !modifiesCodeObject(words.matches, n));
}

function isOfficeContainer(term: Term): boolean {
  return term.kind === 'coworkObject' && (term.weight <= -2 || term.label === 'a document' || term.label === 'spreadsheet work');
}

/** Documentation ("docs", "a README", "comments") written for something in a codebase. */
function documentsCodeObject(words: WordSignals, verbsAreTopics: boolean): boolean {
  const verb = words.mainVerb;
  const head = words.headObject;
  if (!verb || !head || verbsAreTopics || !DOC_VERBS.has(verb.term.label) || !DOC_WORDS.has(head.word)) return false;
  return words.matches.some((m) => m.index > head.index && (m.term.kind === 'codeObject' || m.term.kind === 'surface' || m.term.kind === 'tech') && m.term.weight >= 1);
}

function tallyTerms(matches: readonly WordMatch[]): Tally {
  const tally: Tally = {
    codeObjects: 0,
    tech: 0,
    codeVerbs: 0,
    coworkVerbs: 0,
    coworkObjects: 0,
    strongestCodeVerb: 0,
    failure: false,
    surfaces: 0,
  };
  const seen = new Set<Term | string>();
  // A plain loop: a callback would be made anew for every message.
  for (let n = 0; n < matches.length; n++) {
    const { term, word } = matches[n] as WordMatch;
    // Each term counts once; each tool counts once by name.
    const key = term.kind === 'tech' ? word : term;
    if (seen.has(key) || modifiesCodeObject(matches, n)) continue;
    seen.add(key);
    switch (term.kind) {
      case 'codeVerb':
        tally.codeVerbs = Math.min(CODE_VERB_CAP, tally.codeVerbs + term.weight);
        tally.strongestCodeVerb = Math.max(tally.strongestCodeVerb, term.weight);
        break;
      case 'coworkVerb':
        tally.coworkVerbs += term.weight;
        break;
      case 'codeObject':
        tally.codeObjects += term.weight;
        break;
      case 'surface':
        tally.codeObjects += term.weight;
        tally.surfaces++;
        break;
      case 'failure':
        tally.codeObjects += term.weight;
        tally.failure = true;
        break;
      case 'tech':
        tally.tech += term.weight;
        break;
      case 'coworkObject':
        tally.coworkObjects += term.weight;
        break;
      case 'actionVerb':
        break;
    }
  }
  return tally;
}

/** An office word right before a thing of a codebase names it: "the reports page", "the orders table". */
function modifiesCodeObject(matches: readonly WordMatch[], n: number): boolean {
  const match = matches[n];
  const next = matches[n + 1];
  if (!match || !next || match.term.kind !== 'coworkObject') return false;
  const adjacent = next.index === match.index + match.word.split(' ').length;
  return adjacent && (next.term.kind === 'codeObject' || next.term.kind === 'surface');
}
