/** The task shapes the builtin agent can do without a model. */
export type BuiltinIntent = 'test' | 'lint' | 'build' | 'audit' | 'outdated';

/**
 * Words that carry no meaning for the intent: verbs like "run", articles, politeness,
 * in English, French, Spanish and German (accents already stripped). What is left must
 * be exactly one of the phrases below, so a free-form task never matches by accident.
 */
const FILLER = new Set(
  [
    // en
    'please', 'pls', 'can', 'could', 'would', 'you', 'run', 'execute', 'launch', 'start', 'do', 'the', 'all', 'a',
    'my', 'our', 'of', 'and', 'report', 'check', 'show', 'me', 'list', 'just', 'now', 'again',
    // fr
    'lance', 'lancer', 'lances', 'execute', 'executer', 'fais', 'faire', 'tourner', 'les', 'le', 'la', 'l', 'des',
    'du', 'de', 'tous', 'toutes', 'stp', 'svp', 'merci', 'peux', 'tu', 'affiche', 'liste', 'verifie',
    // es
    'ejecuta', 'ejecutar', 'corre', 'correr', 'lanza', 'las', 'los', 'el', 'todas', 'todos', 'por', 'favor',
    'puedes', 'muestra', 'lista', 'revisa',
    // de
    'fuhre', 'fuhr', 'aus', 'ausfuhren', 'starte', 'starten', 'die', 'der', 'das', 'den', 'alle', 'bitte',
    'kannst', 'du', 'zeige', 'zeig', 'liste', 'prufe', 'prufen',
  ],
);

const PHRASES: Record<BuiltinIntent, string[]> = {
  test: [
    'test', 'tests', 'unit tests', 'test suite', 'tests suite', 'suite', 'testsuite', 'specs', 'unit test',
    'pruebas', 'tests unitaires', 'suite de tests', 'pruebas unitarias', 'testes', 'unittests',
  ],
  lint: ['lint', 'linter', 'linters', 'lint code', 'lint project', 'lint checks', 'lints'],
  build: [
    'build', 'build project', 'build code', 'build app', 'compile', 'compile project', 'compile code',
    'compile projet', 'compila', 'compila proyecto', 'construis projet', 'baue', 'baue projekt', 'build projekt',
    'projekt bauen', 'bauen', 'compiler', 'compiler projet', 'construye', 'construye proyecto',
  ],
  audit: [
    'audit', 'npm audit', 'audit dependencies', 'audit deps', 'dependency audit', 'security audit',
    'audit packages', 'audite dependances', 'auditer dependances', 'audita dependencias', 'auditar dependencias',
    'abhangigkeiten', 'audit abhangigkeiten', 'abhangigkeiten auditieren', 'sicherheitsaudit',
  ],
  outdated: [
    'outdated', 'outdated dependencies', 'outdated deps', 'outdated packages', 'dependencies outdated',
    'dependances obsoletes', 'dependances perimees', 'dependencias desactualizadas', 'paquetes desactualizados',
    'veraltete abhangigkeiten', 'veraltete pakete',
  ],
};

const LOOKUP = new Map<string, BuiltinIntent>();
for (const [intent, phrases] of Object.entries(PHRASES) as [BuiltinIntent, string[]][]) {
  for (const phrase of phrases) LOOKUP.set(phrase, intent);
}

function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9\s]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * The builtin intent of a task, or undefined for anything else ("refactor the auth
 * module"). A trailing "in <repo> [repo]" is tolerated: routing may leave it in.
 */
export function parseBuiltinIntent(task: string): BuiltinIntent | undefined {
  if (task.length > 300) return undefined;
  const all = words(task);
  const withoutRepo = trimRepoMention(all);
  for (const candidate of [all, withoutRepo]) {
    const phrase = candidate.filter((word) => !FILLER.has(word)).join(' ');
    const intent = LOOKUP.get(phrase);
    if (intent) return intent;
  }
  return undefined;
}

function trimRepoMention(all: string[]): string[] {
  const at = all.findLastIndex((word) => ['in', 'on', 'for', 'dans', 'en', 'sur', 'im', 'fur'].includes(word));
  if (at <= 0 || all.length - at > 4) return all;
  return all.slice(0, at);
}
