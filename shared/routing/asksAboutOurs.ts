/**
 * A question about the user's own product, or a request to explain it: a question word first
 * (after fillers), then "we" or "our" within a few words ("where do we …", "how does our app …",
 * "wo berechnen wir …", "jak działa u nas …", "как у нас устроена …"), or "explain how our …"
 * ("explain how our retry logic works", "объясни, как у нас …", "förklara hur vi …",
 * "うちの決済処理ってどう動いてる", "给我讲讲我们项目里的…"). `score.ts` counts it only with a thing
 * of the product or its code in the message.
 */

import { ANY_CJK, closeUpCjkWords } from './cjkSegments.js';
import { foldText, foldedPattern } from './normalize.js';

/** How a message asks about the user's own product. */
export type AboutOurs = 'none' | 'asks' | 'explains';

const foldedWords = (list: string): Set<string> => new Set(foldText(list).split(' '));

const FILLERS = foldedWords('so ok okay um uh hey hi and but like hmm also btw yeah alors bon et pues y entao e und hm please pls can could you u tell me walk through a ну короче слушай to no wiec tak peki şey alltså så');
const QUESTION_WORDS = foldedWords('why how where what which when does do is are did ou pourquoi comment donde por como onde wo warum wie hoe waarom waar welke come perché dove quale как почему где откуда зачем что jak dlaczego czemu gdzie skąd hur varför varifrån');
const EXPLAIN_WORDS = foldedWords('explain explique expliquer explica explícame erkläre erklär spiegami spiegaci spiega uitleggen объясни объясните расскажи wyjaśnij wytłumacz objaśnij opowiedz açıkla anlat förklara beskriv');
const OURS = foldedWords(
  'our we us on nous notre nos nuestro nuestra nuestros nosso nossa gente wir unser unsere unseren unserem unserer uns noi nostro nostra nostri nostre onze ons wij наш наша наше нашего нашей нашем нашу наши наших нашим нас мы nasz nasza nasze naszej naszego naszym naszych nas bizim bizde bizdeki vi oss',
);
// Turkish says "our" with a suffix: "uygulamamız", "sistemimizde", "sepetimizdeki".
const TURKISH_OURS = /^\p{L}{3,}m[ıiu]z(?:da|de|dan|den|daki|deki|ın|in|a|e|ı|i)?$/u;
const TURKISH_QUESTION_WORDS = foldedWords('nasıl neden nerede nereden niye');
const FIRST_PLURAL_VERB = /^\w{3,}(?:amos|emos|imos)$/;
const WINDOW = 4;
const WINDOW_MORE = 6;

// Japanese, Korean and Chinese: "our" and a word of how or of explaining, as written.
const CJK_OURS = foldedPattern(String.raw`(?:(?:なんで|なぜ|왜|为什么|為什麼)[^。？?！!]{0,6}?(?:うちの|我们|我們|우리)|うちの|我々の|弊社の|우리(?:\s*회사)?\s*\S*|我们|咱们|我們)[^。？?！!]{0,30}?(?:なんで|なぜ|왜|为什么|為什麼|どう|どうやって|仕組み|流れ|説明|어떻게|설명|구조|怎么|怎麼|如何|讲讲|講講|解释|解釋|说明|說明|原理|逻辑|邏輯)|(?:讲讲|講講|解释|解釋|说明|說明|説明して|설명해)[^。？?！!]{0,10}?(?:我们|咱们|我們|うちの|우리)`);

function isOurs(word: string): boolean {
  return OURS.has(word) || FIRST_PLURAL_VERB.test(word) || TURKISH_OURS.test(word);
}

/**
 * Reads whether a message asks about, or asks to explain, the user's own product.
 *
 * @param words - The folded words of the message.
 * @param text - The folded text.
 */
export function aboutOurs(words: readonly string[], text: string): AboutOurs {
  let first = 0;
  while (first < 4 && FILLERS.has(words[first] ?? '')) first++;
  const lead = words[first] ?? '';
  if (QUESTION_WORDS.has(lead)) {
    const window = lead.length > 0 && /[^a-z]/.test(lead) ? WINDOW_MORE : WINDOW;
    // Swedish "vår" folds to "var" (where): "hur bestämmer vår app" has it after the verb.
    for (let i = first + 1; i <= first + window && i < words.length; i++) if (isOurs(words[i] ?? '') || (words[i] === 'var' && i > first + 1)) return 'asks';
    return 'none';
  }
  if (EXPLAIN_WORDS.has(lead)) {
    for (let i = first + 1; i <= first + WINDOW_MORE && i < words.length; i++) if (isOurs(words[i] ?? '')) return 'explains';
    return 'none';
  }
  // Turkish puts the question word late: "bizim sepet servisindeki stok kontrolü nasıl çalışıyor".
  if (isOurs(lead) && lead !== 'we' && lead !== 'on' && lead !== 'vi' && words.some((w) => TURKISH_QUESTION_WORDS.has(w))) return 'asks';
  if (ANY_CJK.test(text) && CJK_OURS.test(closeUpCjkWords(text))) return 'explains';
  return 'none';
}
