/**
 * Whether a message in a session's thread asks to ship the session's branch: "push it",
 * "open a PR", "make it a draft PR", and the same in French, Spanish, German and
 * Portuguese. Pure and strict: the message must be the request and nothing more (polite
 * words aside), so a follow-up that merely mentions a push or a PR stays a follow-up.
 * A match is never the approval itself: the dispatcher asks with buttons first.
 */
export interface ShipIntent {
  action: 'push' | 'pr';
  /** Pull requests are drafts unless the person says "ready for review" / "non-draft". */
  draft: boolean;
}

/** Longer than this, a message is a task, not a two-word request. */
const MAX_LENGTH = 200;

/** Said "ready for review" / "not a draft": the pull request is opened for review. */
const READY = /\b(ready( for review)?|non draft|not (a |as )?draft|pas (en |un )?brouillon|pret|prete|sin borrador|no borrador|listo|lista|kein(en)? (entwurf|draft)|bereit|sem rascunho|nao rascunho|pronto|pronta)\b/g;

/** Several words said as one filler. */
const FILLER_PHRASES = /\b(go ahead and|can you|could you|would you|sil te plait|sil vous plait|peux tu|tu peux|por favor|kannst du)\b/g;

const FILLERS = new Set([
  // English
  'please', 'pls', 'plz', 'now', 'it', 'this', 'that', 'me', 'for', 'the', 'a', 'an', 'to', 'as', 'and', 'just', 'thanks', 'thank', 'ok', 'okay', 'so', 'then', 'my', 'our', 'one', 'on', 'in', 'into', 'up',
  // French
  'une', 'un', 'la', 'le', 'les', 'l', 'en', 'stp', 'svp', 'merci', 'maintenant', 'moi', 'pour', 'ca', 'ceci', 'et', 'du', 'des', 'de',
  // Spanish
  'una', 'el', 'los', 'las', 'ahora', 'gracias', 'puedes', 'lo', 'esto', 'eso', 'y', 'como',
  // German
  'bitte', 'jetzt', 'einen', 'ein', 'eine', 'den', 'die', 'das', 'der', 'es', 'daraus', 'davon', 'als', 'danke', 'und', 'mal', 'doch',
  // Portuguese
  'um', 'uma', 'o', 'os', 'as', 'em', 'agora', 'obrigado', 'obrigada', 'pode', 'podes', 'isso', 'isto', 'e',
]);

/** "Not", "don't", "not yet", in each language: a request with one of these is no request. */
const NEGATIONS = new Set(['dont', 'not', 'no', 'never', 'wait', 'later', 'yet', 'ne', 'pas', 'jamais', 'encore', 'nicht', 'kein', 'keine', 'keinen', 'noch', 'nao', 'nunca', 'todavia', 'aun', 'ainda', 'sin', 'sem', 'without']);

const PR_VERBS = new Set([
  'open', 'create', 'raise', 'file', 'submit', 'start', 'send', 'put', 'push',
  'ouvre', 'ouvrir', 'ouvrez', 'ouvres', 'cree', 'creer', 'creez',
  'abre', 'abrir', 'abra', 'abran', 'crea', 'crear',
  'offne', 'oeffne', 'offnen', 'erstelle', 'erstellen', 'erstell', 'stelle',
  'cria', 'crie', 'criar', 'manda', 'mande',
]);
/** "make", "do", "give": verbs that go with either request ("haz push", "mach einen PR"). */
const GENERIC_VERBS = new Set(['make', 'do', 'go', 'fais', 'faire', 'faites', 'haz', 'hacer', 'haga', 'mach', 'mache', 'machen', 'faz', 'faca', 'fazer', 'da']);
const DRAFT_WORDS = new Set(['draft', 'brouillon', 'borrador', 'entwurf', 'rascunho']);
const PUSH_VERBS = new Set(['push', 'pushe', 'pushen', 'pusht', 'pousse', 'pousser', 'poussez', 'sube', 'subir', 'suba', 'empuja', 'empujar', 'schieb', 'schiebe', 'schieben', 'envia', 'enviar', 'envie', 'empurra', 'empurrar', 'upload']);
const PUSH_OBJECTS = new Set(['branch', 'branche', 'rama', 'zweig', 'ramo', 'changes', 'commits', 'hoch', 'upstream', 'remote', 'origin', 'github', 'gitlab']);

/** Lower case, no accents or apostrophes, "pull request" / "merge request" as "pr", punctuation as spaces. */
function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/\b(pull|merge)[\s-]*requests?\b|\bprs\b|\bmrs?\b/g, 'pr')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** The ship request a message makes, or undefined when it is an ordinary follow-up. */
export function shipIntent(text: string): ShipIntent | undefined {
  if (text.length > MAX_LENGTH) return undefined;
  let normalized = normalize(text);
  // Global patterns keep a position between calls: replace, then compare, rather than test().
  const withoutReady = normalized.replace(READY, ' ');
  const ready = withoutReady !== normalized;
  normalized = withoutReady.replace(FILLER_PHRASES, ' ');
  const words = normalized.split(' ').filter(Boolean);
  if (words.some((word) => NEGATIONS.has(word))) return undefined;
  const tokens = words.filter((word) => !FILLERS.has(word));
  if (tokens.length === 0) return undefined;
  const prWords = (word: string) => word === 'pr' || word === 'ship' || PR_VERBS.has(word) || GENERIC_VERBS.has(word) || DRAFT_WORDS.has(word);
  if (tokens.every(prWords) && (tokens.includes('pr') || (tokens.length === 1 && tokens[0] === 'ship'))) {
    return { action: 'pr', draft: !ready };
  }
  const pushWords = (word: string) => PUSH_VERBS.has(word) || GENERIC_VERBS.has(word) || PUSH_OBJECTS.has(word);
  if (!ready && tokens.every(pushWords) && tokens.some((word) => PUSH_VERBS.has(word))) return { action: 'push', draft: true };
  return undefined;
}
