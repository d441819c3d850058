/**
 * The "open a Code session" override: a message that asks for a Code session gets one,
 * whatever the rest says. Negated requests and questions about the product force nothing.
 */

/** How a mention of the override phrase reads in its clause. */
export type OverrideKind = 'forced' | 'negated' | 'question';

/** What the override detector found in a message. */
export interface OverrideResult {
  /** `forced` when one mention is a request; otherwise the kind of the first mention, or `none`. */
  readonly kind: OverrideKind | 'none';
  /** When forced: the message without the override phrase and its filler; otherwise the message. */
  readonly task: string;
  /** `[start, end)` offsets of every mention, so that word analysis can ignore them. */
  readonly spans: ReadonlyArray<readonly [number, number]>;
}

// "open a Code session", "start a new Claude Code session", "spin up a code-session",
// "open Claude Code". Bounded repetition, literal alternatives: no backtracking blow-up.
// The same in French, Spanish, Portuguese and German: "ouvre une session Code", "abre una
// sesión de Claude Code", "abra uma sessão do Code", "öffne eine Code-Session".
// "session" as phones and fast typists spell it: sesion, sesison, sessoin, sesh.
const SESSION = String.raw`(?:session|sesion|sesison|sessoin|sessiom|sessio|sesh)`;
const OVERRIDE_PHRASE = new RegExp(
  [
    String.raw`\b(?:open|opne|oepn|opn|start|strat|satrt|launch|spin up|fire up|kick off|begin|create)\s+(?:(?:up|me|us)\s+)?(?:(?:a|an|the|one|new|another|fresh|separate|dedicated)\s+){0,3}(?:claude[\s-]*)?(?:code|cdoe|coed)[\s-]*${SESSION}\b`,
    String.raw`\b(?:open|opne|start|strat|launch)\s+claude[\s-]*code\b`,
    String.raw`\b(?:ouvre|ouvrez|ouvrir|lance|lancez|lancer|d[ée]marre|d[ée]marrez|d[ée]marrer|commence|cr[ée]e)(?:-moi|-nous)?\s+(?:(?:une|un|la|nouvelle|autre|moi|nous|vite|stp|svp|pas\s+de)\s+){0,3}${SESSION}\s+(?:de\s+|du\s+)?(?:claude[\s-]*)?code\b`,
    // Asked for as a thing one needs: "I need a code session to …", "give me a Claude Code session",
    // "je veux une session de code pour …", "il me faut une session Code". The match starts
    // at the verb, so that "I don't need …" reads negated and "do we need …" a question.
    String.raw`\b(?:need|want|would like|give\s+(?:me|us))\s+(?:(?:a|an|one|new|another|fresh|separate)\s+){1,2}(?:claude[\s-]*)?code[\s-]*${SESSION}\b`,
    String.raw`(?<![\w\u00C0-\u024F])(?:je veux|je voudrais|j['\u2019]ai besoin d['\u2019]|il me faut|il nous faut)\s*(?:une|un)\s+(?:nouvelle\s+|autre\s+)?${SESSION}\s+(?:de\s+|du\s+)?(?:claude[\s-]*)?code\b`,
    String.raw`(?<![\w\u00C0-\u024F])(?:abre|abra|abran|abrir|[áa]breme|inicia|inicie|iniciar|empieza|arranca|lanza|crea|comece|come[çc]a|cria|crie)\s+(?:(?:una|uma|la|a|nueva|nova|otra|outra|me|por favor|pra mim|para mim|r[áa]pido)\s+){0,3}(?:sesi[óo]n|sess[ãa]o|sessi[óo]n|sesao|sess[ãa]o)\s+(?:de\s+|do\s+|del\s+|con\s+|com\s+)?(?:claude[\s-]*)?code\b`,
    String.raw`(?<![\w\u00C0-\u024F])(?:[öo]ffne|[öo]ffnet|oeffne|er[öo]ffne|mach|leg|starte|startet|starten|beginne|erstelle)\s+(?:(?:eine|einen|ne|nen|die|neue|neuen|weitere|bitte|mal|mir|uns|schnell)\s+){0,3}(?:claude[\s-]*)?code[\s-]*(?:${SESSION}|sitzung|sitzun)(?:\s+auf)?\b`,
    // German puts the verb last: "kannst du eine Code-Session starten", "bitte eine neue Code-Sitzung öffnen".
    String.raw`(?<![\w\u00C0-\u024F])(?:eine|einen|ne|nen|die|neue|neuen)\s+(?:neue\s+|neuen\s+)?(?:claude[\s-]*)?code[\s-]*(?:${SESSION}|sitzung|sitzun)\s+(?:(?:bitte|mal|f[üu]r mich|auf|an)\s+){0,2}(?:[öo]ffnen|oeffnen|er[öo]ffnen|starten|beginnen|aufmachen|anlegen|erstellen|auf|an)\b`,
  ].join('|'),
  'gi',
);

const MENTIONS_CODE = /code/i;

