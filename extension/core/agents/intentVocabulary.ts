/**
 * The words the sentence parser knows, accents stripped and lower-cased, in English,
 * French, Spanish and German. An action word says what to do; a filler word carries no
 * meaning for the intent; a coding verb means the task needs a model, whatever else it says.
 */

export type CheckAction = 'test' | 'lint' | 'typecheck' | 'build' | 'format' | 'audit' | 'outdated';

export const ACTION_WORDS: Record<CheckAction, readonly string[]> = {
  test: ['test', 'tests', 'testing', 'suite', 'testsuite', 'spec', 'specs', 'unittest', 'unittests', 'pruebas', 'prueba', 'testes', 'tester'],
  lint: ['lint', 'linter', 'linters', 'linting', 'lints', 'eslint'],
  typecheck: ['typecheck', 'typechecks', 'typechecking', 'types', 'tsc', 'typage', 'tipos', 'typen', 'typprufung'],
  build: ['build', 'builds', 'compile', 'compiles', 'compiler', 'compila', 'compilar', 'construis', 'construye', 'bauen', 'baue', 'kompiliere', 'kompilieren'],
  format: ['format', 'formatter', 'formatting', 'prettier', 'formate', 'formater', 'formatea', 'formatear', 'formatiere', 'formatieren', 'reformat'],
  audit: ['audit', 'vulnerable', 'vulnerabilities', 'vulnerability', 'security', 'cve', 'cves', 'auditer', 'audite', 'audita', 'auditar', 'vulnerabilites', 'vulnerabilidades', 'sicherheitsaudit', 'schwachstellen', 'auditieren'],
  outdated: ['outdated', 'obsoletes', 'perimees', 'desactualizadas', 'desactualizados', 'veraltet', 'veraltete', 'veralteten'],
};

/** Phrases rewritten to one word before matching ("out of date" → outdated). */
export const PHRASES: [RegExp, string][] = [
  [/\bout of date\b/g, 'outdated'],
  [/\bup to date\b/g, 'uptodate'],
  [/\btype ?checks?\b|\btype checking\b/g, 'typecheck'],
  [/\bunit tests?\b/g, 'tests'],
  [/\bmake sure\b/g, 'ensure'],
  [/\bmises? a jour\b|\bmets a jour\b|\bmettre a jour\b/g, 'update'],
  [/\bbuild (?:is |was )?(?:broken|failing|red)\b|\b(?:broken|failing|red) builds?\b/g, 'ci'],
  [/\bcontinuous integration\b|\bpipeline\b/g, 'ci'],
];

/** Verbs of coding work: their presence means the task is not builtin work. */
export const CODING_VERBS = new Set([
  // en
  'fix', 'refactor', 'implement', 'add', 'write', 'create', 'rewrite', 'change', 'modify', 'remove', 'delete', 'rename',
  'explain', 'document', 'migrate', 'convert', 'improve', 'optimize', 'optimise', 'speed', 'debug', 'design', 'generate',
  'translate', 'port', 'make', 'edit', 'move', 'replace', 'cleanup', 'extract', 'split', 'merge', 'deploy',
  'publish', 'release', 'push', 'describe', 'summarize', 'how',
  // fr
  'corrige', 'corriger', 'reecris', 'reecrire', 'ecris', 'ecrire', 'ajoute', 'ajouter', 'implemente', 'cree', 'creer',
  'supprime', 'renomme', 'explique', 'refactorise', 'modifie', 'ameliore', 'repare',
  // es
  'arregla', 'corrige', 'anade', 'agrega', 'escribe', 'implementa', 'crea', 'elimina', 'borra', 'renombra', 'explica',
  'refactoriza', 'modifica', 'mejora', 'reescribe',
  // de
  'schreibe', 'schreib', 'behebe', 'repariere', 'fuge', 'hinzu', 'implementiere', 'erstelle', 'losche', 'entferne',
  'benenne', 'erklare', 'andere', 'verbessere', 'refaktoriere', 'neuen', 'neue',
]);

