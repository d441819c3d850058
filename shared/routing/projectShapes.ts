/**
 * Sentence shapes that ask about, or act on, the user's own project as a whole, in the five
 * languages the router reads: the state of its tests or build ("are the tests green?",
 * "why does the build take 6 minutes now"), finding where the code does something ("find
 * where we compute X"), personal data in logs, and release notes written from commits.
 * Each is a shape, not a word: "what is a test suite" has the words but not the shape.
 */

import { NON_ASCII } from './normalize.js';
import { wordsOf } from './words.js';

/** A project shape found in a message. */
export interface ProjectShape {
  readonly weight: number;
  /** Words for the reason. */
  readonly label: string;
}

const STATE_OF_PROJECT: ProjectShape = { weight: 3, label: 'asks about the state of the project' };
const LOCATES_CODE: ProjectShape = { weight: 3, label: 'asks where the code does something' };
const PERSONAL_DATA_IN_LOGS: ProjectShape = { weight: 3, label: 'personal data in logs' };
const NOTES_FROM_HISTORY: ProjectShape = { weight: 4, label: 'release notes from the commit history' };
const ABOUT_THIS_CODE: ProjectShape = { weight: 3, label: 'asks about this project' };
const TRIGGERED_BEHAVIOUR: ProjectShape = { weight: 3, label: 'asks for behaviour on an event of the product' };
const BULK_EDIT: ProjectShape = { weight: 3, label: 'an edit across the source files' };
const OUR_STACK: ProjectShape = { weight: 3, label: 'asks about the project\'s dependencies' };
const SCHEMA_CHANGE: ProjectShape = { weight: 3, label: 'a change to a database table' };
const RACE: ProjectShape = { weight: 3, label: 'asks what happens when two users act at once' };
const RELEASE_READY: ProjectShape = { weight: 3, label: 'asks whether the project is ready to release' };

const PROJECT_PART = String.raw`(?:packages|paquets|paquetes|pakete|pacotes|tests|testes|test|test suite|pruebas|build|builds|ci|pipeline|deps|dependencies|dependencias|dependances|abhangigkeiten|lint|linter|coverage|bundle|lockfile|type ?check)`;
// Said of a project part: it passes, is green or red, is slow, takes long, is outdated, covers something.
const STATE = String.raw`(?:skipped|pending|disabled|passa|pass|passes|passing|passed|green|red|slow|slower|slowest|longest|take|takes|taking|took|outdated|out of date|stale|cover|covers|covering|clean|flaky|fail|fails|failing|passent|passe|lents?|lentes?|prend|verts?|pasan|pasa|lentas?|lentos?|tarda|tardan|verdes?|laufen|lauft|durch|langsam|langsamsten|dauert|grun|passando|passam|demorando|demora|veraltet|obsoletos?|obsoletas?|desactualizad[oa]s?|desatualizad[oa]s?|traag|traagst|trager|groen|rood|lenti|lente|piu lenti|verdi|rossi|passano|falliscono)`;
// Before the part, only adjectives: "failing tests", "outdated deps" (not "take to build a shed").
const STATE_BEFORE = String.raw`(?:passing|failing|flaky|slow|slower|slowest|outdated|stale|broken|red|green|lents|lentas|lentos|langsamsten|veraltete|obsoletas|obsoletos|desactualizadas|desatualizadas)`;
// A question that puts the verb first: "¿por qué tarda tanto el build?", "warum dauert der Build", "pasan los tests".
const STATE_VERB_FIRST = String.raw`(?:en verde|em verde|verdes?|verts?|grun|pasa|passa|lauft|tarda|tardan|dauert|dauern|prend|prennent|demora|demoram|pasan|passent|passam|laufen|fallan|echouent|schlagen)`;
const STATE_NEAR_PART = new RegExp(
  String.raw`\b${PROJECT_PART}\b(?:\s+\S+){0,4}?\s+${STATE}\b|\b${STATE_BEFORE}\s+(?:\S+\s+)?${PROJECT_PART}\b|\b${STATE_VERB_FIRST}\s+(?:\S+\s+){0,3}?${PROJECT_PART}\b`,
);
// "find where we compute", "trouve ou on calcule", "busca donde calculamos", "finde, wo wir", "encontre onde calculamos".
// "wherever we round prices", "the place where we build the email", "computed somewhere in checkout".
const PLACE_IN_CODE = /\b(?:wherever we|(?:the )?(?:place|places|spot|code|function) where we|somewhere in (?:the )?(?:code|codebase|checkout|backend|frontend|app|api)|partout ou on|donde sea que|wo immer wir|onde quer que)\b/;
const LOCATE =
  /\b(?:find|locate|look for|search for|show me|figure out|trouve|cherche|busca|encuentra|localiza|finde|suche|zeig mir|encontre|procure|ache|localize)\s*,?\s+(?:out\s+)?(?:where|wherever|ou|donde|wo|onde)\s+(?:(?:do|did|does)\s+)?(?:we|on|nous|wir|nos|\w+(?:amos|emos|imos))\b/;
