/**
 * A message that says it wants no work on code: "don't look at the code, I only need …",
 * "no code needed", "kein Code nötig", "no hace falta tocar el código". It names code, a
 * repository or a bug only to rule them out, so those words must not make it coding work.
 *
 * A constraint on coding work ("refactor the parser, don't change the tests") is said the
 * same way: the caller tells them apart by what comes first, and weighs the decline against
 * the rest of the message rather than letting it decide alone.
 */

import { closeUpCjkWords } from './cjkSegments.js';
import { foldText } from './normalize.js';

// What is ruled out: code, its home, or work on it.
// A Code session declined is the override's to read (see `override.ts`).
const CODE_THINGS = String.raw`(?:the |any |our |my |your )?(?:code(?! session)|codebase|source|source code|repo|repository|bug|bugs|tests)\b`;
const ENGLISH_ACTS = String.raw`(?:touch|open|look at|look into|change|edit|modify|fix|write|run|go into|dig into|check|read|debug|dig through|poke at|mess with)`;

// Written in plain letters and folded like the message (see `foldText`), so that "código",
// "nötig" and Korean syllables compare as the message's own letters do.
const PATTERNS: readonly string[] = [
  // English
  String.raw`\b(?:dont|do not|no need to|you dont (?:have|need) to|not asking (?:you )?to|im not asking (?:you )?to|theres no need to|wont need (?:you )?to)(?: \w+){0,2}? ${ENGLISH_ACTS}(?: \w+){0,2}? ${CODE_THINGS}`,
  String.raw`\bno (?:code|coding)(?: changes?| work)? (?:needed|required|necessary|involved|please|this time|here)\b`,
  String.raw`\bnot (?:a|about) (?:code|coding|dev|programming) (?:task|thing|question|job|request)\b`,
  String.raw`\b(?:nothing|no changes?) (?:to|in) (?:the )?(?:code|codebase|repo)\b`,
  // French
  String.raw`\b(?:pas besoin de|inutile de|ne (?:touche|modifie|change|regarde|ouvre) pas)(?: \w+){0,2}? (?:toucher |modifier |ouvrir |regarder )?(?:au |le |du |dans le |a )?(?:code|depot|repo)\b`,
  String.raw`\b(?:pas|aucun) (?:de )?code (?:a (?:ecrire|toucher|modifier)|necessaire|requis)\b`,
  String.raw`\bpas besoin de code\b`,
  // Spanish
  String.raw`\b(?:no hace falta|no hay que|no (?:toques|cambies|mires|abras|modifiques))(?: \w+){0,2}? (?:tocar |cambiar |abrir |mirar |modificar )?(?:el |en el )?(?:codigo|repo|repositorio)\b`,
  String.raw`\bnada de codigo\b`,
  String.raw`\bno (?:hace falta|necesito|hay que escribir|se necesita) codigo\b`,
  // German
  String.raw`\bkein(?:e|en)? code(?:-?anderungen?)? (?:notig|noetig|erforderlich|gebraucht|schreiben|anfassen)\b`,
  String.raw`\b(?:nicht|nichts) (?:am|im) code\b`,
  String.raw`\bcode nicht (?:anfassen|andern|aendern|anschauen|offnen)\b`,
  String.raw`\bfass (?:den )?code nicht an\b`,
  // Portuguese
  String.raw`\b(?:nao precisa|nao e preciso|nao (?:mexa|toque|altere|abra))(?: \w+){0,2}? (?:mexer |tocar |alterar |abrir )?(?:no |o |em )?(?:codigo|repo|repositorio)\b`,
  // Italian
  String.raw`\b(?:non (?:serve|toccare|modificare|cambiare|aprire))(?: \w+){0,2}? (?:toccare |modificare )?(?:il |nel |al )?(?:codice|repo)\b`,
  String.raw`\bniente codice\b`,
  // Dutch
  String.raw`\bgeen code (?:nodig|schrijven|aanpassen)\b`,
  String.raw`\b(?:niet aan|blijf van|kom niet aan) de code\b`,
];

// Words \b does not see (Cyrillic, the unspaced scripts) and words next to them: matched as written, without word edges.
const UNSPACED_PATTERNS: readonly string[] = [
  // Polish
  String.raw`nie (?:ruszaj|zmieniaj|dotykaj|otwieraj|trzeba (?:ruszac|zmieniac))(?: \S+)? (?:kodu|kod|repo)`,
  // Russian
  String.raw`не (?:трогай|меняй|открывай|смотри|надо трогать|нужно трогать|надо менять|нужно менять)(?: \S+)? (?:код|репо|репозитори)`,
  String.raw`код (?:не нужен|трогать не надо|не трогай)`,
  // Turkish
  String.raw`kod(?:a|u|lara)? (?:dokunma|degistirme|bakma|gerek yok|gerekmez|yazma)`,
  String.raw`koda gerek yok`,
  // Swedish
  String.raw`(?:ror inte|andra inte|oppna inte|titta inte pa) (?:koden|kod|repot)`,
  String.raw`ingen kod (?:behovs|kravs)`,
  // Japanese, Korean, Chinese (spaces are taken out first: the router puts them around known words)
  String.raw`コード(?:は|を|に)?(?:触ら|いじら|変更し|見)ないで`,
  String.raw`コード(?:は)?(?:不要|いらない|要らない)`,
  String.raw`코드(?:는|를|에|은)?(?:건드리지|수정하지|바꾸지|보지|고치지)`,
  String.raw`코드(?:는)?필요없`,
  String.raw`(?:不要|不用|别|不需要)(?:改|动|碰|看|写|修改)代码`,
  String.raw`代码(?:不用|不要|不需要)(?:改|动|碰|看)`,
];

const ANY = new RegExp(PATTERNS.map((p) => foldText(p)).join('|'));
const UNSPACED = new RegExp(UNSPACED_PATTERNS.map((p) => foldText(p)).join('|'), 'u');
// What UNSPACED_PATTERNS rule out, in their words.
const MAY_DECLINE_UNSPACED = new RegExp(foldText('kod|код|репо|repo|コード|코드|代码'));
// The cheap tests first: most messages never say both a thing of code and a word of negation.
const MAY_NAME_CODE = new RegExp(foldText('code|repo|bug|test|source|codigo|codice|depot|kod|код|репо|コード|코드|代码'));
const MAY_NEGATE = new RegExp(foldText('dont|do not|no |not |nothing|pas |inutile|nada|kein|nicht|fass|nao|non |niente|geen|niet|blijf|nie |не |dokunma|degistirme|bakma|gerek|yazma|inte |ingen|ない|いらない|不要|지|필요없|不|别'));

/**
 * Where a folded message says it wants no work on code.
 *
 * @param folded - The message folded and with contractions joined ("don't" → "dont"), as the router reads it.
 * @returns The index in `folded` where the decline starts (about, for unspaced scripts), or -1 when it says none.
 */
export function declineOfCodeWork(folded: string): number {
  if (!MAY_NAME_CODE.test(folded) || !MAY_NEGATE.test(folded)) return -1;
  const spaced = ANY.exec(folded);
  if (spaced) return spaced.index;
  if (!MAY_DECLINE_UNSPACED.test(folded)) return -1;
  // Taking spaces out only moves the decline nearer the start.
  return UNSPACED.exec(closeUpCjkWords(folded))?.index ?? -1;
}