// The clause that holds the phrase starts after the last of these.
const CLAUSE_BOUNDARY = /[.!?;,\n:\u2014\u2013(]|\s-\s/g;
const SENTENCE_END = /[.!?\n]/g;

const NEGATION =
  /\b(?:don['\u2019]?t|do not|does not|doesn['\u2019]?t|didn['\u2019]?t|did not|never|not|no need to|no|without|instead of|rather than|stop|avoid|won['\u2019]?t|wouldn['\u2019]?t|shouldn['\u2019]?t|can['\u2019]?t|cannot|nor|ne|pas|jamais|sans|nunca|sin|nicht|kein|keine|keinen|ohne|n[ãa]o|nem)\b|\bn['\u2019]/i;

const QUESTION =
  /\b(?:how|what|why|when|where|which|who|whether|is it|is there|are there|does|do (?:i|we)|can (?:i|we)|could (?:i|we)|should (?:i|we)|may (?:i|we)|if (?:i|we|you)|once (?:i|we|you)|after (?:i|we|you)|before (?:i|we|you)|possible to|able to|way to|allowed to|comment|pourquoi|quand|est-ce que|puis-je|peut-on|c[óo]mo|por qu[ée]|cu[áa]ndo|puedo|se puede|posso|pode|quando|wie|warum|wann|kann ich|kann man|darf ich)(?![\w\u00C0-\u024F])/i;

const FIRST_PERSON = /\b(?:i|we)\b/i;

// Words that may precede the phrase in a plain request; they are dropped from the task.
const FILLER =
  /^\s*(?:(?:hey|hi|hello|yo|ok|okay|so|now|then|and|also|alright|right|great|thanks|bot|claude|dispatch|please|pls|plz|kindly|just|quickly|can|could|would|will|you|u|go|ahead|i|we|want|need|like|i'd|id|let's|lets|let|us|me|time|to|for|quick|one|bitte|por favor|porfa|stp|svp|peux-tu|pouvez-vous|puedes|podes|kannst du)\b[\s,]*)*$/i;
// Politeness right after the phrase goes too: "lance une session de code s'il te plaît et corrige …".
const LEADING_CONNECTOR =
  /^(?:[\s,:;.?!\-\u2013\u2014]|(?:and|to|then|et|pour|puis|y|para|e|und|um|zum|please|pls|plz|stp|svp|s['\u2019]il (?:te|vous) pla[iî]t|por favor|bitte|&)(?![\w'\u00C0-\u024F]))*/i;
const POLITE_QUESTION = /\b(?:can|could|would|will)\s+(?:you|u)\b/i;

/**
 * Finds the "open a Code session" override in a message.
 *
 * @param text - The normalised message (see `normalizeChatText`).
 * @param masked - The same text with code blanked out, so that code cannot trigger it.
 * @returns Whether the override forces a Code session, the task without the phrase, and
 *   where every mention of the phrase is.
 */
export function detectOverride(text: string, masked: string): OverrideResult {
  const spans: Array<readonly [number, number]> = [];
  let firstKind: OverrideKind | undefined;
  let forced: { start: number; end: number; clauseStart: number } | undefined;
  // Every form of the phrase says "code": most messages are done with one cheap test.
  if (!MENTIONS_CODE.test(masked)) return { kind: 'none', task: text, spans };
  OVERRIDE_PHRASE.lastIndex = 0;
  for (let m = OVERRIDE_PHRASE.exec(masked); m !== null; m = OVERRIDE_PHRASE.exec(masked)) {
    const start = m.index;
    const end = start + m[0].length;
    spans.push([start, end]);
    if (forced) continue;
    const clauseStart = lastBoundary(masked, start);
    const kind = classify(masked, clauseStart, start, end);
    firstKind ??= kind;
    if (kind === 'forced') forced = { start, end, clauseStart };
  }
  if (!forced) return { kind: firstKind ?? 'none', task: text, spans };
  return { kind: 'forced', task: forcedTask(text, forced.clauseStart, forced.start, forced.end), spans };
}

function classify(masked: string, clauseStart: number, start: number, end: number): OverrideKind {
  const prefix = masked.slice(clauseStart, start);
  if (NEGATION.test(prefix)) return 'negated';
  if (QUESTION.test(prefix)) return 'question';
  if (endsWithQuestionMark(masked, end) && FIRST_PERSON.test(prefix)) return 'question';
  return 'forced';
}

function lastBoundary(text: string, before: number): number {
  // A boundary is looked for in the last 200 characters only, so many mentions stay cheap.
  const from = Math.max(0, before - 200);
  CLAUSE_BOUNDARY.lastIndex = from;
  let clauseStart = from;
  for (let m = CLAUSE_BOUNDARY.exec(text); m !== null && m.index < before; m = CLAUSE_BOUNDARY.exec(text)) {
    clauseStart = m.index + m[0].length;
  }
  return clauseStart;
}

function endsWithQuestionMark(text: string, from: number): boolean {
  SENTENCE_END.lastIndex = from;
  const m = SENTENCE_END.exec(text);
  return m?.[0] === '?';
}

function forcedTask(text: string, clauseStart: number, start: number, end: number): string {
  const clausePrefix = text.slice(clauseStart, start);
  const isFiller = FILLER.test(clausePrefix);
  // "Please, open a code session…": the whole prefix may be filler across a comma.
  const keptUpTo = FILLER.test(text.slice(0, start)) ? 0 : isFiller ? clauseStart : start;
  const before = text.slice(0, keptUpTo).trim();
  let after = text.slice(end).replace(LEADING_CONNECTOR, '').trim();
  if (isFiller && POLITE_QUESTION.test(clausePrefix) && after.endsWith('?')) after = after.slice(0, -1).trimEnd();
  const kept = before.replace(/[\s,;:\u2014\u2013-]+$/, '');
  return kept && after ? `${kept} ${after}` : kept || after;
}