const PERSONAL_DATA =
  /\b(?:pii|personal data|personal information|emails?|email address(?:es)?|e mail address(?:es)?|phone numbers?|passwords?|card numbers?|credit cards?|ssns?|social security|adresses? e[ -]?mail|donnees personnelles|datos personales|personenbezogene daten|dados pessoais|telefonnummern?|numeros? de telefon[oe]|senhas?|contrasenas?|mots? de passe|numeros? de (?:carte|tarjeta|cartao)|kartennummern?|tokens?|secrets?|api keys?)\b/;
const LOG_WORD = /\b(?:log(?! (?:in|out|into|on|off)\b)|logs|logged|logging|logger|journaux|registros|protokolle|sentry|error reports?|crash reports?|stack traces?)\b/;
const NOTES = /\b(?:release notes?|changelog|change log|notes de version|notas de (?:la )?version|notas de versao|versionshinweise|release ?notes)\b/;
const HISTORY =
  /\b(?:commits?|since (?:the )?(?:last )?(?:tag|release|version)|since v?\d|git log|merged since|merged prs|merged pull requests|what (?:landed|went in|was merged)|depuis (?:le )?tag|depuis (?:la )?derniere|desde (?:la |a )?(?:etiqueta|tag|ultima)|seit (?:dem )?(?:tag|letzten)|prs? merged)\b/;

// The same in Polish, Russian, Turkish, Swedish, Japanese, Korean and Chinese ("release notes z commitów od tagu v1.8.0",
// "コミットからリリースノート作って", "根据tag之后的提交整理release notes"), whose endings \b cannot read.
const NOTES_MORE = /リリースノート|変更履歴|릴리[스즈]\s*노트|변경\s*로그|发布说明|發布說明|更新日志|版本说明/u;
const HISTORY_MORE = /коммит|тег[аеу]?(?![\p{L}])|commit(?:ów|ow|'?ler|'?lerden|sen|s)|tag(?:u|'?in|'?inden|gen)(?![\p{L}])|コミット|タグ|커밋|태그|提交|(?:^|\s)tag(?:\s|$)/u;

function writesNotesFromHistory(folded: string, keys: number): boolean {
  const notes = (keys & NOTES_KEY && NOTES.test(folded)) || (NON_ASCII.test(folded) && NOTES_MORE.test(folded));
  if (!notes) return false;
  return HISTORY.test(folded) || HISTORY_MORE.test(folded);
}

// "explain how auth works in this project", "dans ce projet", "in unserem Code" — but not "in my project plan".
const THIS_CODE =
  /\b(?:(?:in|of|from|across)\s+(?:this|our|my)\s+(?:project|codebase|code|repo)(?!\s+(?:plan|proposal|report|timeline|budget|team|meeting|manager|brief|review|update|status))|dans (?:ce|notre|mon) (?:projet|code)|en (?:este|nuestro|mi) (?:proyecto|codigo)|in (?:diesem|unserem|meinem) (?:projekt|code)|(?:neste|no nosso|no meu) (?:projeto|codigo)|(?:nel nostro|in questo|del nostro|nel mio) (?:progetto|codice|repo)|in (?:ons|onze|dit|mijn) (?:project|code|repo))\b/;
