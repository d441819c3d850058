/**
 * The "open a Code session" override: a message that asks for a Code session gets one,
 * whatever the rest says. Negated requests, questions about the product and reported
 * speech force nothing.
 *
 * The message is read as tokens. A session noun phrase ("code session", "Claude Code
 * session", "a session in Code", "sesión de código", "Code-Sitzung", "codesessie") is
 * a request when a request frame holds it: a verb of asking before it with only
 * determiners and particles between ("spin up a new …", "I need a …", "mach mir eine …
 * auf"), a verb after it in German and Dutch ("eine … starten", "een … openen"), or the
 * phrase written as a heading before the task ("Code session: …", "[code session] …").
 * Every step looks a bounded number of tokens around each phrase: linear in the message.
 */

import { LEXICON } from './lexicon.js';
import { foldText } from './normalize.js';
import { stems } from './stems.js';
import { detectOverrideInMoreLanguages } from './overrideMoreLanguages.js';
import { taskFromGerund } from './gerundTask.js';
import { SentenceEnds } from './sentenceEnds.js';
import {
  AFTER,
  BETWEEN,
  CODE_COMPOUNDS,
  CODE_WORDS,
  COMPOUND_SESSION,
  FILLER_WORDS,
  FINAL_VERBS,
  GERUNDS,
  HEADING_LEAD,
  NEGATING_BETWEEN,
  REQUEST_VERBS,
  SESSION_COMPOUNDS,
  SESSION_PLURALS,
  SESSION_PREPOSITIONS,
  SESSION_WORDS,
  foldToken,
} from './overrideWords.js';

/** How a mention of the override phrase reads in its clause. */
export type OverrideKind = 'forced' | 'negated' | 'question';

/** What the override detector found in a message. */
export interface OverrideResult {
  /** `forced` when one mention is a request; otherwise the kind of the first framed mention, or `none`. */
  readonly kind: OverrideKind | 'none';
  /** When forced: the message without the override phrase and its filler; otherwise the message. */
  readonly task: string;
  /**
   * `[start, end)` offsets of every mention of a Code session, framed or not ("our coding
   * session on friday"), so that word analysis does not read "code" in them.
   */
  readonly spans: ReadonlyArray<readonly [number, number]>;
}

interface Token {
  readonly word: string;
  readonly start: number;
  readonly end: number;
}

/** A session noun phrase: tokens `first..last`; `app` is "Claude Code" without "session". */
interface SessionPhrase {
  readonly first: number;
  readonly last: number;
  readonly singular: boolean;
  readonly app: boolean;
  /** "session code" with nothing between: in English a code of a session, so only a frame makes it one. */
  readonly loose?: boolean;
}

/** A session phrase in a request frame: its span, and how its clause reads it. */
interface Mention {
  readonly start: number;
  readonly end: number;
  /** Where the words of asking start (the verb, or the heading's line). */
  readonly frameStart: number;
  readonly kind: OverrideKind;
}

// Every form of the phrase names code (or Claude): most messages are done with one cheap test.
// Every form also names a session or Claude: "ses…" (session, sesión, sessão, sessie, sesh), "sitz…", "mod…" (Code mode).
const MAY_MENTION = /c[o\u00F3\u00F2][dei]|cdoe|claude/i;
// "open Code and …": the app by its capital after an opening verb (see `namesCodeApp`).
const MAY_NAME_SESSION = /ses|sitz|mod|claude/i;
const MAY_OPEN_APP = /(?:open|start|launch|fire up) Code\b/i;
const TOKEN = /[\p{L}\p{N}]+/gu;
// Between the words of one phrase: "Claude-Code-Session", "code_session", "code  session".
const JOINER = /^[\s\-_]{0,3}$/;
const MAX_BETWEEN = 4;
const MAX_LEAD = 4;

/**
 * Finds the "open a Code session" override in a message.
 *
 * @param text - The normalised message (see `normalizeChatText`).
 * @param masked - The same text with code blanked out, so that code cannot trigger it.
 * @returns Whether the override forces a Code session, the task without the phrase, and
 *   where every mention of a Code session is.
 */
