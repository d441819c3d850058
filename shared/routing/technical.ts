/**
 * Technical words in general: names shaped like code (`date-fns`, `lodash.get`,
 * `node:assert`, `@sentry/node`, `CheckoutForm`) and, in English messages, lowercase
 * words that an English word list does not know (`dayjs`, `memoize`, `serde`). Neither is
 * enough on its own to make a message coding work: `score.ts` weighs them against the
 * sentence's shape, like the names of tools in the lexicon.
 */

import { isEnglishWord } from './englishWords.js';
import { LEXICON } from './lexicon.js';
import { WordMemo } from './wordMemo.js';
import { tokensOf } from './tokens.js';

/** What the technical words of a message are. */
export interface TechnicalSignals {
  /** Names shaped like code, as written (at most a few). */
  readonly shaped: readonly string[];
  /** Lowercase words of an English message that the word list does not know (the first two). */
  readonly unknown: readonly string[];
  /** The message reads as English (more English function words than other languages'); read only when unknown words are wanted. */
  readonly english: boolean;
}

const MAX_TOKENS = 200;
// Words with a dot, dash, colon or slash inside, scoped names, and camel or Pascal case.
const EDGE = /^[("'\[{<*_~>¿¡]|[)"'\]}>*_~,;!?.:]$/;
// A token that may be a shaped name: a scope, a dot/dash/colon/slash inside, or a capital after a letter.
const INNER_SHAPE = /^@|[A-Za-z0-9][.\-:/][A-Za-z0-9]|[a-z][A-Z]/;
const LOWER_WORD = /^[a-z]{4,30}$/;
// Inside the word (not at its edges): a dot, dash, colon, slash, or a capital after a letter.
const MAYBE_SHAPED = /(?:^|\s)@|[A-Za-z0-9][.\-:/][A-Za-z0-9]|[a-z][A-Z]|[A-Z][a-z]{1,30}[A-Z]/;
const MAX_FOUND = 4;
const EDGE_PUNCTUATION = /^[("'\[{<*_~>¿¡]+|[)"'\]}>*_~,;!?.:]+$/g;
const DOTTED = /^@?[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)+$/i;
const DASHED = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;
const COLON_NAME = /^[a-z][a-z0-9-]+:[a-z][a-z0-9-]+$/;
const SCOPED = /^@[a-z0-9][\w.-]*\/[\w.-]+$/;
const PASCAL = /^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+$/;
const URL_LIKE = /^(?:https?:|www\.|mailto:)/i;
// Domains and abbreviations look dotted but are not code.
const DOMAIN_ENDINGS = new Set('com org net gov edu co uk de fr es it pt br nl eu us ca au ch be at io ai app dev me info biz'.split(' '));
// Brands written in PascalCase that office work names all the time.
const OFFICE_BRANDS = new Set(
  'linkedin youtube powerpoint whatsapp fedex paypal hubspot sharepoint onedrive quickbooks mailchimp surveymonkey wordpress tiktok doordash airbnb facetime imessage macbook ipad iphone playstation xbox mcdonald mcdonalds eventbrite salesforce openai chatgpt goodreads eurostar easyjet ryanair lufthansa blablacar deepl googledocs googlesheets docusign dropbox'.split(' '),
);

const CLITICS = new Set('ce moi toi lui nous vous eux elle elles il ils on je tu me te se le la les lo los las lhe lhes nos vos ci y en t la-bas'.split(' '));
const ENGLISH_FUNCTION = new Set('the a an to of in on for with and is are my our we it this that can you please from by be was do does what why how which any all me us i if so or but at'.split(' '));
const FOREIGN_FUNCTION = new Set(
  'le la les des du une est et pour dans avec sur que qui ne pas mes nos notre el los las del por para con una es y mis nuestro nuestra der die das und mit ist nicht ein eine einen fur auf den dem wir ich o os do da dos das com uma em nao meu minha nossa na nas'.split(' '),
);

/**
 * Finds the technical words of a message.
 *
 * @param masked - The normalised message with code blanked out (case kept).
 * @param wantUnknown - Whether to look for unknown words (they count only next to a verb that acts).
 * @returns The names shaped like code, the unknown words, and whether it reads as English.
 */
export function technicalSignals(masked: string, wantUnknown = true): TechnicalSignals {
  const shaped: string[] = [];
  const candidates: string[] = [];
  const mayBeShaped = MAYBE_SHAPED.test(masked);
  if (!mayBeShaped && !wantUnknown) return { shaped, unknown: [], english: false };
  // One pass over the tokens: shaped names, unknown lowercase words, and the function words
  // that tell an English message from a French or German one.
  let ours = 0;
  let theirs = 0;
  // The structural signals split the same masked text: the split is shared, and read up to MAX_TOKENS.
  const tokens = tokensOf(masked);
  const count = Math.min(tokens.length, MAX_TOKENS);
  for (let position = 0; position < count; position++) {
    const token = tokens[position] ?? '';
    if (token.length === 0 || token.length > 80) continue;
    const read = tokenReadings.get(token, readToken);
    if (read.functionWord === ENGLISH) ours++;
    else if (read.functionWord === FOREIGN) theirs++;
    if (read.bare.length < 3) continue;
    if (mayBeShaped && read.innerShape) {
      if (shaped.length < MAX_FOUND && read.shapedName) shaped.push(read.bare);
      continue;
    }
    // A capitalised unknown word is a name or a place ("Sarah", "Lisbon"); a lowercase one, a technical word.
    if (wantUnknown && position > 0 && candidates.length < 2 && read.lowerWord && isUnknownReading(read)) candidates.push(read.bare);
  }
  // Every word of a French or German message is unknown to an English list: only English messages count them.
  const english = theirs === 0 || ours > theirs;
  return { shaped, unknown: english ? candidates : [], english };
}

/** What a token says by itself, apart from its place in the message. */
interface TokenReading {
  /** The token without the punctuation at its edges. */
  readonly bare: string;
  readonly functionWord: typeof ENGLISH | typeof FOREIGN | undefined;
  /** May be a shaped name (a scope, a dot or dash inside, a capital after a letter). */
  readonly innerShape: boolean;
  /** Is a shaped name (read only when `innerShape`). */
  readonly shapedName: boolean;
  /** A lowercase word of 4 to 30 letters, which may be an unknown word. */
  readonly lowerWord: boolean;
  /** Whether `bare` is an unknown word: undefined until first asked (only of a `lowerWord`). */
  unknown: boolean | undefined;
}

const ENGLISH = 1;
const FOREIGN = 2;

// The same tokens recur from message to message, and a token's reading depends on it alone:
// the expressions and sets are consulted once per token.
const tokenReadings = new WordMemo<TokenReading>();

function readToken(token: string): TokenReading {
  const bare = EDGE.test(token) ? token.replace(EDGE_PUNCTUATION, '') : token;
  let functionWord: TokenReading['functionWord'];
  if (bare.length <= 5) {
    const lower = bare.toLowerCase();
    if (ENGLISH_FUNCTION.has(lower)) functionWord = ENGLISH;
    else if (FOREIGN_FUNCTION.has(lower)) functionWord = FOREIGN;
  }
  const innerShape = bare.length >= 3 && INNER_SHAPE.test(bare);
  return { bare, functionWord, innerShape, shapedName: innerShape && !URL_LIKE.test(bare) && isShapedName(bare), lowerWord: LOWER_WORD.test(bare), unknown: undefined };
}

/** Whether the token is an unknown word, kept in its reading: one memo probe per token instead of two. */
function isUnknownReading(read: TokenReading): boolean {
  if (read.unknown === undefined) read.unknown = isUnknownWord(read.bare);
  return read.unknown;
}

function isShapedName(bare: string): boolean {
  if (SCOPED.test(bare)) return true;
  if (COLON_NAME.test(bare)) return true;
  if (DOTTED.test(bare)) {
    const parts = bare.split('.');
    const last = (parts[parts.length - 1] ?? '').toLowerCase();
    // "e.g", "i.e": abbreviations; "example.com": a domain.
    return !parts.every((part) => part.length <= 2) && !DOMAIN_ENDINGS.has(last);
  }
  // "est-ce", "dis-moi", "faça-me": French and Portuguese join pronouns to verbs with a dash.
  if (DASHED.test(bare)) {
    const parts = bare.split('-');
    return !parts.some((part) => CLITICS.has(part)) && parts.some((part) => part.length >= 2 && /[a-z]/.test(part) && isUnknownWord(part));
  }
  if (PASCAL.test(bare)) return !OFFICE_BRANDS.has(bare.toLowerCase());
  return false;
}

/** Not an English word, not a word of the router's vocabulary, and not one typo from an English word. */
const unknownWords = new WordMemo<boolean>();

function isUnknownWord(word: string): boolean {
  return unknownWords.get(word, judgeUnknown);
}

function judgeUnknown(word: string): boolean {
  if (LEXICON.words.has(word) || isEnglishWord(word)) return false;
  return !nearEnglishWord(word);
}

/** One swap of neighbours or one extra letter away from an English word ("teh", "failign", "updatte"). */
function nearEnglishWord(word: string): boolean {
  for (let i = 0; i + 1 < word.length; i++) {
    if (isEnglishWord(word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2))) return true;
  }
  for (let i = 0; i < word.length; i++) {
    if (word[i] === word[i - 1] || word.length > 4) {
      const shorter = word.slice(0, i) + word.slice(i + 1);
      if (shorter.length >= 3 && isEnglishWord(shorter)) return true;
    }
  }
  return false;
}

/** What to look for technical signals in, and what was found once looked for. */
export interface TechnicalRequest {
  readonly text: string;
  readonly wantUnknown: boolean;
  found?: TechnicalSignals;
}

/**
 * The technical signals of a request, found on its first use and kept for the next. A
 * request object rather than a closure: tsx names every closure it creates, which cost
 * more per message than the look-up it deferred.
 *
 * @param request - The text and what is wanted of it; absent when nothing is.
 * @returns The signals, or undefined without a request.
 */
export function technicalOnDemand(request: TechnicalRequest | undefined): TechnicalSignals | undefined {
  if (!request) return undefined;
  request.found ??= technicalSignals(request.text, request.wantUnknown);
  return request.found;
}
