/**
 * Grounding in the user's own code: the words of a message that name things from the
 * vocabularies of the machine's repositories ("swap moment for date-fns" when `moment` and
 * `date-fns` are dependencies; "where we compute shipping costs" when the code has
 * `computeShippingCost`), and the repository a message names by its bare name ("run the
 * tests in isfail"). Terms are weighed by how specific they are: a compound name or a word
 * no English list knows says much, a plain English word little, and generic words of
 * every codebase ("test", "app", "index", "readme") nothing.
 */

import type { RepoVocabulary, RoutingContext } from './context.js';
import { isEnglishWord } from './englishWords.js';
import { LEXICON } from './lexicon.js';
import { foldText } from './normalize.js';
import { WordMemo } from './wordMemo.js';
import { wordsOf } from './words.js';

/** What the context says about a message. */
export interface GroundingSignals {
  /** Evidence that the message names the user's code (0 when there is no context). */
  readonly weight: number;
  /** The terms found, for the reason (at most a few). */
  readonly terms: readonly string[];
  /** The name of a repository the message names by itself, as the machine spells it. */
  readonly repoName?: string;
}

/** A compound name of the user's code ("shipping cost", "date fns"). */
const PHRASE_WEIGHT = 3;
/** A word that no English list knows ("dayjs", "isfail"). */
const SPECIFIC_WEIGHT = 2;
/** A plain English word that is also a name in the code ("shipping", "moment"). */
const ENGLISH_WEIGHT = 0.5;
const MAX_WEIGHT = 3;
const MAX_PHRASE_WORDS = 4;
const MAX_WORDS = 300;
const WORD = /[a-z0-9]+/g;

// Names every codebase has, and words too common to point at one.
const GENERIC = new Set(
  'test tests spec specs app apps index main readme src lib libs docs doc config configs util utils helper helpers api server client web www public static assets build dist scripts script types type core common shared data model models view views component components page pages service services package packages module modules node react vue angular next express jest mocha eslint prettier typescript javascript license changelog makefile dockerfile github workflows bin cmd internal pkg tools misc example examples demo sample vendor new old get set add run start dev prod staging local default base home user users item items list name names value values file files error errors log logs info debug date time string number object array map key keys id ids text content style styles image images icon icons font fonts layout header footer button form input output result results request response event events option options update delete create read write load save send open close the and for with from this that you your our all any one two'.split(
    ' ',
  ),
);

interface VocabularyIndex {
  readonly words: ReadonlySet<string>;
  readonly phrases: ReadonlySet<string>;
  /** First words of the phrases: most words of a message start none, and are skipped. */
  readonly phraseStarts: ReadonlySet<string>;
}

// Each vocabulary is indexed once, the first time a message is routed against it.
const indexes = new WeakMap<RepoVocabulary, VocabularyIndex>();

function indexOf(vocabulary: RepoVocabulary): VocabularyIndex {
  let index = indexes.get(vocabulary);
  if (index) return index;
  const words = new Set<string>();
  const phrases = new Set<string>();
  const phraseStarts = new Set<string>();
  for (const term of vocabulary.terms) {
    const parts = term.toLowerCase().match(WORD) ?? [];
    if (parts.length === 1) words.add(parts[0] ?? '');
    // Every run of two or more words of a compound name: "compute shipping cost" gives
    // "compute shipping", "shipping cost" and the whole.
    for (let from = 0; from < parts.length - 1; from++) {
      phraseStarts.add(parts[from] ?? '');
      for (let to = from + 2; to <= Math.min(parts.length, from + MAX_PHRASE_WORDS); to++) phrases.add(parts.slice(from, to).join(' '));
    }
  }
  index = { words, phrases, phraseStarts };
  indexes.set(vocabulary, index);
  return index;
}

/** How a word of a message could ground it, whatever the vocabulary (memoized: it depends on the word alone). */
interface WordGrounding {
  /** The weight the word adds when a vocabulary holds it; 0 for a word never looked up. */
  readonly weight: number;
  /** The word without a plural "s", looked up too. */
  readonly singular: string;
}

const UNGROUNDED: WordGrounding = { weight: 0, singular: '' };
const DIGITS = /^\d+$/;
const wordGroundings = new WordMemo<WordGrounding>();

function groundingOfWord(word: string): WordGrounding {
  if (word.length < 3 || GENERIC.has(word) || LEXICON.words.has(word) || DIGITS.test(word)) return UNGROUNDED;
  const singular = word.length > 4 && word.endsWith('s') ? word.slice(0, -1) : word;
  return { weight: isEnglishWord(word) ? ENGLISH_WEIGHT : SPECIFIC_WEIGHT, singular };
}