/** Words that carry no meaning for which check to run. */
export const FILLER = new Set([
  // en
  'please', 'pls', 'plz', 'hey', 'hi', 'hello', 'thanks', 'thank', 'thx', 'ok', 'okay', 'so', 'can', 'could', 'would', 'will',
  'you', 'u', 'run', 'rerun', 'execute', 'launch', 'start', 'do', 'does', 'did', 'the', 'a', 'an', 'all', 'full', 'whole',
  'entire', 'complete', 'my', 'our', 'of', 'and', 'then', 'report', 'check', 'show', 'me', 'list', 'just', 'now', 'again',
  'if', 'whether', 'is', 'are', 'it', 'its', 'this', 'pass', 'passes', 'passing', 'green', 'clean', 'still', 'work', 'works',
  'ok', 'fine', 'what', 'whats', 's', 'which', 'any', 'there', 'project', 'code', 'codebase', 'repo', 'app', 'package',
  'packages', 'dependencies', 'dependency', 'deps', 'for', 'with', 'on', 'in', 'at', 'to', 'ensure', 'have', 'look',
  'take', 'quick', 'commit', 'result', 'results', 'succeed', 'succeeds', 'fail', 'fails', 'failing', 'failed', 'wrong',
  'broken', 'why', 'be', 'should', 'see', 'verify', 'see', 'me', 'know', 'let', 'open', 'session', 'files', 'everything',
  'up', 'through', 'go', 'get', 'give', 'output', 'errors', 'error', 'find', 'out', 'first', 'local', 'locally',
  // fr
  'lance', 'lancer', 'lances', 'executer', 'fais', 'faire', 'tourner', 'les', 'le', 'la', 'l', 'des', 'du', 'de', 'tous',
  'toutes', 'tout', 'stp', 'svp', 'merci', 'peux', 'tu', 'affiche', 'liste', 'verifie', 'verifier', 'est', 'ce', 'que',
  'qui', 'quoi', 'echoue', 'echouent', 'passe', 'passent', 'ils', 'il', 'elles', 'mes', 'mon', 'ma', 'nos', 'notre',
  'projet', 'dependances', 'paquets', 'et', 'dis', 'moi', 'sur', 'dans', 'bien', 'vert', 'verts', 'marche', 'fonctionne',
  // es
  'ejecuta', 'ejecutar', 'corre', 'correr', 'lanza', 'las', 'los', 'el', 'todas', 'todos', 'por', 'favor', 'puedes',
  'muestra', 'lista', 'revisa', 'y', 'dime', 'falla', 'fallan', 'pasan', 'pasa', 'proyecto', 'codigo', 'mis', 'mi', 'en',
  'dependencias', 'paquetes', 'hay', 'verdes', 'funciona', 'funcionan', 'se', 'del', 'al', 'comprueba', 'verifica',
  // de
  'fuhre', 'fuhr', 'aus', 'ausfuhren', 'starte', 'starten', 'die', 'der', 'das', 'den', 'dem', 'alle', 'bitte', 'kannst',
  'du', 'zeige', 'zeig', 'prufe', 'prufen', 'sind', 'ist', 'grun', 'und', 'sag', 'mir', 'was', 'fehlschlagt', 'schlagt',
  'fehl', 'lauft', 'laufen', 'durch', 'projekt', 'abhangigkeiten', 'pakete', 'meine', 'mein', 'auf', 'im', 'es', 'ob',
  'funktioniert', 'kaputt', 'gibt', 'welche',
]);

/** Words of a question about what is failing: with no check named, the answer is the CI look (build and tests). */
export const FAILURE_WORDS = new Set(['fails', 'failing', 'failed', 'fail', 'broken', 'breaks', 'red', 'echoue', 'echouent', 'casse', 'falla', 'fallan', 'roto', 'fehlschlagt', 'kaputt', 'rot']);

/** Verbs of a dependency update ("update the dev dependencies"). */
export const UPDATE_VERBS = new Set(['update', 'upgrade', 'bump', 'refresh', 'actualiza', 'actualizar', 'aktualisiere', 'aktualisieren']);

export const DEPENDENCY_NOUNS = new Set(['dependencies', 'dependency', 'deps', 'packages', 'devdependencies', 'dependances', 'paquets', 'dependencias', 'paquetes', 'abhangigkeiten', 'pakete']);

/** "dev dependencies", "dépendances de développement", "Entwicklungsabhängigkeiten" (split by the normaliser or not). */
export const DEV_WORDS = new Set(['dev', 'development', 'devdependencies', 'developpement', 'desarrollo', 'entwicklung', 'entwicklungs', 'entwicklungsabhangigkeiten']);