export function detectOverride(text: string, masked: string): OverrideResult {
  const spans: Array<readonly [number, number]> = [];
  if (!(MAY_NAME_SESSION.test(masked) || (masked.includes(' Code') && MAY_OPEN_APP.test(masked))) || !MAY_MENTION.test(masked)) return detectOverrideInMoreLanguages(text, masked) ?? { kind: 'none', task: text, spans };
  const tokens = tokenize(masked);
  const questionMarks = new SentenceEnds(masked);
  let firstKind: OverrideKind | undefined;
  let forced: { start: number; end: number; clauseStart: number } | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const phrase = sessionPhraseAt(masked, tokens, i);
    if (!phrase) continue;
    const mention = frame(masked, tokens, phrase, questionMarks);
    i = phrase.last;
    if (!mention) {
      if (phrase.app || phrase.loose) continue;
      const start = tokens[phrase.first]!.start;
      spans.push([start, tokens[phrase.last]!.end]);
      // "why did my code session close?", "what is a code session?": a question about the product.
      // "¿Una sesión de Code puede ver mis repositorios privados?": named as the subject of a question.
      if (!forced && (QUESTION.test(foldText(masked.slice(lastBoundary(masked, start), start))) || askedOfASession(tokens, phrase.first, questionMarks))) firstKind ??= 'question';
      continue;
    }
    spans.push([mention.start, mention.end]);
    if (forced) continue;
    firstKind ??= mention.kind;
    if (mention.kind === 'forced') forced = { start: mention.start, end: mention.end, clauseStart: lastBoundary(masked, mention.frameStart) };
  }
  if (!forced) {
    // Nothing in the lexicon's languages: the message may ask in Polish, Russian, Turkish, Swedish, Japanese, Korean or Chinese.
    const more = firstKind === undefined ? detectOverrideInMoreLanguages(text, masked) : undefined;
    if (more && more.kind !== 'none') return { ...more, spans: [...spans, ...more.spans] };
    return { kind: firstKind ?? 'none', task: text, spans };
  }
  return { kind: 'forced', task: forcedTask(text, forced.clauseStart, forced.start, forced.end), spans };
}

function tokenize(masked: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(masked); m !== null; m = TOKEN.exec(masked)) {
    tokens.push({ word: foldToken(m[0]), start: m.index, end: m.index + m[0].length });
  }
  return tokens;
}

const joined = (masked: string, a: Token | undefined, b: Token | undefined): boolean =>
  a !== undefined && b !== undefined && JOINER.test(masked.slice(a.end, b.start));

// "open Code and bump the deps": the product named by its capital, then the task joined to it.
const AFTER_APP = new Set(['and', 'to', 'then', 'so', 'et', 'y', 'und', 'e', 'en']);
const APP_PUNCTUATION = /^\s*[,:;.!\u2013\u2014-]/;

function namesCodeApp(masked: string, tokens: readonly Token[], i: number): boolean {
  const token = tokens[i]!;
  if (token.word !== 'code' || masked[token.start] !== 'C' || i === 0) return false;
  const next = tokens[i + 1];
  return next === undefined || AFTER_APP.has(next.word) || APP_PUNCTUATION.test(masked.slice(token.end));
}

/** The session noun phrase that starts at token `i`, if any. */
function sessionPhraseAt(masked: string, tokens: readonly Token[], i: number): SessionPhrase | undefined {
  const word = tokens[i]!.word;
  // Every word that starts a phrase starts with "c" (code, claude) or "s" (session): most tokens stop here.
  const initial = word.charCodeAt(0);
  if (initial !== 99 && initial !== 115) return undefined;
  if (word.length >= 9 && word.charCodeAt(0) === 99 /* c */ && COMPOUND_SESSION.test(word)) return { first: i, last: i, singular: true, app: false };
  // "code session", "claude code session", "claude-code-sitzung", "coding sesh".
  let k = i;
  if (word === 'claude' && CODE_WORDS.has(tokens[i + 1]?.word ?? '') && joined(masked, tokens[i], tokens[i + 1])) k = i + 1;
  if (CODE_WORDS.has(tokens[k]!.word)) {
    const next = tokens[k + 1];
    if (next && joined(masked, tokens[k], next)) {
      if (SESSION_WORDS.has(next.word)) return { first: i, last: k + 1, singular: true, app: false };
      if (SESSION_PLURALS.has(next.word)) return { first: i, last: k + 1, singular: false, app: false };
    }
    const isApp = k > i || word === 'claudecode' || namesCodeApp(masked, tokens, i);
    return isApp ? { first: i, last: k, singular: true, app: true } : undefined;
  }
  // "session in Code", "sesión de código", "sessione di Claude Code", "Session Code".
  const singular = SESSION_WORDS.has(word);
  if (!singular && !SESSION_PLURALS.has(word)) return undefined;
  let j = i + 1;
  if (SESSION_PREPOSITIONS.has(tokens[j]?.word ?? '')) j++;
  if (tokens[j]?.word === 'claude') j++;
  const code = tokens[j];
  if (!code || !CODE_WORDS.has(code.word) || code.word === 'coding') return undefined;
  const after = tokens[j + 1];
  if (after && CODE_COMPOUNDS.has(after.word) && joined(masked, code, after)) return undefined;
  return { first: i, last: j, singular, app: false, loose: j === i + 1 };
}