const COLUMN = /\b(?:columns?|colonnes?|columnas?|colunas?|spalten?)\b/;
// A table of a database: named by what it holds ("the orders table", "la tabla de pedidos",
// "der Bestelltabelle"), or with a database word; not "make a table with columns for …".
const NAMED_TABLE = /\b(?:the \w+ table|the table \w+|la table (?:des|de|du)|la tabla de|a tabela de|\w{3,}tabelle)\b/;
const DATABASE_WORD = /\b(?:db|database|sql|postgres|mysql|sqlite|migration|schema|base de donnees|base de datos|banco de dados|datenbank)\b/;
const OFFICE_TABLE = /\b(?:spreadsheets?|sheets?|excel|hojas?|tableurs?|planilhas?|google|notion|airtable|trello|asana|word|docs?|slides?)\b/;
// "find where we compute X and add Y": the place is found to change it.
const THEN_ACT = /\b(?:and|then|et|puis|y|luego|und|dann|e|depois)\b/;

// "send an email when a user signs up", "quand un utilisateur s'inscrit", "wenn sich ein Nutzer registriert":
// behaviour on an event of the product, said of its users, jobs, orders or deploys.
const ON_EVENT =
  /\b(?:when|whenever|every time|each time|as soon as|once|quand|lorsqu|lorsque|chaque fois qu|cuando|cada vez que|wenn|sobald|quando|sempre que|assim que)\s+(?:(?:a|an|the|any|un|une|el|la|le|ein|eine|einen|sich|um|uma|o|a|new|nouvel|nouveau|nuevo|neuer|novo|our|my)\s+){0,2}(?:[a-z]+\s+)?(?:users?|customers?|visitors?|members?|jobs?|cron|deploys?|deployments?|builds?|payments?|orders?|requests?|webhooks?|signups?|sign ups?|subscriptions?|utilisateurs?|usuarios?|nutzer|benutzer|kunden?|clientes?|pedidos?|commandes?|bestellung(?:en)?)\b/;

// "a header in every file", "all the js files", "across the project", "dans chaque fichier", "in jede Datei".
const EVERY_FILE =
  /\b(?:(?:each|every|all(?: the| our)?|chaque|tous les|todos los|todas las|cada|jede[nrms]?|alle|todos os|todas as)\s+(?:\w+\s+)?(?:files?|fichiers?|archivos?|dateien?|quelldateien?|arquivos?|modules?|components?|occurrences?)|across the (?:project|codebase|repo|code|app)|dans tout le (?:projet|code)|en todo el (?:proyecto|codigo)|im ganzen (?:projekt|code)|em todo o (?:projeto|codigo))\b/;
const VERSION_WE_USE = /\b(?:(?:what|which) version of \S+ (?:are|do|is) we|(?:are|do) we (?:still )?(?:on|using|use|run|running) (?:\S+ )?v?\d|what \S+ version (?:are|do) we)\b/;

/**
 * Finds the project shapes of a message.
 *
 * @param folded - The message folded for word matching, code masked.
 * @returns The shapes found.
 */
export function projectShapes(folded: string): ProjectShape[] {
  const found: ProjectShape[] = [];
  const keys = keyWords(folded);
  // Each shape needs a word that most messages lack: a cheap test first.
  if (keys & PART_KEY && STATE_NEAR_PART.test(folded)) found.push(STATE_OF_PROJECT);
  const mayLocate = (keys & LOCATE_KEY) !== 0;
  const locate = mayLocate ? LOCATE.exec(folded) : null;
  if ((locate && THEN_ACT.test(folded.slice(locate.index + locate[0].length))) || (mayLocate && PLACE_IN_CODE.test(folded))) found.push(LOCATES_CODE);
  if (keys & LOG_KEY && LOG_WORD.test(folded) && PERSONAL_DATA.test(folded)) found.push(PERSONAL_DATA_IN_LOGS);
  if (writesNotesFromHistory(folded, keys)) found.push(NOTES_FROM_HISTORY);
  if (MAY_NAME_CODE.test(folded) && THIS_CODE.test(folded)) found.push(ABOUT_THIS_CODE);
  if (keys & EVENT_KEY && ON_EVENT.test(folded)) found.push(TRIGGERED_BEHAVIOUR);
  if (MAY_BE_EVERY.test(folded) && EVERY_FILE.test(folded) && !OFFICE_FILES.test(folded)) found.push(BULK_EDIT);
  if (folded.includes('version') && VERSION_WE_USE.test(folded)) found.push(OUR_STACK);
  if (AT_ONCE_STEMS.test(folded) && AT_ONCE.test(folded) && TWO_ACTORS.test(folded) && !OFFICE_TOOLS.test(folded)) found.push(RACE);
  if (keys & COLUMN_KEY && COLUMN.test(folded) && (NAMED_TABLE.test(folded) || DATABASE_WORD.test(folded)) && !OFFICE_TABLE.test(folded)) found.push(SCHEMA_CHANGE);
  if (keys & RELEASE_KEY && asksReleaseReady(folded)) found.push(RELEASE_READY);
  return found;
}

