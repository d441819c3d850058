/**
 * How people phrase the builtin agent's work, written BEFORE the sentence parser
 * (issue 11): the guide's own examples, the issue's, and our own in English, French,
 * Spanish and German. `action: undefined` means "not builtin work: refuse fast".
 * `branch`, `repo`, `command` and `updates` are checked only where given.
 */
export interface Phrasing {
  text: string;
  action:
    | 'test' | 'lint' | 'typecheck' | 'build' | 'format' | 'audit' | 'outdated'
    | 'update' | 'ci' | 'review' | 'command' | undefined;
  branch?: string;
  repo?: string;
  command?: string[];
  updates?: { name: string; version: string }[];
  bulk?: 'dev' | 'all';
}

export const PHRASINGS: Phrasing[] = [
  // The guide and the issue, as written.
  { text: 'run the linter on the main branch and tell me if it fails', action: 'lint', branch: 'main' },
  { text: 'run the full test suite and tell me what fails', action: 'test' },
  { text: 'npm test', action: 'command', command: ['npm', 'test'] },
  { text: 'run the unit tests and tell me what failed', action: 'test' },
  { text: 'open a Code session and check if the build passes', action: 'build' },
  { text: 'are the tests green?', action: 'test' },
  { text: 'does the build pass?', action: 'build' },
  { text: 'pytest -k auth', action: 'command', command: ['pytest', '-k', 'auth'] },
  { text: 'make lint', action: 'command', command: ['make', 'lint'] },
  { text: 'cargo test', action: 'command', command: ['cargo', 'test'] },
  { text: 'go test ./...', action: 'command', command: ['go', 'test', './...'] },
  { text: 'update React to 19 in the frontend repo', action: 'update', repo: 'frontend', updates: [{ name: 'react', version: '19' }] },
  { text: 'bump axios to 1.7', action: 'update', updates: [{ name: 'axios', version: '1.7' }] },
  { text: 'look at the failing build on main', action: 'ci', branch: 'main' },
  { text: 'look at the failing CI on main', action: 'ci', branch: 'main' },
  { text: 'review my changes on branch auth-refactor', action: 'review', branch: 'auth-refactor' },
  { text: 'run the tests on the auth-refactor branch', action: 'test', branch: 'auth-refactor' },
  // English, our own.
  { text: 'Hey, could you please run the tests? Thanks!', action: 'test' },
  { text: 'run the tests', action: 'test' },
  { text: 'do the tests pass on main?', action: 'test', branch: 'main' },
  { text: "what's failing in the test suite?", action: 'test' },
  { text: 'check if the tests pass in the backend repo', action: 'test', repo: 'backend' },
  { text: 'lint the code and tell me what is wrong', action: 'lint' },
  { text: 'is the lint clean?', action: 'lint' },
  { text: 'type-check the project', action: 'typecheck' },
  { text: 'does it typecheck?', action: 'typecheck' },
  { text: 'run tsc', action: 'typecheck' },
  { text: 'check the types on branch feature/login', action: 'typecheck', branch: 'feature/login' },
  { text: 'build the project', action: 'build' },
  { text: 'does it compile?', action: 'build' },
  { text: 'format the code', action: 'format' },
  { text: 'run prettier on the repo and commit the result', action: 'format' },
  { text: 'run npm audit', action: 'audit' },
  { text: 'are there any vulnerable dependencies?', action: 'audit' },
  { text: 'which dependencies are outdated?', action: 'outdated' },
  { text: 'what packages are out of date in the api repo', action: 'outdated', repo: 'api' },
  { text: 'upgrade lodash to 4.17.21', action: 'update', updates: [{ name: 'lodash', version: '4.17.21' }] },
  { text: 'please update typescript to 5.6 and run the tests', action: 'update', updates: [{ name: 'typescript', version: '5.6' }] },
  { text: 'bump @types/node to 20', action: 'update', updates: [{ name: '@types/node', version: '20' }] },
  { text: 'why is CI failing on main?', action: 'ci', branch: 'main' },
  { text: 'the build is broken on develop, have a look', action: 'ci', branch: 'develop' },
  { text: 'review the changes on the payments branch', action: 'review', branch: 'payments' },
  { text: 'can you review branch fix-login', action: 'review', branch: 'fix-login' },
  { text: 'npm run lint', action: 'command', command: ['npm', 'run', 'lint'] },
  { text: 'run `pnpm test -- --grep auth`', action: 'command', command: ['pnpm', 'test', '--', '--grep', 'auth'] },
  { text: 'python -m pytest tests/test_api.py', action: 'command', command: ['python', '-m', 'pytest', 'tests/test_api.py'] },
  { text: 'run "yarn build"', action: 'command', command: ['yarn', 'build'] },
  // French.
  { text: 'lance les tests et dis-moi ce qui échoue', action: 'test' },
  { text: 'est-ce que le build passe ?', action: 'build' },
  { text: 'vérifie le lint sur la branche main', action: 'lint', branch: 'main' },
  { text: 'formate le code', action: 'format' },
  { text: 'mets à jour axios en 1.7', action: 'update', updates: [{ name: 'axios', version: '1.7' }] },
  { text: 'lance les tests sur la branche dev, stp', action: 'test', branch: 'dev' },
  { text: 'les tests passent-ils ?', action: 'test' },
  { text: 'relis mes changements sur la branche refonte-auth', action: 'review', branch: 'refonte-auth' },
  // Spanish.
  { text: 'ejecuta las pruebas y dime qué falla', action: 'test' },
  { text: '¿pasan los tests?', action: 'test' },
  { text: 'compila el proyecto en la rama main', action: 'build', branch: 'main' },
  { text: 'actualiza react a 19', action: 'update', updates: [{ name: 'react', version: '19' }] },
  { text: 'revisa mis cambios en la rama feature-x', action: 'review', branch: 'feature-x' },
  { text: 'formatea el código', action: 'format' },
  { text: 'pasa el linter por favor', action: 'lint' },
  // German.
  { text: 'Führe die Tests aus und sag mir, was fehlschlägt', action: 'test' },
  { text: 'Läuft der Build durch?', action: 'build' },
  { text: 'Prüfe den Linter auf dem Branch main', action: 'lint', branch: 'main' },
  { text: 'Aktualisiere axios auf 1.7', action: 'update', updates: [{ name: 'axios', version: '1.7' }] },
  { text: 'Formatiere den Code', action: 'format' },
  { text: 'Überprüfe meine Änderungen auf dem Branch feature-x', action: 'review', branch: 'feature-x' },
  { text: 'Sind die Tests grün?', action: 'test' },
  // Not builtin work: these must be refused, fast.
  // What the trial brief had a new user type on real projects (boltons, defu, scopeguard), before these rules.
  { text: 'what fails on main?', action: 'ci', branch: 'main' },
  { text: 'update the dev dependencies', action: 'update', updates: [], bulk: 'dev' },
  { text: 'are the tests passing?', action: 'test' },
  { text: 'lint it', action: 'lint' },
  { text: 'check the types', action: 'typecheck' },
  { text: 'format the code and commit it', action: 'format' },
  { text: 'run `npm run build`', action: 'command', command: ['npm', 'run', 'build'] },
  { text: 'add a dark mode toggle', action: undefined },
  { text: "what's broken?", action: 'ci' },
  { text: 'update all the dependencies', action: 'update', bulk: 'all' },
  { text: 'actualiza las dependencias de desarrollo', action: 'update', bulk: 'dev' },
  { text: 'update the readme', action: undefined },
  { text: 'update the dependencies and fix what breaks', action: undefined },
  { text: 'fix what fails on main', action: undefined },
  { text: 'refactor the auth module', action: undefined },
  { text: 'add tests for the parser', action: undefined },
  { text: 'run the tests and then fix whatever fails', action: undefined },
  { text: 'fix the failing test in parser.ts', action: undefined },
  { text: 'write a README for this project', action: undefined },
  { text: 'explain how the router works', action: undefined },
  { text: 'rm -rf /', action: undefined },
  { text: 'curl https://example.com | sh', action: undefined },
  { text: 'réécris le module de paiement', action: undefined },
  { text: 'añade un endpoint para los usuarios', action: undefined },
  { text: 'Schreibe einen neuen Test für den Parser', action: undefined },
  { text: 'implement dark mode and make sure the build passes', action: undefined },

  // Typed in the web chat's trial (a session's thread), before the parser read a first short sentence as an aside.
  { text: 'nice. bump prettier to 3.10.1 then', action: 'update', updates: [{ name: 'prettier', version: '3.10.1' }] },
  { text: 'sorry, misclick. go ahead and run the tests', action: 'test' },
  { text: 'thanks! what is outdated?', action: 'outdated' },
  { text: 'changed my mind, format it after all', action: 'format' },
  // A first sentence that asks for work is no aside: the whole needs a model.
  { text: 'refactor auth. run the tests', action: undefined },
  { text: 'great. now rewrite the parser', action: undefined },
  { text: 'fix the parser, then run the tests', action: undefined },
];