// Names of repositories, folded once each.
const foldedNames = new WordMemo<string>();

/**
 * Finds the words of a message that name the user's code and repositories.
 *
 * @param folded - The message folded for word matching, code masked.
 * @param context - The machine's repositories, when known.
 * @returns The weight of the evidence, the terms found and a repository named by itself.
 */
export function groundingSignals(folded: string, context: RoutingContext | undefined): GroundingSignals {
  if (!context || context.repos.length === 0) return { weight: 0, terms: [] };
  const all = wordsOf(folded);
  const words = all.length > MAX_WORDS ? all.slice(0, MAX_WORDS) : all;
  const repoName = findRepoName(folded, context);
  const vocabularies: VocabularyIndex[] = [];
  for (const repo of context.repos) if (repo.vocabulary && repo.vocabulary.terms.length > 0) vocabularies.push(indexOf(repo.vocabulary));
  const terms: string[] = [];
  let weight = 0;
  // Words inside a phrase found; made on the first phrase, as most messages have none.
  let covered: Uint8Array | undefined;
  for (let i = 0; i < words.length - 1; i++) {
    const first = words[i] as string;
    if (covered?.[i] || !anyHas(vocabularies, 'phraseStarts', first)) continue;
    // Every run of two words of a compound name is indexed: without its first pair, no
    // longer phrase from here can match either.
    const pair = `${first} ${words[i + 1] as string}`;
    if (!anyHasOrSingular(vocabularies, 'phrases', pair)) continue;
    for (let n = Math.min(MAX_PHRASE_WORDS, words.length - i); n >= 2; n--) {
      if (allGeneric(words, i, i + n)) continue;
      const phrase = words.slice(i, i + n).join(' ');
      if (anyHasOrSingular(vocabularies, 'phrases', phrase)) {
        weight += PHRASE_WEIGHT;
        terms.push(phrase);
        covered ??= new Uint8Array(words.length);
        covered.fill(1, i, i + n);
        break;
      }
    }
  }
  for (let i = 0; i < words.length; i++) {
    if (covered?.[i]) continue;
    const word = words[i] as string;
    const grounding = wordGroundings.get(word, groundingOfWord);
    if (grounding.weight === 0) continue;
    if (!anyHas(vocabularies, 'words', word) && !anyHas(vocabularies, 'words', grounding.singular)) continue;
    weight += grounding.weight;
    terms.push(word);
  }
  return { weight: Math.min(MAX_WEIGHT, weight), terms: terms.length === 0 ? terms : [...new Set(terms)].slice(0, 4), ...(repoName !== undefined && { repoName }) };
}

function anyHas(vocabularies: readonly VocabularyIndex[], set: 'words' | 'phrases' | 'phraseStarts', key: string): boolean {
  for (const vocabulary of vocabularies) if (vocabulary[set].has(key)) return true;
  return false;
}

/** The phrase, or the phrase without a plural "s", in any vocabulary. */
function anyHasOrSingular(vocabularies: readonly VocabularyIndex[], set: 'phrases', phrase: string): boolean {
  if (anyHas(vocabularies, set, phrase)) return true;
  return phrase.endsWith('s') && anyHas(vocabularies, set, phrase.slice(0, -1));
}

/** Whether every word of words[from, to) is generic or short: such a phrase names nothing. */
function allGeneric(words: readonly string[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const word = words[k] as string;
    if (!GENERIC.has(word) && word.length >= 3) return false;
  }
  return true;
}

/** A repository named by itself: "run the tests in isfail", "fix the header on the website". */
function findRepoName(folded: string, context: RoutingContext): string | undefined {
  let best: { at: number; name: string } | undefined;
  for (const repo of context.repos) {
    const name = foldedNames.get(repo.name, foldText);
    if (name.length < 2) continue;
    let from = 0;
    for (let at = folded.indexOf(name, from); at !== -1; at = folded.indexOf(name, from)) {
      if (!isNameChar(folded.charCodeAt(at - 1)) && !isNameChar(folded.charCodeAt(at + name.length)) && (best === undefined || at < best.at)) {
        best = { at, name: repo.name };
        break;
      }
      from = at + 1;
    }
  }
  return best?.name;
}

/** [a-z0-9_-]; NaN (outside the text) is not. */
function isNameChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 45;
}
