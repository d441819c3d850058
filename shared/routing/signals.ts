/**
 * Word signals: the vocabulary matched against a folded message, with the main verb, the
 * object it acts on, and the framing of the message (a question, a diagnosis).
 */

import { isEnglishWord } from './englishWords.js';
import { LEXICON, POLITE, type Term } from './lexicon.js';
import { WordMemo } from './wordMemo.js';
import { stems } from './stems.js';
import { aboutOurs, type AboutOurs } from './asksAboutOurs.js';
import { peopleMeetProduct } from './peopleMeetProduct.js';
import { productQuestion } from './productQuestion.js';
import { tellsSymptom } from './symptomsMoreLanguages.js';
import { reportsWrongBehaviour } from './wrongBehaviour.js';
import { wordsOf } from './words.js';
import { NON_ASCII, foldText } from './normalize.js';

/** A vocabulary term found in the message. */
export interface WordMatch {
  readonly term: Term;
  /** Position in the message, in words. */
  readonly index: number;
  /** The word (or words) as folded. */
  readonly word: string;
}

/** What the words of a message say. */
export interface WordSignals {
  /** Every vocabulary term found, in order. */
  readonly matches: readonly WordMatch[];
  /** The verb of the request: the first verb near the start of the message. */
  readonly mainVerb: WordMatch | undefined;
  /** The message starts with its main verb, after greetings and politeness ("please fix …"). */
  readonly imperative: boolean;
  /** The first object after the main verb: what the request acts on. */
  readonly headObject: WordMatch | undefined;
  /** Asks for information ("what is", "explain", "how do I"). */
  readonly informational: boolean;
  /** Asks why something fails ("why does", "what's wrong with"). */
  readonly diagnostic: boolean;
  /** Names a version target ("to the latest", "to v5", "to 22"). */
  readonly versionTarget: boolean;
  /** Says that something stopped doing its job ("doesn't load", "didn't run", "isn't picked up"). */
  readonly malfunction: boolean;
  /** The folded text the signals were read from. */
  readonly text: string;
  /** How many words the message has. */
  readonly wordCount: number;
  /** Names a bug by its symptom ("shows the wrong month", "fired twice", "duplicate orders"). */
  readonly bugShape: boolean;
  /** Says what the user wants of their product ("I want a button that …", "make it so", "fais en sorte que"). */
  readonly wants: boolean;
  /** A question about the user's own product ("where do we …", "how does our app …"), or a request to explain it ("explain how our … works"). */
  readonly asksAboutOurs: AboutOurs;
  /** A question about a part of the product or a place in its code ("why does the cart …", "where do we store …"). */
  readonly asksAboutProduct: boolean;
  /** A question about why people act as they do ("why do customers abandon …"): research, not a bug. */
  readonly peopleAgent: boolean;
}

const MAIN_VERB_WINDOW = 12;
const HEAD_OBJECT_WINDOW = 6;
const ELISION = /\b(qu|[cdjlmnst])'/g;
const APOSTROPHE = /'/g;

const INFORMATIONAL =
  /\b(?:what(?:s| is| are| was| were| does| do| did| should| would| will| can| could| happens| about)|who (?:is|are|was|were)|when (?:is|are|was|did|does|do|will|should)|where (?:is|are|can|do|does|should)|which (?:is|are|one|ones)|how (?:do|does|did|can|could|should|would|is|are|many|much|long|often|far|old|to)|explain|describe|define|tell me|teach me|help me understand|difference between|meaning of|eli5|give me (?:a |an |some )?(?:summary|overview|list|ideas?|tips|examples|rundown|recap|brief|breakdown)|is it (?:true|possible|worth|better|ok|okay)|(?:is|are) \w+(?: \w+)? (?:generally |really |actually )?(?:better|worse|faster|slower|cheaper) than|should i|qu est[- ]ce|c est quoi|explique|que significa|explica|como funciona|was ist|was sind|wie (?:viel|viele|lange|funktioniert)|erklare|erklar|spiegami|spiegaci|spiegare|che cos[ae]|cose un[ao]?|cosa (?:e|sono|significa)|leg (?:me )?uit|uitleggen|wat (?:is|zijn|betekent))\b/;
