/**
 * Chat markup normalisation for the router: Slack and Discord mentions, channel
 * references, links, emoji, HTML entities and code spans. Pure and linear in the
 * length of the message.
 */

/** A chat message with its markup normalised. */
export interface NormalizedText {
  /** The message as a person would read it: mentions and emoji removed, links as labels. */
  readonly text: string;
  /**
   * `text` with the content of code spans and code blocks blanked out (same length as
   * `text`, so offsets line up), for word-level analysis that must not read inside code.
   */
  readonly masked: string;
  /** Contents of inline code spans (`x`), in order. */
  readonly codeSpans: readonly string[];
  /** Contents of fenced code blocks (```x```), in order. */
  readonly codeBlocks: readonly string[];
  /** URLs of links found in chat markup (`<https://x|label>`). */
  readonly links: readonly string[];
}

// Slack: <@U1>, <@U1|name>, <#C1|name>, <!here>, <!subteam^S1|@team>;
// Discord: <@1>, <@!1>, <@&1>, <#1>. Bodies exclude "<>" so a failed match is cheap.
const CHAT_MARKUP =
  /<([@#!])([^<>\s|]{0,200})(?:\|([^<>]{0,200}))?>|<((?:https?|mailto|ftp):[^<>\s|]{1,2000})(?:\|([^<>]{0,500}))?>|<a?:[\w~]{1,64}:\d{1,25}>|<t:\d{1,20}(?::[a-zA-Z])?>/g;
// Bounded so that an unclosed ":" cannot cause quadratic scanning.
const EMOJI_SHORTCODE = /(?<![\w/:]):[a-z0-9_+'-]{1,64}:(?![\w/])/gi;
const UNICODE_EMOJI = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u{FE0F}\u{200D}\u{20E3}]/gu;
const SEPARATOR = '\u0002';
const MAX_SEGMENTS = 1000;
// Removed markup leaves a marker first, so that "<@U1>: fix it" loses its colon too.
const REMOVED = '\u0001';
const REMOVED_MARKUP = /\u0001+(?: ?[,:](?= |$))?/g;
const SPACE_BEFORE_PUNCTUATION = / +(?=[,.!?;:](?:\s|$))/g;
/** Any character outside ASCII: text without one needs no Unicode folding, and no reading of other scripts. */
export const NON_ASCII = /[^\x00-\x7F]/;
const HORIZONTAL_SPACE = /[ \t\u00A0\u2000-\u200B\u202F\u205F\u3000]{2,}|[\t\u00A0\u2000-\u200B\u202F\u205F\u3000]/g;
const SPACE_AROUND_NEWLINE = / ?\n ?/g;
const MANY_NEWLINES = /\n{3,}/g;
// One cheap test for any of the four spacing fixes below; most messages need none.
const MAY_NEED_SPACING = /[\t\u00A0\u2000-\u200B\u202F\u205F\u3000]| [ ,.!?;:\n]|\n |\n\n\n/;
const ENTITY = /&(lt|gt|amp|quot|#39|apos);/g;
const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  '#39': "'",
  apos: "'",
};

interface Segment {
  readonly kind: 'plain' | 'span' | 'block';
  readonly raw: string;
}

/**
 * Normalises chat markup from Slack, Discord or the web chat.
 *
 * Mentions (`<@U1>`, `<@U1|name>`, `<@!1>`, `<@&1>`), Discord channel references and
 * custom emoji, `:shortcode:` and unicode emoji are removed; Slack channel references
 * become `#name`; Slack links become their label (or the URL without one). Code spans and
 * blocks are kept verbatim in `text` and reported separately.
 *
 * @param raw - The message text as received from the platform.
 * @returns The readable text, a masked copy for word analysis, and the code and links found.
 */
export function normalizeChatText(raw: string): NormalizedText {
  const links: string[] = [];
  const codeSpans: string[] = [];
  const codeBlocks: string[] = [];
  // Most messages have no code at all: one plain segment, nothing to mask.
  if (!raw.includes('`') && !raw.includes(SEPARATOR)) {
    const plain = normalizePlain(raw, links);
    const trimmed = trimBoth(plain, plain);
    return { text: trimmed.text, masked: trimmed.text, codeSpans, codeBlocks, links };
  }
  const segments = splitCode(raw.includes(SEPARATOR) ? raw.replaceAll(SEPARATOR, ' ') : raw);
  // Plain segments are normalised in one pass, joined by a separator that no pattern matches.
  const plains = normalizePlain(
    segments.flatMap((segment) => (segment.kind === 'plain' ? [segment.raw] : [])).join(SEPARATOR),
    links,
  ).split(SEPARATOR);
  let plainIndex = 0;
  const text: string[] = [];
  const masked: string[] = [];
  for (const segment of segments) {
    if (segment.kind === 'plain') {
      const plain = plains[plainIndex++] ?? '';
      text.push(plain);
      masked.push(plain);
      continue;
    }
    const fence = segment.kind === 'block' ? '```' : '`';
    const inner = decodeEntities(segment.raw.slice(fence.length, segment.raw.length - fence.length));
    (segment.kind === 'block' ? codeBlocks : codeSpans).push(inner);
    text.push(fence, inner, fence);
    masked.push(fence, ' '.repeat(inner.length), fence);
  }
  const trimmed = trimBoth(text.join(''), masked.join(''));
  return { text: trimmed.text, masked: trimmed.masked, codeSpans, codeBlocks, links };
}

/** Splits on ``` fences and ` spans with indexOf scans, so the cost stays linear. */
function splitCode(raw: string): Segment[] {
  const segments: Segment[] = [];
  let plainStart = 0;
  let i = raw.indexOf('`');
  let fencesExhausted = false;
  let newline = raw.indexOf('\n');
  // Past a few hundred spans, the rest is read as plain text: the cost per segment adds up.
  while (i !== -1 && segments.length < MAX_SEGMENTS) {
    if (raw.startsWith('```', i)) {
      const close = fencesExhausted ? -1 : raw.indexOf('```', i + 3);
      if (close === -1) {
        fencesExhausted = true;
        i = raw.indexOf('`', i + 3);
        continue;
      }
      pushPlain(segments, raw, plainStart, i);
      segments.push({ kind: 'block', raw: raw.slice(i, close + 3) });
      plainStart = close + 3;
      i = raw.indexOf('`', plainStart);
      continue;
    }
    const close = raw.indexOf('`', i + 1);
    if (close === -1) break;
    if (newline !== -1 && newline <= i) newline = raw.indexOf('\n', i + 1);
    if (close === i + 1 || (newline !== -1 && newline < close)) {
      i = close;
      continue;
    }
    pushPlain(segments, raw, plainStart, i);
    segments.push({ kind: 'span', raw: raw.slice(i, close + 1) });
    plainStart = close + 1;
    i = raw.indexOf('`', plainStart);
  }
  pushPlain(segments, raw, plainStart, raw.length);
  return segments;
}

function pushPlain(segments: Segment[], raw: string, from: number, to: number): void {
  if (to > from) segments.push({ kind: 'plain', raw: raw.slice(from, to) });
}

function normalizePlain(raw: string, links: string[]): string {
  let text = raw;
  if (text.includes('<')) {
    text = text.replace(CHAT_MARKUP, (_all, sigil?: string, _id?: string, label?: string, url?: string, urlLabel?: string) => {
      if (url !== undefined) {
        links.push(url);
        const shown = urlLabel?.trim();
        return shown ? shown : url.replace(/^mailto:/, '');
      }
      if (sigil === '#' && label) return `#${label.trim()}`;
      return REMOVED;
    });
    if (text.includes(REMOVED)) text = text.replace(REMOVED_MARKUP, ' ');
  }
  text = decodeEntities(text);
  if (text.includes(':')) text = text.replace(EMOJI_SHORTCODE, (code) => (/[a-z]|^:[+-]1:$/i.test(code) ? ' ' : code));
  if (NON_ASCII.test(text)) text = text.replace(UNICODE_EMOJI, ' ');
  if (!MAY_NEED_SPACING.test(text)) return text;
  return text
    .replace(HORIZONTAL_SPACE, ' ')
    .replace(SPACE_BEFORE_PUNCTUATION, '')
    .replace(SPACE_AROUND_NEWLINE, '\n')
    .replace(MANY_NEWLINES, '\n\n');
}

function decodeEntities(value: string): string {
  return value.includes('&') ? value.replace(ENTITY, (_all, name: string) => ENTITIES[name] ?? _all) : value;
}

/** Trims whitespace at both ends of `text`, keeping `masked` aligned with it. */
function trimBoth(text: string, masked: string): { text: string; masked: string } {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return { text: text.slice(start, end), masked: masked.slice(start, end) };
}

function isSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 9 || code === 13;
}

/**
 * Folds text for word matching: lower case, accents removed (`é` → `e`, `ß` → `ss`),
 * typographic apostrophes as `'`.
 *
 * @param text - Any text.
 * @returns The folded text (its length may differ from the input).
 */
export function foldText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[\u2018\u2019\u02BC]/g, "'");
}

// A regular expression's escapes ("\\S", "\\p{L}") are kept as written when its words are folded.
const ESCAPE = /(\\[a-zA-Z](?:\{[^}]*\})?)/;

/**
 * A regular expression whose words are folded as `foldText` folds a message ("й" → "и",
 * "ą" → "a", "ど" → "と"), so that a pattern written as people type matches folded text.
 *
 * @param pattern - The pattern's source, written with its accents.
 * @returns The pattern, folded outside its escapes, with the `u` flag.
 */
export function foldedPattern(pattern: string): RegExp {
  return new RegExp(pattern.split(ESCAPE).map((part, n) => (n % 2 === 1 ? part : foldText(part))).join(''), 'u');
}
