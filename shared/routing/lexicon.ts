/**
 * The router's vocabulary: intent verbs, code objects and cowork objects in English,
 * French, Spanish and German, in folded form (lower case, no accents). Each word says what
 * it suggests and how strongly; `signals.ts` finds them and `score.ts` weighs them.
 */

import { PRODUCT_ROWS } from './lexiconProduct.js';
import { IT_NL_ROWS } from './lexiconItNl.js';
import { MORE_LANGUAGE_ROWS } from './lexiconMoreLanguages.js';

/** What a word suggests about a message. */
export type TermKind =
  /** A verb that is itself coding work (refactor, rebase, bump). */
  | 'codeVerb'
  /** A verb that is coding work only with a code object (update, write, review, add). */
  | 'actionVerb'
  /** A verb of writing, research or planning (draft, proofread, translate). */
  | 'coworkVerb'
  /** A thing that lives in a codebase (bug, test, branch, endpoint). */
  | 'codeObject'
  /**
   * A part of a product a user sees or uses (page, button, form, dashboard, search): weighs
   * like a code object, and makes a building verb ("add", "hook up") coding work.
   */
  | 'surface'
  /** A developer tool, language or framework (jest, docker, typescript). */
  | 'tech'
  /** A word of failure (failing, broken, error), which points at code next to a code object. */
  | 'failure'
  /** A thing of office work (email, spreadsheet, meeting, summary). */
  | 'coworkObject';

/** One entry of the vocabulary. */
export interface Term {
  readonly kind: TermKind;
  /** Positive: towards Code; negative: towards Cowork. */
  readonly weight: number;
  /**
   * English words for the reason: a verb ("fix"), a code object ("a branch"), or for cowork
   * terms the kind of office work ("writing", "spreadsheet work"). Empty for tools, which
   * name themselves.
   */
  readonly label: string;
  /** For code objects that can fail: the label next to a failure word ("failing tests"). */
  readonly failLabel?: string;
}

type Row = readonly [kind: TermKind, weight: number, label: string, forms: string, failLabel?: string];

