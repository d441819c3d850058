/**
 * The whitespace-separated tokens of a text, split once: the structural signals and the
 * technical signals both read the masked message token by token, so the split of the last
 * text is kept for the next reader instead of being done again (as `words.ts` does for words).
 */

const WHITESPACE = /\s+/;

let lastText: string | undefined;
let lastTokens: readonly string[] = [];

/**
 * The text split at runs of whitespace, as `text.split(/\s+/)` gives it (empty tokens included).
 *
 * @param text - Any text.
 * @returns The tokens; shared with other readers, so never to be changed.
 */
export function tokensOf(text: string): readonly string[] {
  if (text !== lastText) {
    lastTokens = text.split(WHITESPACE);
    lastText = text;
  }
  return lastTokens;
}