// The same in Polish, Russian, Turkish and Swedish, and in Japanese, Korean and Chinese, folded as the message is.
// Their letters are not \w: a word starts after a character that is no letter, instead of at \b; the
// words of the unspaced scripts need no edge.
const QUESTION_WORDS_MORE = [
  ...['co to jest', 'co to są', 'czym jest', 'czym są', 'wyjaśnij', 'wytłumacz', 'objaśnij', 'jak działa', 'na czym polega', 'jaka jest różnica'],
  ...['что такое', 'что значит', 'что означает', 'объясни', 'расскажи', 'как работает', 'как работают', 'в чём разница', 'чем отличается'],
  ...['nedir', 'ne demek', 'açıkla', 'anlatır mısın', 'nasıl çalış', 'farkı ne'],
  ...['vad är', 'vad betyder', 'vad innebär', 'förklara', 'hur fungerar', 'skillnaden mellan'],
];
const QUESTION_WORDS_UNSPACED = ['とは', 'って何', 'を教えて', 'について教えて', '説明して', '仕組み', '違いは', '違いって', '違いを', '뭔지', '무엇인가', '뭐야', '설명해', '어떻게 작동', '차이가', '什么是', '是什么', '解释', '介绍一下', '怎么工作', '如何工作', '原理', '区别'];
const INFORMATIONAL_MORE = new RegExp(
  String.raw`(?:^|[^\p{L}\p{N}])(?:${QUESTION_WORDS_MORE.map(foldText).join('|')})|${QUESTION_WORDS_UNSPACED.map(foldText).join('|')}`,
  'u',
);
// Most messages are written in the languages INFORMATIONAL reads: the others are looked at only when a letter
// outside ASCII, or a word of theirs that folds to ASCII, may be one.
const ASCII_ASK_WORDS = new Set(['nedir', 'demek', 'vad', 'forklara', 'fungerar', 'skillnaden', 'co', 'czym', 'wyjasnij', 'objasnij']);
function mayAskInMoreLanguages(text: string, words: readonly string[]): boolean {
  if (NON_ASCII.test(text)) return true;
  // A plain loop: a callback would be made anew for every message.
  for (const word of words) if (ASCII_ASK_WORDS.has(word)) return true;
  return false;
}
const DIAGNOSTIC =
  /\b(?:why|whys|what(?:s| is) (?:wrong|broken|failing|causing|breaking|happening with)|what broke|pourquoi|por que|porque falla|warum|perche|waarom|wat is er mis|(?:che )?cosa non va)\b/;