// Key words: every match of a shape's expression holds one of its key words as a whole word
// (each listed word sits between \b or \s in the expression, and a folded word is a run of
// [a-z0-9], a subset of \w), so a message with none cannot match. One look-up per word of the
// message, shared by all shapes, costs less than a substring search per stem per shape.
const PART_KEY = 1;
const LOCATE_KEY = 2;
const LOG_KEY = 4;
const NOTES_KEY = 8;
const EVENT_KEY = 16;
const COLUMN_KEY = 32;
const RELEASE_KEY = 64;
const KEY_WORDS: ReadonlyMap<string, number> = keyWordTable([
  // PROJECT_PART, in each branch of STATE_NEAR_PART; "type ?check" is "type" or "typecheck".
  [PART_KEY, 'packages paquets paquetes pakete pacotes tests testes test pruebas build builds ci pipeline deps dependencies dependencias dependances abhangigkeiten lint linter coverage bundle lockfile type typecheck'],
  // The place words of LOCATE and of PLACE_IN_CODE.
  [LOCATE_KEY, 'where wherever somewhere ou donde wo onde'],
  // LOG_WORD.
  [LOG_KEY, 'log logs logged logging logger journaux registros protokolle sentry error crash stack'],
  // NOTES.
  [NOTES_KEY, 'release changelog change notes notas versionshinweise releasenotes'],
  // The first words of ON_EVENT.
  [EVENT_KEY, 'when whenever every each as once quand lorsqu lorsque chaque cuando cada wenn sobald quando sempre assim'],
  // COLUMN.
  [COLUMN_KEY, 'column columns colonne colonnes columna columnas coluna colunas spalte spalten'],
  // The first words of RELEASE_ONLY and RELEASE_ANY, which end both RELEASE_READY_* expressions.
  [RELEASE_KEY, 'ship release deploy tag cut livrer deployer sortir ausrollen releasen deployen shippen desplegar hacer fazer rilasciare uitrollen launch publish go lanzar publicar sacar lancar subir publier veroffentlichen ausliefern pubblicare uitbrengen live'],
]);

function keyWordTable(groups: ReadonlyArray<readonly [number, string]>): Map<string, number> {
  const table = new Map<string, number>();
  for (const [key, words] of groups) for (const word of words.split(' ')) table.set(word, (table.get(word) ?? 0) | key);
  return table;
}

function keyWords(folded: string): number {
  let keys = 0;
  for (const word of wordsOf(folded)) keys |= KEY_WORDS.get(word) ?? 0;
  return keys;
}

// Literal stems of the race's key words, as one alternation of literals: it matches where any
// stem is a substring, and one pass of it costs less than nine substring searches (measured).
const AT_ONCE_STEMS = /once|same|simult|concurrent|meme temps|vez|mismo tiempo|gleichzeitig|selben zeit/;

// "what happens if two customers buy the last ticket at the same time", "deux utilisateurs …
// en même temps", "zwei Kunden gleichzeitig": a race between users of the product. Two
// people in an office tool ("the same meeting room in Outlook", "a Zoom panel") are not one.
const AT_ONCE =
  /\b(?:at once|at the same (?:time|second|moment|instant)|simultaneous(?:ly)?|concurrently|en meme temps|simultanement|a la vez|al mismo tiempo|simultaneamente|gleichzeitig|zur selben zeit|ao mesmo tempo)\b/;
