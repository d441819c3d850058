/**
 * Japanese and Chinese write no spaces between words, and Korean glues particles to them
 * ("버그를 고쳐줘"): the router reads a message as words, so the known words of these
 * languages (and the English words of code written among them, "修一下登录的bug") are cut
 * out with spaces around them before the message is read.
 */

import { CJK_FORMS } from './lexiconMoreLanguages.js';

const escape = (form: string): string => form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Longest first, so that "修正して" is cut out whole rather than as "修正".
const KNOWN = new RegExp([...CJK_FORMS].sort((a, b) => b.length - a.length).map(escape).join('|'), 'gu');
const CJK_LETTER = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]`;
const SCRIPT_CHANGE = new RegExp(String.raw`(?<=${CJK_LETTER})(?=[a-z0-9])|(?<=[a-z0-9])(?=${CJK_LETTER})`, 'gu');
/** A Japanese, Korean or Chinese letter: the cheap test before a pattern written for those scripts. */
export const ANY_CJK = new RegExp(CJK_LETTER, 'u');

/**
 * Puts spaces around the known Japanese, Korean and Chinese words of a folded message, and
 * between those scripts and Latin letters.
 *
 * @param folded - The message, folded (see `foldText`).
 * @returns The same text with spaces added; unchanged when it has no such letter.
 */
export function spaceOutCjkWords(folded: string): string {
  if (!ANY_CJK.test(folded)) return folded;
  return folded.replace(KNOWN, ' $& ').replace(SCRIPT_CHANGE, ' ');
}

const CJK_GAP = new RegExp(String.raw`(?<=${CJK_LETTER}) +(?=${CJK_LETTER})`, 'gu');
const SPACES = / {2,}/g;

/**
 * Undoes `spaceOutCjkWords` between two Japanese, Korean or Chinese letters, and runs of
 * spaces: for patterns written as the text is written ("コードは触らないで").
 *
 * @param spaced - A folded message, as `spaceOutCjkWords` left it.
 * @returns The text with those spaces taken out; never longer, so an index in it is at or before the same place in `spaced`.
 */
export function closeUpCjkWords(spaced: string): string {
  if (!ANY_CJK.test(spaced)) return spaced;
  return spaced.replace(CJK_GAP, '').replace(SPACES, ' ');
}