// Forms are space-separated; multi-word forms use "+" ("pull+request"). Regular English
// inflections (-s, -es, -ed, -ing) are found by the stemmer and need not be listed.
const ROWS: readonly Row[] = [
  // Verbs that are coding work by themselves.
  ['codeVerb', 3, 'roll back', 'roll+back rollback'],
  ['codeVerb', 3, 'paginate', 'paginate memoize debounce minify'],
  ['codeVerb', 1, 'publish', 'publish publie publier publica publicar veroffentliche publique'],
  ['codeVerb', 3, 'commit', 'commite committe commiter commitea commitear committen haz+commit faca+commit fais+un+commit'],
  ['codeVerb', 2, 'stash', 'stash unstash'],
  ['codeVerb', 1, 'fix', 'corrija corrigir conserte consertar arreglalo corrigelo'],
  ['codeVerb', 3, 'debug', 'debug debugge debugger deboguer debogue depura depurar'],
  ['codeVerb', 3, 'refactor', 'refactor refacto refactorise refactoriser refactoriza refactorizar refaktoriere refaktorisiere refaktorieren'],
  ['codeVerb', 3, 'rebase', 'rebase'],
  ['codeVerb', 3, 'lint', 'lint'],
  ['codeVerb', 3, 'type-check', 'typecheck type+check'],
  ['codeVerb', 3, 'transpile', 'transpile'],
  ['codeVerb', 3, 'bisect', 'bisect'],
  ['codeVerb', 3, 'backport', 'backport'],
  ['codeVerb', 3, 'cherry-pick', 'cherry+pick cherrypick'],
  ['codeVerb', 3, 'containerize', 'dockerize containerize containerise'],
  ['codeVerb', 2, 'deploy', 'deploy redeploy deploie deployer despliega desplegar deploye deployen'],
  ['codeVerb', 2, 'compile', 'compile recompile compila compilar kompiliere kompilieren'],
  ['codeVerb', 2, 'bump', 'bump'],
  ['codeVerb', 2, 'revert', 'revert'],
  ['codeVerb', 2, 'squash', 'squash'],
  ['codeVerb', 2, 'scaffold', 'scaffold'],
  ['codeVerb', 2, 'clone', 'clone'],
  ['codeVerb', 1, 'fix', 'fix hotfix bugfix corrige corriger corrigez repare reparer arregla arreglar arreglen repara reparar behebe beheben repariere reparieren korrigiere korrigieren fixe'],
  ['codeVerb', 1, 'merge', 'merge fusionne fusionner fusiona fusionar'],
  ['codeVerb', 1, 'rename', 'rename renomme renommer renombra renombrar benenne umbenennen'],
  ['codeVerb', 1, 'upgrade', 'upgrade downgrade'],
  ['codeVerb', 1, 'implement', 'implement implemente implementer implementa implementar implementiere implementieren'],
  ['codeVerb', 1, 'migrate', 'migrate migre migrer migra migrar migriere migrieren'],
  ['codeVerb', 1, 'install', 'install uninstall reinstall installe installer instala instalar installiere installieren'],
  ['codeVerb', 1, 'patch', 'patch'],
  ['codeVerb', 1, 'push', 'push'],
  ['codeVerb', 1, 'mock', 'mock stub'],
  ['codeVerb', 1, 'benchmark', 'benchmark profile'],
  ['codeVerb', 1, 'reproduce', 'reproduce repro'],
  // Verbs that are coding work only next to a code object.
  ['actionVerb', 0, 'change', 'sort trie trier ordena ordenar sortiere ordene center centre hash encrypt expose store seed reset limit throttle debounce sanitize escape compress minify resize lazy+load prefetch track'],
  ['actionVerb', 0, 'handle', 'notify'],
  ['actionVerb', 0, 'set up', 'mets+en+place mettre+en+place richte'],
  ['actionVerb', 0, 'remove', 'quita quitar'],
  ['actionVerb', 0, 'write', 'escreva escrever'],
  ['actionVerb', 0, 'investigate', 'look+at'],
  ['actionVerb', 0, 'format', 'format reformat formate formater formatea formatear formatiere formatieren'],
  ['actionVerb', 0, 'change', 'amend wechsle mude passe cambia cambiar troque troca trocar ersetze ersetzen remplace remplacer reemplaza reemplazar substitua substituir switch'],
  ['actionVerb', 0, 'generate', 'regenerate regenere regenerer regenera regenerar regeneriere rebuild gera gere'],
  ['actionVerb', 0, 'remove', 'oculta ocultar maskiere mascare get+rid+of redact scrub mask masque strip remova remover apague'],
  ['actionVerb', 0, 'update', 'atualize atualizar atualiza'],
  ['actionVerb', 0, 'add', 'adicione adicionar adiciona'],
  ['actionVerb', 0, 'find', 'encontre procure ache'],
  ['actionVerb', 0, 'update', 'update actualise actualiser actualiza actualizar aktualisiere aktualisieren mets+a+jour mettre+a+jour met+a+jour'],
  ['actionVerb', 0, 'run', 'run rerun execute lance lancer lancez ejecuta ejecutar corre correr fuhre fuehre ausfuhren starte'],
  ['actionVerb', 0, 'add', 'add ajoute ajouter anade anadir agrega agregar fuge hinzufugen'],
  ['actionVerb', 0, 'remove', 'remove delete drop supprime supprimer elimina eliminar borra borrar entferne entfernen losche loschen'],
  ['actionVerb', 0, 'write', 'write ecris ecrire escribe escribir schreib schreibe schreiben'],
  ['actionVerb', 0, 'review', 'review audit inspect revise revisa revisar uberprufe prufe'],
  ['actionVerb', 0, 'check', 'check verify verifie verifier comprueba comprobar'],
  ['actionVerb', 0, 'make', 'make create cree creer crea crear erstelle erstellen'],
  ['actionVerb', 0, 'change', 'change modify edit tweak set increase decrease raise reduce swap modifie modifier modifica modificar andere andern'],
  ['actionVerb', 0, 'investigate', 'investigate diagnose troubleshoot look+into dig+into find+out figure+out take+a+look have+a+look analyze analyse untersuche analysiere'],
  ['actionVerb', 0, 'open', 'open close resolve address tag ouvre abre offne'],
  ['actionVerb', 0, 'find', 'find locate trouve busca encuentra finde'],
  ['actionVerb', 0, 'improve', 'improve optimize optimise speed+up clean+up cleanup tidy simplify ameliore optimise optimiza mejora verbessere optimiere'],
  ['actionVerb', 0, 'convert', 'convert port rewrite extract split move replace convierte convertis'],
  ['actionVerb', 0, 'set up', 'set+up setup configure enable disable wire+up hook+up wire hook connect integrate configura integre integrer integra integrar'],
  ['actionVerb', 0, 'generate', 'generate genere generer genera generar generiere'],
  ['actionVerb', 0, 'document', 'document'],
  ['actionVerb', 0, 'summarize', 'summarize summarise recap'],
  ['actionVerb', 0, 'handle', 'handle support allow show print return parse validate log trigger restart dedupe paginate'],
  // Verbs of office work.
  ['coworkVerb', -3, 'writing', 'proofread'],
  ['coworkVerb', -2, 'writing', 'draft redige rediger redacta redactar entwirf entwerfe rephrase reword paraphrase compose'],
  ['coworkVerb', -1, 'writing', 'polish send forward'],
  ['coworkVerb', -2, 'translation', 'translate traduis traduire traduce traducir ubersetze ubersetzen'],
  ['coworkVerb', -2, 'a summary', 'resume resumer resumez resumir resumen resuma fasse zusammenfassen'],
  ['coworkVerb', -3, 'research', 'research brainstorm'],
  ['coworkVerb', -2, 'research', 'recommend suggest recherche investiga recherchiere'],
  ['coworkVerb', -2, 'research', 'compare'],
  ['coworkVerb', -2, 'planning', 'schedule remind reschedule organise organize planifie planifica'],
  ['coworkVerb', -1, 'planning', 'plan book'],
  ['coworkVerb', -1, 'spreadsheet work', 'calculate sum average tally total calcule calcula berechne'],
  // Things that live in a codebase.
  ['codeObject', 3, 'a sitemap', 'sitemap robots+txt'],
  ['codeObject', 2, 'formatting of code', 'indentation copyright+notice license+header use+strict httponly cookies orm'],
  ['codeObject', 3, 'a release tag', 'tag+a+release release+tag cut+a+release git+tag'],
  ['codeObject', 2, 'rate limiting', 'login+attempts'],
  ['surface', 1, 'the UI', 'panier carrito carrinho warenkorb'],
  ['codeObject', 2, 'a captcha', 'captcha recaptcha hcaptcha'],
  ['codeObject', 2, 'two-factor auth', 'two+factor+auth two+factor 2fa mfa totp'],
  ['codeObject', 2, 'secrets', 'secrets hardcoded hard+coded api+key api+keys'],
  ['codeObject', 2, 'an importer', 'importer exporter'],
  ['codeObject', 2, 'TODO comments', 'todos todo+comments fixme'],
  ['codeObject', 2, 'git', 'files+changed changed+files git+blame blame last+touched'],
  ['codeObject', 2, 'test data', 'fake+users fake+data test+data seed+data local+db local+database'],
  ['codeObject', 2, 'a monolith', 'monolith'],
  ['codeObject', 1, 'metrics', 'metrics telemetry'],
  ['codeObject', 1, 'a mobile app', 'android ios on+mobile sur+mobile en+el+movil no+celular auf+dem+handy on+iphone'],
  ['codeObject', 1, 'types', 'types'],
  ['codeObject', 1, 'a package', 'pacote'],
  ['surface', 1, 'the UI', 'keyboard+shortcuts shortcuts alt+text images editor'],
  ['tech', 2, '', 'argon2 bcrypt s3 prometheus grafana'],
  ['codeObject', 3, 'a Docker image', 'docker+image container+image image+docker imagen+de+docker imagem+docker'],
  ['codeObject', 3, 'unused code', 'dead+code unused unreachable+code code+mort codigo+muerto toter+code'],
  ['codeObject', 3, 'a build file', 'tsconfig tsconfig+json package+json'],
  ['codeObject', 2, 'case sensitivity', 'case+sensitive case+insensitive case+sensitivity sensible+a+la+casse distingue+mayusculas diferencia+maiusculas gross+und+kleinschreibung'],
  ['codeObject', 2, 'a scheduler', 'scheduler strict+mode healthcheck health+check docker+compose'],
  ['codeObject', 2, 'an endpoint', 'endpunkt endpunkte'],
  ['codeObject', 2, 'a script', 'skript skripte'],
  ['codeObject', 1, 'the login', 'authentification autenticacion autenticacao authentifizierung password+reset'],
  ['codeObject', 1, 'warnings', 'warning warnings'],
  ['codeObject', 1, 'the console', 'console'],
  ['codeObject', 1, 'a worker', 'worker workers'],
  ['codeObject', 1, 'time zones', 'timezone timezones'],
  ['codeObject', 1, 'a browser', 'browser safari chrome firefox'],
  ['codeObject', 1, 'a database', 'datenbank banco+de+dados base+de+datos base+de+donnees'],
  ['surface', 1, 'the UI', 'upload uploads botao date+picker datepicker admin+screen export'],
  ['tech', 1, '', 'stripe css'],
  ['codeObject', 3, 'the lockfile', 'lockfile lockfiles lock+file'],
  ['codeObject', 3, 'a vulnerability', 'sql+injection injection inyeccion injecao xss csrf ssrf rce path+traversal directory+traversal prototype+pollution open+redirect vulnerability vulnerabilities vuln vulns cve faille vulnerabilidad vulnerabilidade sicherheitslucke'],
  ['codeObject', 2, 'a controller', 'controller controllers controleur controlador renderer resolver serializer'],
  ['codeObject', 3, 'source files', 'source+file fichier+source fichiers+source archivo+fuente archivos+fuente arquivo+fonte arquivos+fonte quelldatei quelldateien'],
  ['codeObject', 2, 'source code', 'src'],
  ['codeObject', 2, 'generated code', 'stubs bindings codegen generated+code protobuf protobufs'],
  ['codeObject', 3, 'staged changes', 'staged unstaged uncommitted working+tree'],
  ['codeObject', 1, 'changes', 'my+changes our+changes mes+changements mis+cambios meine+anderungen minhas+alteracoes'],
  ['codeObject', 2, 'a bot command', 'slash+command'],
  ['codeObject', 2, 'tests', 'testes'],
  ['codeObject', 2, 'deprecated code', 'deprecated deprecation deprecations'],
  ['codeObject', 3, 'a repository', 'repo repository codebase monorepo depot repositorio'],
  ['codeObject', 3, 'a pull request', 'pull+request merge+request'],
  ['codeObject', 3, 'a stack trace', 'stack+trace stacktrace traceback backtrace segfault core+dumped'],
  ['codeObject', 3, 'an exit code', 'exit+code exit+status'],
  ['codeObject', 3, 'a memory leak', 'memory+leak race+condition null+pointer deadlock'],
  ['codeObject', 3, 'the linter', 'linter'],
  ['codeObject', 3, 'CORS', 'cors'],
  ['codeObject', 3, 'middleware', 'middleware'],
  ['codeObject', 3, 'a CLI', 'cli'],
  ['codeObject', 3, 'a build file', 'dockerfile makefile gitignore nvmrc'],
  ['codeObject', 3, 'unit tests', 'unit+test unittest integration+test e2e+test end+to+end+test test+suite test+case testcase'],
  ['codeObject', 3, 'source code', 'source+code quellcode codigo+fuente code+source'],
  ['codeObject', 2, 'a code review', 'code+review'],
  ['codeObject', 3, 'a merge conflict', 'merge+conflict conflicto+de+merge'],
  ['codeObject', 2, 'a UI feature', 'dark+mode feature+flag pagination infinite+scroll autocomplete'],
  ['codeObject', 2, 'tests', 'test tests testing prueba pruebas teste tester', 'failing tests'],
  ['codeObject', 2, 'a bug', 'bug bogue bugs'],
  ['codeObject', 2, 'a crash', 'crash plantage absturz sturzt+ab crashea'],
  ['codeObject', 2, 'an out-of-memory error', 'oom oomkilled out+of+memory memory+usage'],
  ['codeObject', 2, 'an exception', 'exception excepcion ausnahme throw throws thrown'],
  ['codeObject', 2, 'a regression', 'regression'],
  ['codeObject', 2, 'a flaky test', 'flaky flake'],
  ['codeObject', 2, 'a pull request', 'pr prs mr'],
  ['codeObject', 2, 'a branch', 'branch branche rama zweig'],
  ['codeObject', 2, 'a commit', 'commit commit+message'],
  ['codeObject', 2, 'a diff', 'diff'],
  ['codeObject', 2, 'git', 'git git+log git+history'],
  ['codeObject', 2, 'a dependency', 'dependency dependencies deps dependance dependances dependencia dependencias abhangigkeit abhangigkeiten abhaengigkeiten'],
  ['codeObject', 2, 'a module', 'module modulo modul'],
  ['codeObject', 2, 'a function', 'function fonction funcion funktion'],
  ['codeObject', 2, 'an endpoint', 'endpoint'],
  ['codeObject', 2, 'an API', 'api apis openapi swagger'],
  ['codeObject', 2, 'an SDK', 'sdk'],
  ['codeObject', 2, 'CI', 'ci ci+cd github+actions', 'failing CI'],
  ['codeObject', 2, 'a migration', 'migration migracion'],
  ['codeObject', 2, 'a schema', 'schema'],
  ['codeObject', 2, 'the backend', 'backend'],
  ['codeObject', 2, 'the frontend', 'frontend'],
  ['codeObject', 2, 'a component', 'component composant componente komponente'],
  ['codeObject', 2, 'a handler', 'handler webhook cron cronjob'],
  ['codeObject', 2, 'a deploy', 'deployment despliegue deploiement staging', 'a failing deploy'],
  ['codeObject', 2, 'the changelog', 'changelog readme'],
  ['codeObject', 2, 'a test fixture', 'fixture fixtures'],
  ['codeObject', 2, 'HTTP', 'http https graphql grpc rest+api websocket jwt localhost'],
  ['codeObject', 2, 'code', 'code codigo'],
  ['codeObject', 1, 'the build', 'build compilation', 'a failing build'],
  ['codeObject', 1, 'a pipeline', 'pipeline', 'a failing pipeline'],
  ['codeObject', 1, 'a library', 'library lib libs librairie bibliotheque libreria biblioteca bibliothek'],
  ['codeObject', 1, 'a package', 'package paquet paquete paket'],
  ['codeObject', 2, 'a script', 'script'],
  ['codeObject', 1, 'a service', 'service microservice servicio dienst'],
  ['codeObject', 1, 'a release', 'release'],
  ['codeObject', 1, 'a database index', 'index'],
  ['codeObject', 1, 'a class', 'class classe clase klasse'],
  ['codeObject', 1, 'a method', 'method methode metodo'],
  ['codeObject', 2, 'a route', 'route router routing'],
  ['codeObject', 1, 'the server', 'server servidor serveur'],
  ['codeObject', 1, 'a database', 'database db sql query postgres mysql sqlite mongodb redis'],
  ['codeObject', 1, 'the config', 'config configuration env'],
  ['codeObject', 1, 'the app', 'app application aplicacion anwendung', 'a failing app'],
  ['codeObject', 1, 'the login', 'login log+in logout sign+in signup sign+up auth oauth sso'],
  ['surface', 1, 'the UI', 'ui button modal dropdown checkout cart page screen toggle form field input navbar sidebar validation dashboard layout responsive sticky offline'],
  ['surface', 1, 'the UI', 'widget spinner loader checkbox tooltip banner popup navigation menu tab tabs filter sorting search+bar searchbar settings+page admin+panel admin+page flow onboarding+flow signup+flow'],
  ['surface', 1, 'the UI', 'bouton boton knopf formulaire formulario formular ecran pantalla bildschirm champ campo feld filtre filtro pagina seite einstellungsseite panneau panel tableau+de+bord'],
  ['codeObject', 1, 'a feature', 'feature'],
  ['codeObject', 2, 'imports', 'imports import+statement'],
  ['codeObject', 2, 'a validator', 'validator validators'],
  ['codeObject', 2, 'an environment variable', 'env+var env+vars environment+variable'],
  ['codeObject', 2, 'localization', 'i18n l10n i18next localization localisation locales locale+file locale+files translation+keys translation+files missing+translations traductions+manquantes traducciones+faltantes'],
  ['codeObject', 2, 'rate limiting', 'rate+limit rate+limiting rate+limiter throttling'],
  ['codeObject', 1, 'types', 'typings type+definitions'],
  ['codeObject', 1, 'headers', 'header'],
  ['codeObject', 1, 'a cache', 'cache caching'],
  ['codeObject', 1, 'retries', 'retry backoff'],
  ['codeObject', 1, 'logs', 'logs logging'],
  ['codeObject', 1, 'the bundle', 'bundle bundler'],
  ['codeObject', 1, 'test coverage', 'coverage'],
  ['codeObject', 1, 'a variable', 'variable null undefined'],
  ['surface', 1, 'the website', 'website webapp site landing+page homepage'],
  ['codeObject', 1, 'performance', 'slow slowly loading load+time to+load latency lag'],
  ['codeObject', 1, 'an issue', 'issue'],
  ['codeObject', 1, 'a container', 'container pod'],
  ['codeObject', 1, 'the parser', 'parser'],
  ['codeObject', 1, 'a version', 'version'],
  // Tools, languages and frameworks: each names itself in the reason.
  ['tech', 1, '', 'typescript javascript python java kotlin golang rust ruby php swift scala elixir haskell csharp cpp ts js py rb'],
  ['tech', 1, '', 'react vue angular svelte nextjs nuxt express django flask fastapi rails laravel spring nestjs node nodejs deno bun'],
  ['tech', 1, '', 'docker kubernetes k8s helm terraform ansible nginx jenkins circleci travis vercel netlify heroku lodash axios'],
  ['tech', 1, '', 'github gitlab bitbucket sentry datadog'],
  // Tools that live only in codebases weigh more than languages and platforms.
  ['tech', 2, '', 'npm npx yarn pnpm pip poetry cargo gradle maven mvn bundler composer nuget dependabot renovate'],
  ['tech', 2, '', 'jest vitest mocha pytest junit rspec cypress playwright selenium eslint prettier webpack vite babel tsc esbuild rollup tailwind storybook husky turborepo'],
  // Linters, type checkers, formatters and coverage tools: run on code and nothing else.
  ['tech', 2, '', 'clippy phpunit ruff checkstyle rubocop mypy pylint flake8 golangci-lint shellcheck stylelint minitest isort gofmt rustfmt biome oxlint tslint sonarqube codecov coveralls linting pyright'],
  ['tech', 1, '', 'css html json yaml yml toml xml regex'],
  // Failure words.
  ['failure', 1, 'a failure', 'fail failure broken broke break breaking erreur error fehler fallo falla fallan roto rota rotos rotas kaputt casse cassee echoue echouent echec quebrado quebrada quebrou fehlgeschlagen scheitert hang hangs freeze timeout timeouts not+working doesnt+work does+nothing wont+load cant cannot unable'],
  // Office work.
  ['coworkObject', -2, 'writing', 'letter lettre carta brief memo blog article articulo artikel announcement newsletter essay poem haiku story tweet caption headline bio speech toast lyrics song joke slogan tagline'],
  ['coworkObject', -3, 'writing', 'cover+letter blog+post linkedin+post thank+you+note'],
  ['coworkObject', -2, 'writing', 'resume cv linkedin grammar tone wording paragraph intro introduction'],
  ['coworkObject', -1, 'writing', 'email mail courriel correo podcast video screenplay youtube post message mensaje nachricht reply respuesta text texte texto note notes sentence proposal pitch outline invitation invite spelling description'],
  ['coworkObject', -2, 'a document', 'transcript whitepaper release+notes meeting+notes compte+rendu meeting+minutes'],
  ['coworkObject', -1, 'a document', 'bug+report feature+request user+feedback customer+feedback'],
  ['coworkObject', -2, 'writing', 'status+update complaint complaints guidelines apology apologies support+reply support+response canned+response status+page+update'],
  // People and teams named after code are not code: "the backend team".
  ['coworkObject', 0, 'planning', 'backend+team frontend+team dev+team engineering+team backend+developer frontend+developer backend+engineer frontend+engineer api+product'],
  ['coworkObject', -1, 'planning', 'sprint retro standup onboarding offsite hackathon'],
  // "Code" in names of other things, and the product's own words.
  ['coworkObject', 0, 'a question', 'code+session code+sessions claude+code dress+code promo+code discount+code coupon+code zip+code postal+code qr+code area+code country+code code+of+conduct'],
  ['coworkObject', -1, 'writing', 'stakeholder stakeholders'],
  // Pages and forms of office tools are documents: "a Notion page", "a Google form".
  ['coworkObject', -2, 'a document', 'google+doc google+docs google+form google+forms google+sheet google+sheets google+slides notion+page confluence+page wiki+page survey questionnaire'],
  ['coworkObject', -2, 'writing', 'page+copy site+copy website+copy marketing+copy ad+copy copywriting'],
  ['coworkObject', -1, 'a document', 'doc document documento dokument pdf docx report rapport informe bericht paper spec specification rfc book chapter'],
  ['coworkObject', -2, 'spreadsheet work', 'spreadsheet sheet timesheet workbook excel cell formula pivot vlookup xlookup tableur hoja+de+calculo'],
  ['coworkObject', -1, 'spreadsheet work', 'row numbers hoja tabelle csv chart'],
  ['coworkObject', -2, 'planning', 'meeting agenda calendar trip itinerary vacation holiday flight hotel restaurant recipe meal grocery groceries shopping gift birthday party wedding reunion besprechung'],
  ['coworkObject', -1, 'planning', 'budget interview event schedule plan checklist workout'],
  ['coworkObject', -2, 'research', 'weather advice talking+points pros+and+cons slide slides deck presentation praesentation presentacion'],
  ['coworkObject', -1, 'research', 'ideas idea overview comparison recommendation tips opinion market competitor vendor pricing strategy news'],
  ['coworkObject', -2, 'a summary', 'summary resumen zusammenfassung'],
  ['coworkObject', -2, 'translation', 'translation traduction traduccion ubersetzung'],
];