const MALFUNCTION = new RegExp(
  [
    String.raw`\b(?:doesnt|dont|didnt|isnt|arent|wasnt|wont|cant|never|stopped|no longer|does not|do not|did not|will not|can not|cannot)(?: \w+)? (?:work|run|load|return|show|save|send|arrive|go through|render|fire|trigger|sync|pick|start|connect|respond|display|submit|redirect|refresh|appear|clear|reset|close|update|validate|reload|scroll|match|do anything)`,
    String.raw`\b(?:ne fait rien|ne marche (?:pas|plus)|ne fonctionne (?:pas|plus)|no hace nada|no funciona|ya no funciona|tut nichts|funktioniert nicht(?: mehr)?|geht nicht(?: mehr)?|nao faz nada|nao funciona|parou de funcionar)\b`,
    // Said colloquially: "la recherche renvoie rien", "reagiert nicht", "não tá funcionando", "spins forever".
    // A verb of what software does, said not to happen, in each language: "n'envoie plus rien", "no guarda",
    // "não está salvando", "speichert nicht", "emails not sending".
    String.raw`\bne? (?:s )?(?:envoie|charge|enregistre|sauvegarde|repond|affiche|ouvre|marche|fonctionne|trouve|calcule|part|arrive|synchronise|valide)(?:nt)? (?:plus rien|plus|pas|rien|jamais)\b`,
    String.raw`\bno (?:se )?(?:envia|carga|guarda|responde|muestra|abre|encuentra|llega|calcula|aparece|sincroniza|actualiza|valida)n?\b`,
    String.raw`\bnao (?:(?:esta|ta|estao|tao) )?(?:envia|enviando|carrega|carregando|salva|salvando|mostra|mostrando|abre|abrindo|encontra|chega|chegando|aparece|aparecendo|responde|respondendo|atualiza|sincroniza|funciona)m?\b`,
    String.raw`\b(?:sendet|schickt|ladt|laedt|speichert|zeigt|offnet|findet|reagiert|synchronisiert|aktualisiert|startet)(?: \w+){0,4}? (?:nicht|nichts|keine|keinen|kein)\b`,
    // Nothing happens: "nada acontece", "nichts passiert", "il ne se passe rien", "no pasa nada".
    String.raw`\b(?:nothing happens|nada acontece|nao acontece nada|nichts passiert|passiert nichts|ne se passe rien|se passe rien|no pasa nada|nada pasa)\b`,
    String.raw`\bnot (?:sending|loading|working|saving|showing|syncing|rendering|updating|arriving|going out|firing|triggering|running|connecting)\b`,
    String.raw`\b(?:(?:ne )?renvoie(?:nt)? rien|s? ?affiche(?:nt)? (?:pas|rien)|(?:ne )?s ouvre pas|findet nichts|zeigt nichts|reagiert nicht|ladt nicht|nao (?:ta|esta) funcionando|nao retorna nada|nao carrega|nao abre|no devuelve nada|no carga|no responde|no se abre|(?:spins|loads|hangs|takes) forever|keeps? (?:getting )?(?:logged out|crashing|freezing|spinning))\b`,
  ].join('|'),
);
// Cheap tests first: most messages have none of these words.
const MAY_MALFUNCTION = /nt |not|never|stopped|longer|cannot|rien|pas|plus|jamais|nada|funciona|nicht|nichts|kein|nao|no |forever|keep/;
const MAY_BE_BUG = /wrong|twice|blank|white|empty|blanc|branca|weiss|leere|chok|blow|fall|crash|duplicat|off by|vezes|veces|fois|doppelt|zweimal|errad|incorrect|equivocad|faux|fausse|falsch/;
// Bugs said by their symptom: "shows the wrong month", "fired twice", "a blank screen", "off by one cent".
const BUG_SHAPE = new RegExp(
  [
    String.raw`\b(?:shows?|showing|returns?|returning|displays?|gives?|sends?|picks?|uses?|computes?|has|have|gets?) (?:the |a )?wrong\b`,
    // Shown or sent twice, in each language: "affiche deux fois", "manda notificação duas vezes", "zeigt doppelt".
    String.raw`\b(?:shows?|displays?|lists?|affiche\w*|mostra\w*|muestra\w*|zeigt|manda\w*|envia\w*|envoie\w*|schickt|sends?)\b(?:\s+\S+){0,3}?\s+(?:duas vezes|dos veces|deux fois|doppelt|zweimal|twice)\b`,
    // A blank page in each language: "une page blanche", "uma tela branca", "se queda en blanco", "eine weiße Seite".
    String.raw`\b(?:page blanche|ecran blanc|tela (?:em )?branca|pagina (?:em )?branca|pagina en blanco|pantalla en blanco|se queda en blanco|(?:weisse|leere) seite|(?:weisser|leerer) bildschirm)\b`,
    String.raw`\b(?:fired|ran|runs|sent|sends|charged|charges|triggered|called|executed|posted|imported) twice\b`,
    String.raw`\b(?:white|blank|empty) (?:page|screen)\b`,
    String.raw`\b(?:chokes?|choking|blows? up|falls? over|crashes|crashing) (?:on|when|with|if)\b`,
    // The same in other languages: "recebendo o e-mail duas vezes", "reçoivent deux fois", "mostra o total errado".
    String.raw`\b(?:recebe\w*|recib\w*|recoiv\w*|recoit|bekomm\w*|erhalt\w*|get|gets|getting|receiv\w*|arriv\w*|chega\w*|llega\w*|kommt|kommen)\b(?:\s+\S+){0,4}?\s+(?:duas vezes|dos veces|deux fois|doppelt|zweimal|twice)\b`,
    String.raw`\b(?:mostra|muestra|affiche|zeigt|exibe)\b(?:\s+\S+){0,3}?\s+(?:errad[oa]s?|incorrect[oa]s?|equivocad[oa]s?|faux|fausse|falsch\w*)\b`,
    String.raw`\bduplicated? (?:orders|emails|charges|entries|records|users|payments|events|notifications|messages|requests)\b|\boff by (?:one|a|1)\b`,
  ].join('|'),
);
  /\b(?:doesnt|dont|didnt|isnt|arent|wasnt|wont|cant|never|stopped|no longer)(?: \w+)? (?:work|run|load|return|show|save|send|render|fire|trigger|sync|pick|start|connect|respond|display|submit|redirect|refresh|appear|clear|reset|close|update|validate|reload|scroll|match|do anything)/;
