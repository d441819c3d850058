/**
 * The words of the "open a Code session" override, in folded form (lower case, no
 * accents), in the seven languages the router reads: English, French, Spanish, Portuguese,
 * German, Italian and Dutch. `override.ts` reads a message as tokens and matches these
 * sets, so that a new phrasing needs a word here, not a new pattern.
 */

const set = (words: string): ReadonlySet<string> => new Set(words.split(/\s+/).filter(Boolean));

/** "Code" in a session's name: "code session", "sesión de código", "sessione di codice", typos. */
export const CODE_WORDS = set('code codes cdoe coed cod coding codign codeing codigo codice codi claudecode');

/** "Session" in each language, as typed on phones: sesion, sesison, sesh, sitzung, sessie; and "mode". */
export const SESSION_WORDS = set(
  // "Code mode" is what some people call a session of the product ("launch Code mode and …").
  'session sesion sesison sessoin sessiom sessio sesson sessin sesh sitzung sitzun sessao sessione sesione sessie sesie mode modo modus',
);

/** Plural sessions: a mention ("code sessions are great"), never a request for one. */
export const SESSION_PLURALS = set('sessions sesiones sessoes sessioni sitzungen sessies');

/** One token that is a whole session noun: "codesessie", "codesession", "claudecodesession". */
export const COMPOUND_SESSION = /^(?:claude)?(?:code|coding)(?:session|sesion|sessie|sitzung|sessione|sessao|sesh)$/;

/** Prepositions between "session" and "code": "a session in Code", "sesión de código", "Sitzung mit Claude Code". */
export const SESSION_PREPOSITIONS = set('in de del do da di du con com mit van met im en');

/**
 * Nouns after a session that make it a modifier: "open the code session logs" asks for the
 * logs, not for a session.
 */
export const SESSION_COMPOUNDS = set(
  'logs log history settings transcript transcripts link links url window tab page list button id ids limit limits output summary notes recap timeout details status feature docs documentation ui',
);

/**
 * Words after "code" that make it another noun: "a session on code review", "session code
 * of conduct". Such a phrase is not a session's name.
 */
export const CODE_COMPOUNDS = set('review reviews of freeze style quality base owners coverage snippet snippets word name number names');

/**
 * Verbs that ask for a session, put before it: open, start, spin up, need, want, get, and
 * their forms in each language (imperative, infinitive after "can you", first person in
 * "I need"). First-person present forms ("abro", "open ik") appear in questions, which the
 * clause's question words then catch.
 */
export const REQUEST_VERBS = set(`
  open opne oepn opn opens start strat satrt stat launch lauch spin fire kick begin create make get grab gimme give
  need needs want like do run set boot
  ouvre ouvrez ouvrir ouvres ouvre lance lancez lancer demarre demarrez demarrer commence commencez cree creez creer
  besoin veux voudrais faut
  abre abra abran abrir abreme abras abro inicia inicie iniciar empieza empezar arranca arrancar lanza lanzar crea crear
  necesito quiero dame
  abrir comece comeca comecar cria crie criar preciso quero
  offne offnet oeffne eroffne eroffnet starte startet mach mache leg lege erstelle beginne brauche brauchen will mochte hatte
  apri aprire aprimi apre apro avvia avviare avviami inizia iniziare lancia lanciare creare serve voglio bisogno fammi
  openen opent maak maken heb wil graag
`);

/** Verb forms in -ing: they name the act ("does opening a code session…"), they do not ask for it. */
export const GERUNDS = set('opening starting launching spinning firing kicking beginning creating making getting booting');

/**
 * Words that may stand between the verb and the session: determiners, "new", particles
 * ("spin up", "kick off"), objects ("get me", "mach mir") and politeness ("starte bitte").
 * Subject pronouns are here for questions ("hoe open ik een code sessie?").
 */
export const BETWEEN = set(`
  a an the one new another fresh separate dedicated quick quickly real little brand clean up off me us for going
  une un la le nouvelle nouvel autre moi nous vite stp svp d de pas
  una uma o nueva nuevo nova novo otra outra me nos te pra mim rapido por favor
  eine einen ein ne nen die neue neuen neues weitere mir uns bitte mal schnell noch
  nuova nuovo altra mi ci per favore
  een nieuwe nieuw andere even snel ons
  i ik ich je eu yo io
`);

/** Determiners that negate the session: "öffne keine Code-Session", "open geen code sessie". */
export const NEGATING_BETWEEN = set('no geen keine keinen kein pas aucune nessuna ninguna nenhuma');

/**
 * Words after the session that belong to the request: German and Dutch verbs last
 * ("eine Code-Session aufmachen", "een code sessie openen", "heb … nodig"), particles
 * ("spin one up", "get a session going") and politeness ("code session please").
 */
export const AFTER = set(`
  please pls plz plez thanks going up real quick quickly now asap aufmachen auf an offnen oeffnen eroffnen starten beginnen anlegen erstellen
  bitte openen opstarten aanmaken aan op nodig graag alsjeblieft aub stp svp porfa favor por per favore
  um uh erm
`);

/** Verbs that end a German or Dutch request with the session before them ("…Code-Session starten"). */
export const FINAL_VERBS = set(
  'aufmachen auf an offnen oeffnen eroffnen starten beginnen anlegen erstellen openen opstarten aanmaken aan op nodig bitte graag please pls plz',
);

/**
 * Words that may come before a session named as a heading ("ok, new code session: …"):
 * greetings, fillers of speech and determiners.
 */
export const HEADING_LEAD = set(`
  hey hi hello yo ok okay alright right so yeah yep um uh well dispatch bot new a one another fresh quick
  nouvelle une nueva una nova uma neue eine nuova een nieuwe
`);

/**
 * Words before the phrase that are only a way of asking; they are dropped from the task
 * ("please, could you open a code session and …" → "…").
 */
export const FILLER_WORDS = set(`
  hey hi hello yo ok okay so now then and also alright right great thanks bot claude dispatch please pls plz kindly
  just quickly can could would will you u we go ahead i want need like d id let lets s us me time to for quick one
  um uh yeah well like mind do
  bitte por favor porfa stp svp peux tu pouvez vous puedes podes pode podrias voce kannst konntest du mal
  j ai besoin m mi serve ho bisogno di preciso de necesito ich brauche ik heb kun je kunt kan even graag puoi potresti
`);

/** Folds a token the way the lexicon does: lower case, accents removed. */
export function foldToken(token: string): string {
  const lower = token.toLowerCase();
  for (let i = 0; i < lower.length; i++) {
    if (lower.charCodeAt(i) > 127) return lower.normalize('NFD').replace(/\p{M}+/gu, '').replace(/ß/g, 'ss');
  }
  return lower;
}
