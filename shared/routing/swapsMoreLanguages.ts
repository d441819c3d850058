/**
 * "One tool for another" in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese:
 * the words that say a swap ("с X на Y", "z X na Y", "X yerine Y", "byt X mot Y",
 * "XをYに置き換え", "X 빼고 Y로 갈아타", "把X换成Y"). `score.ts` counts the swap only when the
 * message names two tools, so the words alone never make a message coding work.
 */

import { closeUpCjkWords } from './cjkSegments.js';
import { foldedPattern } from './normalize.js';

const SWAPS: readonly RegExp[] = [
  // Russian: "с moment на date-fns", "вместо requests", "перейдём на vitest", "замени логгер на zap".
  foldedPattern(String.raw`(?:^|[^\p{L}])(?:с|со)\s+\S+\s+(?:\S+\s+)?на\s|(?:^|[^\p{L}])вместо\s|(?:перейд|переед|переход|пересяд|замен)\p{L}*(?:\s+\S+){0,4}\s+на\s`),
  // Polish: "z Jesta na Vitest", "zamiast", "przejdźmy na", "zastąpmy", "podmień … na".
  foldedPattern(String.raw`(?:^|[^\p{L}])(?:z|ze)\s+\S+\s+(?:\S+\s+)?na\s|(?:^|[^\p{L}])zamiast\s|(?:przejdź|przejdz|przesiądź|zastąp|zamień|podmień)\p{L}*`),
  // Turkish: "requests yerine httpx", "Moment'i bırakıp Day.js'e geçelim".
  foldedPattern(String.raw`(?:^|\s)yerine\s|bırakıp|(?:^|\s)geç(?:elim|iş|mek|ecegiz|eceğiz)`),
  // Swedish: "byter ut Moment mot Luxon", "från Jest till Vitest", "ersätt".
  foldedPattern(String.raw`(?:^|\s)(?:byt|byter|byta)(?:\s+ut)?\s+\S+(?:\s+\S+)?\s+mot\s|(?:^|\s)från\s+\S+\s+(?:\S+\s+)?till\s|(?:^|\s)ersätt`),
  // Japanese: "moment.jsやめてdate-fnsに置き換え", "XからYに移行".
  foldedPattern(String.raw`(?:置き換え|置換|乗り換え|移行|入れ替え|差し替え)`),
  // Korean: "axios 빼고 ky로 갈아타자", "X에서 Y로 바꿔", "교체".
  foldedPattern(String.raw`(?:갈아타|교체|(?:으로|로)\s*(?:바꾸|바꿔|마이그레이션|옮기|전환))`),
  // Chinese: "把moment换成dayjs", "替换为", "从X迁移到Y".
  foldedPattern(String.raw`(?:换成|換成|替换|替換|迁移到|遷移到|换到|切到)`),
];

// One test for all of them: most messages match none.
const ANY_SWAP = new RegExp(SWAPS.map((swap) => swap.source).join('|'), 'u');
// Runs of Latin letters: a name inside Japanese or Chinese text has no spaces around it ("把moment换成dayjs吧").
const TOKEN = /(?<![\p{L}\p{N}])[a-z0-9][a-z0-9._@/-]*(?![\p{Script=Latin}])('\p{L}+)?|(?<=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[a-z0-9][a-z0-9._@/-]*/giu;
const LATIN_NAME = /^[a-z][a-z0-9._@/-]+$/i;
const SHAPED = /[a-z][._/-][a-z0-9]|[a-z]\d/i;
const NON_LATIN_LETTER = /[\p{Script=Cyrillic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const SENTENCE_END = /[.!?:;\n]\s*$/;

/**
 * How many things a message names as tools or libraries are named: a Latin word among Cyrillic
 * or CJK text ("замени логгер на zap"), a name shaped like code ("Day.js", "date-fns"), a
 * capital in mid-sentence ("byter ut Moment mot Luxon"), or a name with a Turkish case ending
 * after an apostrophe ("Moment'i").
 */
function namedThings(original: string): number {
  const amongOtherScripts = NON_LATIN_LETTER.test(original);
  const names = new Set<string>();
  for (const m of original.matchAll(TOKEN)) {
    const word = m[1] ? m[0].slice(0, -m[1].length) : m[0];
    if (!LATIN_NAME.test(word)) continue;
    const midSentence = (m.index ?? 0) > 0 && !SENTENCE_END.test(original.slice(0, m.index));
    const capital = word[0] !== word[0]!.toLowerCase();
    if (amongOtherScripts || SHAPED.test(word) || m[1] !== undefined || (capital && midSentence)) names.add(word.toLowerCase());
  }
  return names.size;
}

/**
 * Whether the message swaps one named tool for another, in one of the seven languages.
 *
 * @param folded - The folded message.
 * @param original - The message as written (capitals tell names).
 */
export function swapsToolsInMoreLanguages(folded: string, original: string): boolean {
  return ANY_SWAP.test(closeUpCjkWords(folded)) && namedThings(original) >= 2;
}
