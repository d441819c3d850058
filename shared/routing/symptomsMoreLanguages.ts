/**
 * Bugs told by their symptom in the languages whose words `BUG_SHAPE` in `signals.ts` does not
 * read, and in those it reads but with other words: something people get twice ("Клиентам
 * приходит два одинаковых пуша", "お客様にメールが二通ずつ届いています", "顾客会收到两条提醒短信"),
 * or something that spins forever ("dreht sich das Rädchen ewig", "一直转圈圈"). The symptom
 * must sit next to a verb of arriving, sending or showing, so that "book two rooms twice a
 * week" or "wait forever for the bus" stay what they are.
 */

import { ANY_CJK, closeUpCjkWords } from './cjkSegments.js';
import { NON_ASCII, foldedPattern } from './normalize.js';

const NEAR = String.raw`(?:\s+\S+){0,5}?\s+`;
const ARRIVES = String.raw`(?:приход\p{L}*|присыла\p{L}*|отправля\p{L}*|получа\p{L}*|показыва\p{L}*|списыва\p{L}*|przychodz\p{L}*|dostaj\p{L}*|wysyła\p{L}*|pokazuj\p{L}*|geliyor|gidiyor|gönderiliyor|gösteriliyor|kommer|skickas|visas|får|krijgen|komt|komen|verstuurd|ricevono|arriva\p{L}*|inviat\p{L}*|kriegen|bekommen|kommt|reçoivent|recoivent|arrive\p{L}*|recebem|chega\p{L}*|reciben|llega\p{L}*)`;
const TWICE = String.raw`(?:дважды|два раза|два одинаковых|две одинаковых|дублиру\p{L}*|dwa razy|dwukrotnie|podwójnie|iki kere|iki kez|iki defa|två gånger|dubbelt|twee keer|dubbel|due volte|doppi[oa]|doppelt|zweimal|deux fois|en double|duas vezes|duplicad[oa]s?|dos veces|duplicad[oa]s?)`;

const SPACED: readonly RegExp[] = [
  foldedPattern(String.raw`(?:^|[^\p{L}])${ARRIVES}${NEAR}${TWICE}(?![\p{L}])|(?:^|[^\p{L}])${TWICE}${NEAR}${ARRIVES}(?![\p{L}])`),
  // Spins or loads forever: "dreht sich ewig", "se queda cargando para siempre", "крутится бесконечно".
  foldedPattern(String.raw`(?:dreht|lädt|laedt|cargando|carregando|caricando|charge|tourne|крутится|грузится|kręci|ładuje|dönüyor|yükleniyor|snurrar|laddar|laadt|draait)\p{L}*(?:\s+\S+){0,4}?\s+(?:ewig|endlos|para siempre|pra sempre|para sempre|all'infinito|per sempre|à l'infini|indéfiniment|бесконечно|вечно|w nieskończoność|bez końca|sürekli|durmadan|för evigt|hela tiden|eindeloos|oneindig)`),
];

const WRITTEN: readonly RegExp[] = [
  foldedPattern(String.raw`(?:二通|二回|2回|二重|重複|두\s*번|두번|중복|两次|两条|兩條|两遍|重复|重複)[^。！!？?]{0,12}?(?:届|送られ|来|表示|出て|가요|와요|가|와|발송|뜨|표시|收到|发|發|显示|顯示|弹)|(?:届|収到|收到)[^。！!？?]{0,6}?(?:二通|两条|兩條|两次)`),
  foldedPattern(String.raw`(?:ずっと|永遠に|계속|一直|始终|總是)[^。！!？?]{0,8}?(?:くるくる|ぐるぐる|ロード|読み込み|로딩|돌아|转圈|轉圈|加载|加載|loading)`),
];

// A symptom written in ASCII once folded holds one of these words ("zweimal", "ewig", "dwa razy"); any other needs a
// letter outside ASCII: one look-up per word first.
const SYMPTOM_WORDS = new Set(
  'dubbel dubbelt keer volte doppio doppia doppelt zweimal fois double vezes veces duplicado duplicados duplicada duplicadas razy dwukrotnie podwojnie kere kez defa ganger ewig endlos siempre sempre infinito infini indefiniment eindeloos oneindig evigt tiden surekli durmadan nieskonczonosc konca'.split(' '),
);

/**
 * Whether the message tells a bug by a symptom in the languages `signals.ts` reads less well.
 *
 * @param text - The folded message.
 * @param words - Its folded words.
 */
export function tellsSymptom(text: string, words: readonly string[]): boolean {
  if (!NON_ASCII.test(text) && !words.some((word) => SYMPTOM_WORDS.has(word))) return false;
  if (SPACED.some((shape) => shape.test(text))) return true;
  if (!ANY_CJK.test(text)) return false;
  const written = closeUpCjkWords(text);
  return WRITTEN.some((shape) => shape.test(written));
}