/** The request frame around a session phrase, if one holds it. */
function frame(masked: string, tokens: readonly Token[], phrase: SessionPhrase, questionMarks: SentenceEnds): Mention | undefined {
  const first = tokens[phrase.first]!;
  const lastToken = tokens[phrase.last]!;
  const next = tokens[phrase.last + 1];
  if (next && SESSION_COMPOUNDS.has(next.word) && joined(masked, lastToken, next)) return undefined;
  // Determiners and particles before the phrase, then a verb of asking.
  let negated = false;
  let v = phrase.first - 1;
  while (v >= 0 && phrase.first - v <= MAX_BETWEEN && BETWEEN.has(tokens[v]!.word) && sameClause(masked, tokens[v]!, first)) {
    if (NEGATING_BETWEEN.has(tokens[v]!.word)) negated = true;
    v--;
  }
  for (let n = v + 1; n < phrase.first; n++) if (NEGATING_BETWEEN.has(tokens[n]!.word)) negated = true;
  const verb = v >= 0 && sameClause(masked, tokens[v]!, first) ? tokens[v]! : undefined;
  const after = trailing(tokens, phrase.last, masked);
  const end = tokens[after]!.end;
  if (verb && (REQUEST_VERBS.has(verb.word) || GERUNDS.has(verb.word)) && asks(verb.word, tokens[v - 1]?.word) && (phrase.singular || negated)) {
    // "Claude Code" alone is the product only after an opening verb: "open Claude Code and …".
    if (phrase.app && !/^(?:open|opne|start|strat|launch|fire|run)$/.test(verb.word)) return undefined;
    // A gerund names the act ("does opening a code session …"), except after "mind": "would you mind opening a Code session?" asks.
    const namesTheAct = GERUNDS.has(verb.word) && tokens[v - 1]?.word !== 'mind';
    const kind = negated ? 'negated' : namesTheAct ? 'question' : classify(masked, verb.start, lastToken.end, questionMarks, verb.word);
    return { start: verb.start, end, frameStart: verb.start, kind };
  }
  if (phrase.app || !phrase.singular) return undefined;
  // German and Dutch put the verb last: "kannst du eine Code-Session aufmachen", "een code sessie openen".
  const detStart = v + 1 < phrase.first ? tokens[v + 1]! : undefined;
  const finalWord = tokens[phrase.last + 1];
  if (detStart && finalWord && FINAL_VERBS.has(finalWord.word) && sameClause(masked, lastToken, finalWord)) {
    const kind = negated ? 'negated' : classify(masked, detStart.start, lastToken.end, questionMarks, '');
    return { start: detStart.start, end, frameStart: detStart.start, kind };
  }
  const heading = headingStart(masked, tokens, phrase.first);
  if (heading !== undefined && headsTask(masked, tokens, phrase.last, after)) {
    return { start: heading, end: headingEnd(masked, end), frameStart: heading, kind: 'forced' };
  }
  return undefined;
}

// "like" asks only as "I'd like", "do" only as "let's do": "it felt like a code session" asks for nothing.
const ASKING_BEFORE: Readonly<Record<string, ReadonlySet<string>>> = { like: new Set(['d', 'would', 'id']), do: new Set(['s', 'lets', 'let']) };

function asks(verb: string, before: string | undefined): boolean {
  const needed = ASKING_BEFORE[verb];
  return needed === undefined || (before !== undefined && needed.has(before));
}

/** The last token of the request: the phrase, then politeness and verbs last ("… please", "… aufmachen"). */
function trailing(tokens: readonly Token[], last: number, masked: string): number {
  let k = last;
  while (k + 1 < tokens.length && k - last < 2 && AFTER.has(tokens[k + 1]!.word) && sameClause(masked, tokens[k]!, tokens[k + 1]!)) k++;
  return k;
}

const CLAUSE_BREAK = /[.!?;:,\n\u2014\u2013()[\]]/;
const sameClause = (masked: string, a: Token, b: Token): boolean => !CLAUSE_BREAK.test(masked.slice(a.end, b.start));

/**
 * Where a heading starts when the phrase opens its line or sentence after greetings and
 * determiners only ("ok, new code session: …", "**Code session:** …", "… tomorrow. Code
 * session: …"); otherwise undefined.
 */