// What the user wants their product to do or have, said as a wish rather than a verb.
const WANTS =
  /\b(?:i want|we want|i need|we need|i d like|id like|i would like|we should|there should be|it should|should be able to|can we|could we|make it so|make sure|quero que|queremos que|quero um|je veux que|je voudrais que|on veut que|fais en sorte|faites en sorte|quiero que|queremos que|haz que|hagan que|faz com que|faca com que|faz que|ich will|ich mochte|wir wollen|wir brauchen|sorg dafur|sorge dafur)\b/;
const MAY_WANT = /want|need|like|should|can we|could we|make|quer|veux|voudrais|veut|sorte|quier|haz|hagan|faz|faca|will|mocht|woll|brauch|sorg/;
// Every version target has a digit or a word for the latest: one cheap test first.
const MAY_BE_VERSION = /\d|latest|newest|derniere|ultima|neueste/;
const VERSION_TARGET = /\b(?:to|a|auf) (?:the )?(?:latest|newest|derniere|ultima|neueste)\b|\bto v?\d{1,4}(?:\.(?:\d{1,6}|x)){0,3}\b|\bto [a-z][\w.-]{1,20} v?\d{1,4}(?:\.(?:\d{1,6}|x)){1,3}\b/;

// Typos are looked for only near the start (the request), in words of 6+ letters, against
// long words whose one-typo neighbours are not common words ("branch" is not: "brunch").
const TYPO_WINDOW = 60;
const MIN_TYPO_LENGTH = 6;
const TYPO_TARGETS: ReadonlyMap<number, readonly string[]> = groupByLength(
  'refactor implement upgrade migrate migration deployment dependency dependencies repository endpoint function component pipeline exception changelog database middleware webhook frontend codebase compile install spreadsheet presentation summarize proofread newsletter calendar itinerary announcement translate',
);

function groupByLength(words: string): Map<number, string[]> {
  const byLength = new Map<number, string[]>();
  for (const word of words.split(' ')) {
    if (!LEXICON.words.has(word)) throw new Error(`typo target "${word}" is not in the lexicon`);
    byLength.set(word.length, [...(byLength.get(word.length) ?? []), word]);
  }
  return byLength;
}

