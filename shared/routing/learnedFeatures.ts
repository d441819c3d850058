/**
 * Hashed features of a message for the learned routing signal (see `learned.ts`): word
 * unigrams and bigrams, character 3–5-grams inside words (they carry across languages and
 * typos), and a few shapes of code. Each feature is a bucket of 2^FEATURE_BITS, found with
 * FNV-1a over char codes, so that no substring is ever allocated.
 */

/** Buckets are numbers below 2 ** FEATURE_BITS. */
export const FEATURE_BITS = 16;
const MASK = (1 << FEATURE_BITS) - 1;
/** At most this many features per message; the rest of a very long message is not read. */
export const MAX_FEATURES = 4096;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Seeds keep the kinds of feature apart: the word "api" and the trigram "api" differ.
const WORD_SEED = 0x1b873593;
const BIGRAM_SEED = 0x5bd1e995;
const GRAM_SEED = 0x27d4eb2d;
const SHAPE_SEED = 0x165667b1;
const CJK_SEED = 0x3c6ef372;
// Japanese and Chinese write no spaces: a clause is one "word", and its character pairs carry its words.
const MAX_CJK_WORD = 160;
const BOUNDARY = 0x2; // marks the start and the end of a word in its character n-grams
const MAX_GRAM = 5; // and 3 the shortest
const MAX_GRAMMED_WORD = 40;

/** Shapes of code a message may have, each one feature. */
const enum Shape {
  CodeSpan = 1,
  DottedName = 2,
  Path = 3,
  Version = 4,
  Dashed = 5,
  Underscored = 6,
  Digits = 7,
  CamelCase = 8,
  Short = 9,
  Long = 10,
}

const SHAPE_COUNT = 10;

function mix(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME) >>> 0;
}

// A word is a run of letters, digits and the inner punctuation of names (a.b, a-b, a_b, a/b, @scope).
// Below 0xC0 the class of a character is read from a table (one load instead of a chain of
// comparisons, for every character of every message); from 0xC0 up every character is a letter.
const LETTER_OR_DIGIT = 1;
const NAME_PUNCTUATION = 2;
const ASCII_CLASS = new Uint8Array(0xc0);
for (let code = 97; code <= 122; code++) ASCII_CLASS[code] = LETTER_OR_DIGIT;
for (let code = 48; code <= 57; code++) ASCII_CLASS[code] = LETTER_OR_DIGIT;
for (const code of [46, 45, 95, 47, 64, 35]) ASCII_CLASS[code] = NAME_PUNCTUATION; // . - _ / @ #

function isWordChar(code: number): boolean {
  return code >= 0xc0 || ASCII_CLASS[code] !== 0;
}
function isLetterOrDigit(code: number): boolean {
  return code >= 0xc0 || ASCII_CLASS[code] === LETTER_OR_DIGIT;
}
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Writes the feature buckets of a message into `out` and returns how many there are. A
 * feature may repeat (a word said twice counts twice).
 *
 * @param folded - The message as the router reads it: folded, lowercase, code masked.
 * @param original - The same message before folding, for shapes lost in folding (camelCase); may be "".
 * @param hasCode - The message has a code span or a code block.
 * @param out - Where the buckets go; its length bounds their number.
 * @returns The number of buckets written.
 */