function headingStart(masked: string, tokens: readonly Token[], first: number): number | undefined {
  for (let k = first; ; k--) {
    const gap = masked.slice(k > 0 ? tokens[k - 1]!.end : 0, tokens[k]!.start);
    const boundary = SENTENCE_BOUNDARY.exec(gap);
    if (k === 0 || boundary) {
      const lead = boundary ? gap.slice(boundary.index + boundary[0].length) : gap;
      return tokens[k]!.start - lead.trimStart().length;
    }
    if (first - k >= MAX_LEAD || !HEADING_LEAD.has(tokens[k - 1]!.word)) return undefined;
  }
}

// The last end of a sentence or line in a gap between words.
const SENTENCE_BOUNDARY = /[.!?\n](?=[^.!?\n]*$)/;

// What ends a heading: a colon, a dash, an arrow, a closing bracket, a full stop.
const HEADING_SEPARATOR = /^[\s*_~`'"]*(?:[:\u2014\u2013\u2192>\])|.!,;]|-+>?|=>)/;

/**
 * A heading names a task after it: a separator and a word, a verb of the task ("code
 * session fix login"), politeness ("code session please the export …") or nothing at all.
 * A value after the separator ("session code: 4521") is not a task.
 */
function headsTask(masked: string, tokens: readonly Token[], last: number, after: number): boolean {
  const rest = masked.slice(tokens[after]!.end);
  if (/^[\s*_~`'"]*$/.test(rest)) return true;
  const separator = HEADING_SEPARATOR.exec(rest);
  if (separator) {
    const task = rest.slice(separator[0].length);
    if (/^[\s*_~`'"]*\p{N}/u.test(task)) return false;
    // A comma is a heading's only when a task's verb follows ("code session, fix the login"):
    // "une session de code, c'est quoi ?" asks what one is.
    if (separator[0].trimEnd().endsWith(',')) return startsWithVerb(task);
    return true;
  }
  if (after > last) return true;
  const next = tokens[after + 1];
  if (!next || !isVerb(next.word)) return false;
  // "Code session recap: …" is a heading about sessions, not a verb of a task.
  return !/^[\s*_~]*:/.test(masked.slice(next.end));
}

function startsWithVerb(text: string): boolean {
  TOKEN.lastIndex = 0;
  const first = TOKEN.exec(text);
  if (!first) return false;
  const word = foldToken(first[0]);
  return FILLER_WORDS.has(word) || isVerb(word);
}

function headingEnd(masked: string, end: number): number {
  const separator = HEADING_SEPARATOR.exec(masked.slice(end));
  const past = separator ? end + separator[0].length : end;
  return past + (/^[\s*_~`'"]*/.exec(masked.slice(past))?.[0].length ?? 0);
}

const VERB_KINDS: ReadonlySet<string> = new Set(['codeVerb', 'actionVerb', 'coworkVerb']);

function isVerb(word: string): boolean {
  const term = LEXICON.words.get(word) ?? stems(word).map((s) => LEXICON.words.get(s)).find(Boolean);
  return term !== undefined && VERB_KINDS.has(term.kind);
}

// The clause that holds the phrase starts after the last of these.
const CLAUSE_BOUNDARY = /[.!?;,\n:\u2014\u2013(]|\s-\s/g;

const NEGATION =
  /\b(?:don't|dont|do not|does not|doesn't|didn't|did not|never|not|no need to|no|without|instead of|rather than|stop|avoid|won't|wouldn't|shouldn't|can't|cannot|nor|ne|pas|jamais|sans|nunca|sin|nicht|kein|keine|keinen|ohne|nao|nem|non|mai|senza|niet|geen|nooit|zonder)\b|\bn'/;

const QUESTION =
  /\b(?:how|what|why|when|where|which|who|whether|is it|is there|are there|does|did|do (?:i|we)|can (?:i|we|a|an|the|my|our)|could (?:i|we|a|an|the)|(?:will|would) (?:a|an|the|my)|should (?:i|we)|may (?:i|we)|if (?:i|we|you)|once (?:i|we|you)|after (?:i|we|you)|before (?:i|we|you)|possible to|able to|way to|allowed to|comment|combien|pourquoi|quand|est-ce que|puis-je|peut-on|como|cuanto|cuanta|por que|cuando|puedo|se puede|posso|quando|wie|warum|wann|kann|darf ich|come (?:si|posso|faccio|apro|avvio|inizio)|perche|quanto|si puo|hoe|waarom|wanneer|kan ik|mag ik|wat)\b/;

// Someone else's words: "my manager said to open …", "the docs say to …", "remind me to …".
const INDEFINITE_ARTICLES = new Set(['a', 'an', 'una', 'uma', 'un', 'une', 'een', 'ein', 'eine', 'uno']);

/** "¿Una sesión de Code puede ver mis repositorios?": a session, with an indefinite article, as the subject of a question. */
function askedOfASession(tokens: readonly Token[], first: number, questionMarks: SentenceEnds): boolean {
  const before = tokens[first - 1];
  return before !== undefined && INDEFINITE_ARTICLES.has(before.word) && questionMarks.endsWithQuestion(tokens[first]!.start);
}

const REPORTED =
  /\b(?:said|says|say to|told|tells|asked (?:me|us|him|her|them)|suggested|suggests|recommended|recommends|advised|wants? (?:me|us|him|her|them) to|wanted (?:me|us) to|remind (?:me|us) to|reminder to|m'a dit|a dit|dijo|disse|sagte|gesagt|ha detto|zei|zegt)\b/;

// "can I get a code session …?" asks for one; "can I open a code session from Discord?" asks about it.
const ASKS_FOR = /^(?:get|grab|have)$/;
const FIRST_PERSON = /\b(?:i|we)\b/;

function classify(masked: string, frameStart: number, end: number, questionMarks: SentenceEnds, verb: string): OverrideKind {
  const clauseStart = lastBoundary(masked, frameStart);
  const prefix = foldText(masked.slice(clauseStart, frameStart));
  if (NEGATION.test(prefix)) return 'negated';
  if (quoted(masked, frameStart)) return 'question';
  if (REPORTED.test(prefix)) return 'question';
  if (ASKS_FOR.test(verb) && /\b(?:can|could|may) (?:i|we)\s*$/.test(prefix)) return 'forced';
  if (QUESTION.test(prefix)) return 'question';
  if (questionMarks.endsWithQuestion(end) && FIRST_PERSON.test(prefix)) return 'question';
  return 'forced';
}

/** A phrase in quotation marks is talked about: 'translate "open a code session" into French'. */
function quoted(masked: string, start: number): boolean {
  const before = masked.slice(Math.max(0, start - 2), start).trimEnd();
  return /["\u201C\u00AB]$/.test(before);
}

function lastBoundary(text: string, before: number): number {
  // A boundary is looked for in the last 200 characters only, so many mentions stay cheap.
  // The window is sliced, so that a search never runs on past the phrase to the end of the text.
  const from = Math.max(0, before - 200);
  const window = text.slice(from, before);
  CLAUSE_BOUNDARY.lastIndex = 0;
  let clauseStart = from;
  for (let m = CLAUSE_BOUNDARY.exec(window); m !== null; m = CLAUSE_BOUNDARY.exec(window)) clauseStart = from + m.index + m[0].length;
  return clauseStart;
}

const LEADING_CONNECTOR =
  /^(?:[\s,:;.?!\-\u2013\u2014\u2192>\])*_~]|(?:and|to|then|et|pour|puis|y|para|pra|e|und|um|zum|om|per|&)(?![\w'\u00C0-\u024F]))*/i;
const POLITE_QUESTION = /\b(?:can|could|would|will)\s+(?:you|u)\b/i;

/** Only words of asking ("hey, could you please"), whatever their punctuation. */
function isFiller(text: string): boolean {
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) if (!FILLER_WORDS.has(foldToken(m[0]))) return false;
  return true;
}

function forcedTask(text: string, clauseStart: number, start: number, end: number): string {
  const clausePrefix = text.slice(clauseStart, start);
  const prefixIsFiller = isFiller(clausePrefix);
  // "Please, open a code session…": the whole prefix may be filler across a comma.
  const keptUpTo = isFiller(text.slice(0, start)) ? 0 : prefixIsFiller ? clauseStart : start;
  const before = text.slice(0, keptUpTo).trim();
  let after = text.slice(end).replace(LEADING_CONNECTOR, '').trim();
  if (prefixIsFiller && POLITE_QUESTION.test(clausePrefix) && after.endsWith('?')) after = after.slice(0, -1).trimEnd();
  // "would you mind opening a Code session and bumping lodash": the task goes on in gerunds.
  if (GERUNDS.has(foldToken(/^\S+/.exec(text.slice(start, end))?.[0] ?? ''))) after = taskFromGerund(after);
  const kept = before.replace(/[\s,;:\u2014\u2013-]+$/, '');
  return kept && after ? `${kept} ${after}` : kept || after;
}