const TWO_ACTORS =
  /\b(?:two|2|deux|dos|zwei|dois|duas)\s+(?:\w+\s+)?(?:users?|customers?|people|clients?|admins?|members?|visitors?|buyers?|requests?|workers?|jobs?|tabs?|devices?|utilisateurs?|usuarios?|usuarias?|nutzer|benutzer|kunden|clientes|personnes|personas|pessoas|leute|anfragen|requetes|peticiones|requisicoes)\b/;
const OFFICE_TOOLS = /\b(?:spreadsheets?|sheets?|excel|google|notion|word|docs?|slides?|outlook|calendar|zoom|teams|meet|webinar|meeting|paper|vacation|holidays?|conges|vacaciones|urlaub|ferias)\b/;

// "are we good to ship?", "is main ready to release?", "können wir heute das Release ausrollen?",
// "¿estamos listos para publicar la versión nueva?", "siamo pronti a rilasciare?", "kunnen we de nieuwe
// versie uitbrengen?": whether the project can be released. A verb that names only a software release
// is enough; one that can launch anything ("launch", "publicar", "uitbrengen") needs a version word.
const RELEASE_ONLY = String.raw`(?:ship|ship it|release|release it|deploy|tag a release|cut a release|livrer la (?:version|release)|deployer|sortir la (?:version|release)|ausrollen|releasen|deployen|shippen|desplegar|hacer (?:el )?deploy|fazer (?:o )?deploy|rilasciare|uitrollen)`;
const RELEASE_ANY = String.raw`(?:launch|publish|go live|lanzar|publicar|sacar|lancar|subir|livrer|sortir|publier|veroffentlichen|ausliefern|pubblicare|uitbrengen|live zetten|live gaan)`;
const READY_TO = String.raw`(?:(?:good|ready|ok|okay|safe|clear|set) (?:to|for)(?: a| the)?|prets? (?:a|pour)|pretes? (?:a|pour)|(?:peut|pouvons|peux)[ -]?(?:on|nous)?|bereit (?:fur|zum|zu)(?: das| den)?|(?:konnen|durfen) wir(?: \S+){0,3}|listos? para|listas? para|podemos|prontos? para|prontas? para|pront[io] (?:a|per)|possiamo|(?:kunnen|mogen) we(?: \S+){0,3}|klaar (?:om|voor)(?: te)?|can we|could we|should we)`;
const RELEASE_READY_ONLY = new RegExp(String.raw`\b${READY_TO} (?:\S+ )?${RELEASE_ONLY}\b`);
const RELEASE_READY_ANY = new RegExp(String.raw`\b${READY_TO} (?:\S+ )?${RELEASE_ANY}\b`);
const VERSION_WORD = /\b(?:version|versions|versao|versione|versie|release|v?\d+\.\d+(?:\.\d+)?)\b/;
// Things shipped or launched that are not software: "can we ship the order by Friday", "ready to launch the campaign".
const NOT_SOFTWARE = /\b(?:orders?|packages?|parcels?|box|boxes|goods|samples?|shipments?|campaign|campagne|campana|campanha|kampagne|campagna|newsletter|event|products? to|to the (?:customer|client)s?|commande|pedido|bestellung|ordine)\b/;

function asksReleaseReady(folded: string): boolean {
  if (NOT_SOFTWARE.test(folded)) return false;
  return RELEASE_READY_ONLY.test(folded) || (RELEASE_READY_ANY.test(folded) && VERSION_WORD.test(folded));
}

// Files of office work: "rename all the files in my photos folder" is not a code edit.
const OFFICE_FILES = /\b(?:photos?|pictures?|images?|pdfs?|documents?|docs|downloads|invoices|receipts|music|videos?|desktop|drive|dropbox)\b/;
const MAY_BE_EVERY = /each|every|all|chaque|tous|todo|toda|cada|jede|alle|across|tout|ganzen/;
const MAY_NAME_CODE = /proje|code|repo|proyecto|codigo|progett|codice/;