export function featureBuckets(folded: string, original: string, hasCode: boolean, out: Int32Array): number {
  const limit = Math.min(out.length, MAX_FEATURES);
  // Closures here would cost more than the features (tsx names each one on creation): all inline.
  let n = 0;
  // Room for a word's features and the message's shapes is kept at the end of the limit.
  const wordLimit = limit - 2 * SHAPE_COUNT;
  if (hasCode) out[n++] = mix(SHAPE_SEED, Shape.CodeSpan) & MASK;
  let previousWord = FNV_OFFSET;
  let words = 0;
  let seen = 0; // bit set of shapes already emitted
  const length = folded.length;
  let i = 0;
  while (i < length && n < wordLimit) {
    while (i < length && !isWordChar(folded.charCodeAt(i))) i++;
    let start = i;
    while (i < length && isWordChar(folded.charCodeAt(i))) i++;
    let end = i;
    // Trailing and leading name punctuation is sentence punctuation: "the build." reads "build".
    while (end > start && !isLetterOrDigit(folded.charCodeAt(end - 1))) end--;
    while (start < end && !isLetterOrDigit(folded.charCodeAt(start))) start++;
    if (end <= start) continue;
    words++;
    let word = mix(WORD_SEED, 0);
    let inner = 0; // bit set: 1 dot, 2 slash, 4 dash, 8 underscore, 16 digit, 32 letter
    let cjk = false;
    // A very long token (a pasted hash, a run of one letter) says nothing its first characters don't: its grams stop there.
    const grammed = Math.min(end - start, MAX_GRAMMED_WORD);
    for (let k = start; k < end; k++) {
      const code = folded.charCodeAt(k);
      if (k - start < grammed) wordCodes[k - start + 1] = code;
      word = mix(word, code);
      if (code >= 0x3040 && isCjk(code)) cjk = true;
      if (code === 46) inner |= 1;
      else if (code === 47) inner |= 2;
      else if (code === 45) inner |= 4;
      else if (code === 95) inner |= 8;
      else if (isDigit(code)) inner |= 16;
      else inner |= 32;
    }
    out[n++] = word & MASK;
    out[n++] = mix(mix(BIGRAM_SEED, previousWord), word) & MASK;
    previousWord = word;
    n = grams(grammed, out, n, wordLimit);
    if (cjk) n = cjkPairs(folded, start, Math.min(end, start + MAX_CJK_WORD), out, n, wordLimit);
    const shapes = (inner & 1 && inner & 32 ? 1 << Shape.DottedName : 0) | (inner & 2 && inner & 32 ? 1 << Shape.Path : 0) | (inner & 1 && inner & 16 && !(inner & 32) ? 1 << Shape.Version : 0) | (inner & 4 && inner & 32 ? 1 << Shape.Dashed : 0) | (inner & 8 ? 1 << Shape.Underscored : 0) | (inner & 16 ? 1 << Shape.Digits : 0);
    const fresh = shapes & ~seen;
    if (fresh !== 0) {
      for (let kind = Shape.DottedName; kind <= Shape.Digits; kind++) if (fresh & (1 << kind)) out[n++] = mix(SHAPE_SEED, kind) & MASK;
      seen |= fresh;
    }
  }
  out[n++] = mix(mix(BIGRAM_SEED, previousWord), 0) & MASK; // the last word, as the end of the message
  if (hasCamelCase(original)) out[n++] = mix(SHAPE_SEED, Shape.CamelCase) & MASK;
  if (words <= 3) out[n++] = mix(SHAPE_SEED, Shape.Short) & MASK;
  else if (words >= 25) out[n++] = mix(SHAPE_SEED, Shape.Long) & MASK;
  return n;
}

// The char codes of the word being read, between two boundaries: wordCodes[0] and
// wordCodes[length + 1] are BOUNDARY, wordCodes[1 … length] its first characters. Read once
// into this scratch array, they are hashed into grams without a string read or a test of the
// boundary per character.
const wordCodes = new Int32Array(MAX_GRAMMED_WORD + 2);
wordCodes[0] = BOUNDARY;

/**
 * Writes the character 3–5-grams of the word in wordCodes[1, length] (its first `length`
 * characters), with the word's boundaries as characters, into out from n on; returns the new n.
 */
function grams(length: number, out: Int32Array, n: number, limit: number): number {
  wordCodes[length + 1] = BOUNDARY;
  // Positions run over the word with a boundary before and after: 0 … length + 1.
  for (let from = 0; from <= length && n < limit - MAX_GRAM; from++) {
    let hash = Math.imul(GRAM_SEED ^ (wordCodes[from] as number), FNV_PRIME);
    hash = Math.imul(hash ^ (wordCodes[from + 1] as number), FNV_PRIME);
    for (let at = from + 2; at <= length + 1 && at < from + MAX_GRAM; at++) {
      hash = Math.imul(hash ^ (wordCodes[at] as number), FNV_PRIME);
      out[n++] = hash & MASK;
    }
  }
  return n;
}

/** Kana, CJK ideographs and Hangul syllables. */
function isCjk(code: number): boolean {
  return (code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af);
}

/** Writes the pairs of adjacent characters of folded[start, end) with a CJK character in them; returns the new n. */
function cjkPairs(folded: string, start: number, end: number, out: Int32Array, n: number, limit: number): number {
  for (let at = start + 1; at < end && n < limit - MAX_GRAM; at++) {
    const before = folded.charCodeAt(at - 1);
    const code = folded.charCodeAt(at);
    if (!isCjk(before) && !isCjk(code)) continue;
    out[n++] = Math.imul(Math.imul(CJK_SEED ^ before, FNV_PRIME) ^ code, FNV_PRIME) & MASK;
  }
  return n;
}

/** A lowercase letter followed by an uppercase one inside a word: "calculateTax", "useEffect". */
function hasCamelCase(text: string): boolean {
  for (let k = 1; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code >= 65 && code <= 90) {
      const before = text.charCodeAt(k - 1);
      if (before >= 97 && before <= 122) return true;
    }
  }
  return false;
}