/** The vocabulary, indexed for look-up by folded word. */
export interface Lexicon {
  /** Single-word terms. */
  readonly words: ReadonlyMap<string, Term>;
  /** Multi-word terms ("pull request", "mets a jour"), words joined with one space. */
  readonly phrases: ReadonlyMap<string, Term>;
  /** First words of multi-word terms, to skip phrase look-ups for most tokens. */
  readonly phraseStarts: ReadonlySet<string>;
  /** Longest multi-word term, in words. */
  readonly maxPhraseWords: number;
  /** Every run of two or more first words of a multi-word term that a longer term continues ("mets a"). */
  readonly phrasePrefixes: ReadonlySet<string>;
  /**
   * For each first word of a multi-word term, the words that may come second: most function
   * words start some term ("the search", "a charger"), and this tells without building a string.
   */
  readonly phraseSeconds: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The router's vocabulary. When a form is listed twice, the first row wins. */
export const LEXICON: Lexicon = buildLexicon([...ROWS, ...PRODUCT_ROWS, ...IT_NL_ROWS, ...MORE_LANGUAGE_ROWS]);

function buildLexicon(rows: readonly Row[]): Lexicon {
  const words = new Map<string, Term>();
  const phrases = new Map<string, Term>();
  const phraseStarts = new Set<string>();
  const phrasePrefixes = new Set<string>();
  const phraseSeconds = new Map<string, Set<string>>();
  let maxPhraseWords = 1;
  for (const [kind, weight, label, forms, failLabel] of rows) {
    const term: Term = failLabel === undefined ? { kind, weight, label } : { kind, weight, label, failLabel };
    for (const form of forms.split(' ')) {
      const parts = form.split('+');
      const first = parts[0] ?? '';
      if (parts.length === 1) {
        if (!words.has(first)) words.set(first, term);
        continue;
      }
      const key = parts.join(' ');
      if (!phrases.has(key)) phrases.set(key, term);
      phraseStarts.add(first);
      let seconds = phraseSeconds.get(first);
      if (!seconds) phraseSeconds.set(first, (seconds = new Set()));
      seconds.add(parts[1] ?? '');
      for (let n = 2; n < parts.length; n++) phrasePrefixes.add(parts.slice(0, n).join(' '));
      maxPhraseWords = Math.max(maxPhraseWords, parts.length);
    }
  }
  return { words, phrases, phraseStarts, maxPhraseWords, phrasePrefixes, phraseSeconds };
}

/** Greetings and politeness that come before the verb of a request. */
export const POLITE: ReadonlySet<string> = new Set(
  'hey hi hello yo ok okay so please pls plz kindly can could would will you u just quickly also now then hola bonjour salut hallo bitte porfa favor por s il te vous plait peux tu puedes kannst du mal quick question i need want to we i d like id cna cn coudl woudl yuo'.split(' '),
);
