/**
 * A bug told as what the product does instead of what it should ("the reset link expires after
 * 5 minutes instead of 24 hours", "le panier affiche les prix HT au lieu de TTC", "показывает
 * цену в долларах вместо рублей", "ドルではなく円で表示されてる"): a verb of what software does,
 * then within a few words "instead of". A verb of a person's choice does not count ("book the
 * 9am flight instead", "write it formally instead of casually"): only what the product shows,
 * sends, computes or does by itself.
 */

import { ANY_CJK, closeUpCjkWords } from './cjkSegments.js';
import { NON_ASCII, foldedPattern } from './normalize.js';

const GAP = String.raw`(?:\s+\S+){0,8}?\s+`;

const SHAPES: readonly RegExp[] = [
  foldedPattern(
    String.raw`\b(?:shows?|showing|displays?|displaying|uses|using|sends|sending|charges|charging|rounds|rounding|applies|applying|computes|calculates|calculating|returns|returning|appears|resets|resetting|expires|expiring|prints|renders|rendering|sorts|sorting|redirects|opens|lands|defaults|picks|goes|comes|loads|saves|stores)\b${GAP}instead of\b`,
  ),
  foldedPattern(String.raw`\b(?:affiche\w*|utilise\w*|envoie\w*|calcule\w*|applique\w*|arrondi\w*|renvoie\w*|montre\w*|redirige\w*|ouvre\w*|prend\w*|part\w*)\b${GAP}au lieu (?:de|du|des|d)\b`),
  foldedPattern(String.raw`\b(?:muestra\w*|usa|usando|utiliza\w*|envia\w*|manda\w*|calcula\w*|aplica\w*|redondea\w*|devuelve\w*|abre\w*|sale\w*|pone\w*|cobra\w*)\b${GAP}en (?:vez|lugar) de\b`),
  foldedPattern(String.raw`\b(?:mostra\w*|usa|usando|envia\w*|manda\w*|calcula\w*|aplica\w*|arredonda\w*|retorna\w*|abre\w*|sai|saindo|exibe\w*|cobra\w*)\b${GAP}(?:em (?:vez|lugar) de|ao inves de)\b`),
  foldedPattern(String.raw`\b(?:zeigt|nutzt|verwendet|schickt|sendet|berechnet|rechnet|rundet|gibt|öffnet|springt|leitet|nimmt|setzt|speichert)\b${GAP}(?:statt|anstatt|anstelle)\b`),
  foldedPattern(String.raw`\b(?:mostra\w*|usa|usando|invia\w*|calcola\w*|applica\w*|arrotonda\w*|restituisce|apre|esce|salva)\b${GAP}(?:invece (?:di|che|del|della|dei)|al posto (?:di|del|della))\b`),
  foldedPattern(String.raw`\b(?:toont|gebruikt|stuurt|verstuurt|berekent|rekent|rondt|geeft|opent|zet|slaat)\b${GAP}in plaats van\b`),
  // Russian, Polish and Swedish: the verb of the product, then "вместо", "zamiast", "istället för".
  foldedPattern(String.raw`(?:^|[^\p{L}])(?:показыва|отобража|использу|отправля|присыла|шл|счита|округля|возвраща|открыва|выводит|пишет|ставит|бер|списыва|сохраня)\p{L}*(?:\s+\S+){0,8}?\s+вместо(?![\p{L}])`),
  foldedPattern(String.raw`(?:^|[^\p{L}])(?:pokazuje|wyświetla|używa|wysyła|liczy|oblicza|zaokrągla|zwraca|otwiera|bierze|ustawia|zapisuje|nalicza)(?:\s+\S+){0,8}?\s+zamiast(?![\p{L}])`),
  foldedPattern(String.raw`(?:^|\s)(?:visar|använder|skickar|räknar|beräknar|avrundar|returnerar|öppnar|tar|sätter|sparar|drar)(?:\s+\S+){0,8}?\s+i? ?stället för\b`),
  // Turkish: "… yerine … gösteriyor": "instead of" first, the product's verb in the present after it.
  foldedPattern(String.raw`(?:^|\s)yerine(?:\s+\S+){0,6}?\s+\p{L}+(?:iyor|ıyor|uyor|üyor)(?:lar)?(?![\p{L}])`),
];

// Japanese, Korean and Chinese, matched as written (no spaces).
const WRITTEN_SHAPES: readonly RegExp[] = [
  foldedPattern(String.raw`(?:ではなく|じゃなくて|の代わりに)[^。！!？?]{0,20}?(?:表示|使って|使われ|送られ|送って|計算|出て|なって|になる|されて)`),
  foldedPattern(String.raw`대신(?:에)?[^.!?]{0,20}?(?:표시|보여|나와|나오|쓰고|사용|보내|계산|돼|되고|됨)`),
  foldedPattern(String.raw`(?:显示|顯示|用的|发的|发成|算成|算的|变成|跳转|返回|打开|扣的|扣了)[^。，,！!？?]{0,12}?(?:而不是|而非)`),
];

// One cheap test first: an ASCII scan, and the other scripts' words only when the message has such letters.
const MAY_SAY_INSTEAD = /instead|lieu|vez|lugar|inves|statt|stelle|invece|posto|plaats|zamiast|yerine|stallet/;
const MAY_SAY_INSTEAD_MORE = /вместо|ではなく|じゃなくて|代わり|대신|而不是|而非/u;

/**
 * Whether the message reports the product doing one thing instead of another.
 *
 * @param text - The folded message.
 */
export function reportsWrongBehaviour(text: string): boolean {
  if (!MAY_SAY_INSTEAD.test(text) && !(NON_ASCII.test(text) && MAY_SAY_INSTEAD_MORE.test(text))) return false;
  if (SHAPES.some((shape) => shape.test(text))) return true;
  if (!ANY_CJK.test(text)) return false;
  const written = closeUpCjkWords(text);
  return WRITTEN_SHAPES.some((shape) => shape.test(written));
}