// Short, common verbs of a request, looked for one swap or one edit away only in the verb's
// place ("fxi the login", "updte deps", "reveiw my pr").
const LEAD_VERB_TYPO_TARGETS: readonly string[] = 'fix add update remove delete write review rename merge deploy debug install upgrade change create implement refactor'.split(' ');
// "build a settings page": a verb at the start, the noun ("the build") elsewhere.
const MAKE_TERM = LEXICON.words.get('make');
const BUILD_OBJECT_STARTS = new Set(['a', 'an', 'the', 'me', 'us', 'out', 'some', 'our', 'my', 'new']);
// A noun phrase ends at a preposition, a conjunction or a pronoun ("the form to mailchimp").
const COMPOUND_GAP = 2;
const PHRASE_BREAKS = new Set(
  'to into for in on of with from by at about as that which who so and or but when where while because is are was be it this these those my our your their me us instead than like pour de du des sur avec para por del con en sobre und fur von mit im auf zu zur zum uber'.split(' '),
);
const BRANCH_TERM = LEXICON.words.get('branch');
const BRANCH_WORDS = new Set(['main', 'master', 'develop', 'trunk']);
const BRANCH_PREPOSITIONS = new Set(['on', 'to', 'into', 'onto', 'from', 'off', 'against', 'of', 'sur', 'en', 'auf']);

/**
 * Folds apostrophes for word matching: French elisions split ("l'erreur" → "l erreur"),
 * English contractions joined ("don't" → "dont").
 *
 * @param folded - Text already folded with `foldText`.
 * @returns The text ready for `wordSignals`.
 */
export function joinContractions(folded: string): string {
  return folded.includes("'") ? folded.replace(ELISION, '$1 ').replace(APOSTROPHE, '') : folded;
}

/**
 * Matches the vocabulary against a folded message.
 *
 * @param text - The message folded with `foldText` and `joinContractions`, code masked.
 * @returns The terms found and the shape of the request.
 */
export function wordSignals(text: string): WordSignals {
  const words = wordsOf(text);
  const matches: WordMatch[] = [];
  let firstWord = 0;
  while (firstWord < words.length && POLITE.has(words[firstWord] ?? '')) firstWord++;
  let mainVerb: WordMatch | undefined;
  let headObject: WordMatch | undefined;
  // The object of a request is the last noun of a compound: "the newsletter signup form".
  let compoundEnd = -1;
  for (let i = 0; i < words.length; ) {
    const match = i === firstWord ? leadBuild(words, i) ?? matchAt(words, i, true) ?? leadVerbTypo(words, i) : matchAt(words, i, i < TYPO_WINDOW);
    if (!match) {
      i++;
      continue;
    }
    matches.push(match);
    const kind = match.term.kind;
    const isVerb = kind === 'codeVerb' || kind === 'actionVerb' || kind === 'coworkVerb';
    const length = wordCount(match.word);
    // A tool or a failure word is a modifier ("a python script"), not the object.
    const isObject = !isVerb && kind !== 'failure' && kind !== 'tech';
    if (!mainVerb && isVerb && i - firstWord < MAIN_VERB_WINDOW) mainVerb = match;
    else if (mainVerb && isObject && !headObject && i - mainVerb.index <= HEAD_OBJECT_WINDOW) {
      headObject = match;
      compoundEnd = i + length;
    } else if (headObject && compoundEnd >= 0 && continuesCompound(words, compoundEnd, i)) {
      // A thing of a codebase outranks an office word: "a PR description" is about the PR.
      const keepsCode = (headObject.term.kind === 'codeObject' || headObject.term.kind === 'surface') && kind === 'coworkObject';
      if (isObject && !keepsCode) headObject = match;
      compoundEnd = kind === 'failure' || isVerb ? -1 : i + length;
    } else if (headObject) compoundEnd = -1;
    i += length;
  }
  const question = productQuestion(words, matches, text);
  return {
    matches,
    mainVerb,
    imperative: mainVerb?.index === firstWord,
    headObject,
    informational: INFORMATIONAL.test(text) || (mayAskInMoreLanguages(text, words) && INFORMATIONAL_MORE.test(text)),
    diagnostic: DIAGNOSTIC.test(text),
    versionTarget: MAY_BE_VERSION.test(text) && VERSION_TARGET.test(text),
    malfunction: (MAY_MALFUNCTION.test(text) && MALFUNCTION.test(text)) || peopleMeetProduct(words),
    bugShape: (MAY_BE_BUG.test(text) && BUG_SHAPE.test(text)) || reportsWrongBehaviour(text) || tellsSymptom(text, words),
    wants: MAY_WANT.test(text) && WANTS.test(text),
    asksAboutOurs: aboutOurs(words, text),
    asksAboutProduct: question.aboutProduct,
    peopleAgent: question.peopleAgent,
    text,
    wordCount: words.length,
  };
}

function wordCount(phrase: string): number {
  let count = 1;
  for (let at = phrase.indexOf(' '); at !== -1; at = phrase.indexOf(' ', at + 1)) count++;
  return count;
}

/** Whether the words from `end` to `next` stay inside one noun phrase ("csv export button"). */
function continuesCompound(words: readonly string[], end: number, next: number): boolean {
  if (next - end > COMPOUND_GAP) return false;
  for (let j = end; j < next; j++) if (PHRASE_BREAKS.has(words[j] ?? '')) return false;
  return true;
}

/** "build a settings page": the verb, where elsewhere "build" is the noun ("the build"). */
function leadBuild(words: readonly string[], i: number): WordMatch | undefined {
  const word = words[i] ?? '';
  return word === 'build' && MAKE_TERM && BUILD_OBJECT_STARTS.has(words[i + 1] ?? '') ? { term: MAKE_TERM, index: i, word } : undefined;
}

/** A misspelt verb in the verb's place: "fxi the login", "updte deps", "reveiw my pr". */
function leadVerbTypo(words: readonly string[], i: number): WordMatch | undefined {
  const word = words[i] ?? '';
  if (word.length < 3 || POLITE.has(word)) return undefined;
  for (const target of LEAD_VERB_TYPO_TARGETS) {
    if (Math.abs(target.length - word.length) > 1 || target[0] !== word[0] || word === target) continue;
    // Three-letter words only by a swap of neighbours ("fxi"), not by any edit ("fax").
    if (word.length === 3 ? word.length === target.length && isSwap(word, target) : withinOneEdit(word, target)) {
      const term = LEXICON.words.get(target);
      if (term) return { term, index: i, word };
    }
  }
  return undefined;
}

function isSwap(a: string, b: string): boolean {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

function matchAt(words: readonly string[], i: number, allowTypos: boolean): WordMatch | undefined {
  const word = words[i] ?? '';
  const entry = entries.get(word, entryOf);
  const seconds = entry.seconds;
  const next = words[i + 1];
  // A two-word phrase with a plural last word ("unit tests") is found as its singular.
  if (seconds !== undefined && next !== undefined && (seconds.has(next) || (next.endsWith('s') && seconds.has(next.slice(0, -1))))) {
    // Grown a word at a time while a longer term may still start so; the longest term wins.
    let phrase = word;
    let longest: WordMatch | undefined;
    for (let n = 2; n <= LEXICON.maxPhraseWords && i + n <= words.length; n++) {
      phrase = `${phrase} ${words[i + n - 1] ?? ''}`;
      // "unit tests", "merge conflicts": the last word may be plural.
      const term = LEXICON.phrases.get(phrase) ?? (phrase.endsWith('s') ? LEXICON.phrases.get(phrase.slice(0, -1)) : undefined);
      if (term) longest = { term, index: i, word: phrase };
      if (!LEXICON.phrasePrefixes.has(phrase)) break;
    }
    if (longest) return longest;
  }
  if (BRANCH_TERM && entry.branchWord && BRANCH_PREPOSITIONS.has(words[i - 1] ?? '')) {
    return { term: BRANCH_TERM, index: i, word };
  }
  let term = entry.term;
  if (term === null && allowTypos) {
    // A word one typo from no term is remembered as null: `??=` would look it up again every time.
    if (entry.typo === undefined) entry.typo = lookUpTypo(word) ?? null;
    term = entry.typo;
  }
  return term ? { term, index: i, word } : undefined;
}

/**
 * What the vocabulary knows of one word, looked up once: the phrases it starts, whether it
 * may name a branch, its term, and (on first need) the term it is one typo from. One memo
 * probe per word instead of one per table.
 */
interface WordEntry {
  readonly seconds: ReadonlySet<string> | undefined;
  readonly branchWord: boolean;
  /** Null (not undefined) for a word with no term, so that the memo remembers the miss too. */
  readonly term: Term | null;
  /** The term of a typo, when the word has no term of its own: undefined until first need, null for none. */
  typo: Term | null | undefined;
}

const entries = new WordMemo<WordEntry>();
// Every field is set from the start, so that all entries share one shape.
const entryOf = (word: string): WordEntry => ({ seconds: LEXICON.phraseSeconds.get(word), branchWord: BRANCH_WORDS.has(word), term: lookUp(word) ?? null, typo: undefined });

// Shorter words of code ("lgoin", "failng", "biuld"): only a swap of neighbours or a letter dropped
// (a letter added only in a word of six letters or more), never a letter changed (one change makes other words: "fest", "bold"),
// same first letter, and only for a word no English list knows.
const SHORT_TYPO_TARGETS: readonly string[] = 'test tests login logout build deploy merge broken crash error commit branch failing crashing'.split(' ');
const MIN_SHORT_TYPO_LENGTH = 4;

function lookUpShortTypo(word: string): Term | undefined {
  if (word.length < MIN_SHORT_TYPO_LENGTH || isEnglishWord(word)) return undefined;
  for (const target of SHORT_TYPO_TARGETS) {
    if (target[0] !== word[0] || Math.abs(target.length - word.length) > 1 || word === target) continue;
    // A letter dropped ("brokn"), not one added: "tekst" is Dutch for text, not "test" misspelt.
    if (target.length === word.length ? isSwap(word, target) : (word.length < target.length || word.length >= MIN_TYPO_LENGTH) && withinOneEdit(word, target)) return lookUp(target);
  }
  return undefined;
}

/** Finds a long, distinctive word one typo away ("refacter", "dependancies", "spreadhseet"), or a short word of code misspelt. */
function lookUpTypo(word: string): Term | undefined {
  if (word.length < MIN_TYPO_LENGTH) return lookUpShortTypo(word);
  for (let length = word.length - 1; length <= word.length + 1; length++) {
    for (const target of TYPO_TARGETS.get(length) ?? []) {
      if (withinOneEdit(word, target)) return LEXICON.words.get(target);
    }
  }
  return lookUpShortTypo(word);
}

/** One substitution, insertion, deletion or swap of neighbours apart. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length > b.length) return a.slice(i + 1) === b.slice(i);
  if (a.length < b.length) return a.slice(i) === b.slice(i + 1);
  if (a.slice(i + 1) === b.slice(i + 1)) return true;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Looks a word up as is, then with regular English inflections removed, then as a compound. */
function lookUp(word: string): Term | undefined {
  const exact = LEXICON.words.get(word);
  if (exact || word.length < 4) return exact;
  for (const stem of stems(word)) {
    const term = LEXICON.words.get(stem);
    if (term) return term;
  }
  return word.length >= MIN_COMPOUND_LENGTH && word.length <= MAX_COMPOUND_LENGTH ? compoundTail(word) : undefined;
}

// German nouns are written as one word, the head last: "Kontaktseite" is a page,
// "Zahlungsdienst" a service. The tail must be a part of a product or a thing of code.
const MIN_COMPOUND_LENGTH = 9;
const MAX_COMPOUND_LENGTH = 40;
const MIN_TAIL_LENGTH = 5;
const NOT_TAILS = new Set(['tester', 'testing']);

function compoundTail(word: string): Term | undefined {
  for (let start = 3; word.length - start >= MIN_TAIL_LENGTH; start++) {
    const tail = word.slice(start);
    const term = LEXICON.words.get(tail);
    if (term && (term.kind === 'surface' || term.kind === 'codeObject') && !NOT_TAILS.has(tail)) return term;
  }
  return undefined;
}

