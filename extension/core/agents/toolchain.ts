import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PINS_FILE } from '../lockPins.js';
import { basePython, pythonLockFile, requirementFiles, VENV_FOLDER, venvPython, type PythonLock } from '../pythonDepsKey.js';
import { findOnPath } from './executables.js';
import type { CheckAction } from './intentVocabulary.js';

type BuiltinIntent = CheckAction;

/** A command the builtin agent can run for an intent, and where it came from. */
export interface PlannedCommand {
  command: string[];
  /** How it was found, for the summary ("package.json script `test` (npm)"). */
  source: string;
  /** Exit codes that mean "ran fine" besides 0 (`npm outdated` exits 1 when something is outdated). */
  okExitCodes?: number[];
  /**
   * A step to run first: a fresh worktree has no installed dependencies (node_modules is
   * not committed), so a project that declares some gets them installed before its scripts run.
   */
  setup?: { command: string[]; source: string; first?: string[]; lock?: PythonLock };
}

type PackageManager = 'npm' | 'pnpm' | 'yarn';

const NPM_PLACEHOLDER_TEST = /no test specified/;

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The package manager by lockfile, then the `packageManager` field, else npm. */
export function detectPackageManager(dir: string, pkg: Record<string, unknown>): PackageManager {
  if (existsSync(path.join(dir, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(path.join(dir, 'yarn.lock'))) return 'yarn';
  if (existsSync(path.join(dir, 'package-lock.json'))) return 'npm';
  const declared = typeof pkg.packageManager === 'string' ? pkg.packageManager.split('@')[0] : undefined;
  return declared === 'pnpm' || declared === 'yarn' ? declared : 'npm';
}

/**
 * How to start the project's package manager: itself when it is on PATH; else pnpm or
 * yarn 1 through `npx --yes`, at the version package.json's `packageManager` names (a
 * new clone of a pnpm project on a machine with only Node still runs). Corepack is not
 * the fallback: it is often not enabled, and it refuses a registry without signatures.
 * Undefined when there is no way (yarn 2+, which npm does not carry as `yarn`).
 */
export function packageManagerLauncher(dir: string, pm: PackageManager, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  if (pm === 'npm' || findOnPath(pm, env)) return [pm];
  const pkg = readJson(path.join(dir, 'package.json')) ?? {};
  const declared = typeof pkg.packageManager === 'string' ? /^(pnpm|yarn)@(\d[\w.-]*)/.exec(pkg.packageManager) : null;
  const version = declared?.[1] === pm ? declared[2] : undefined;
  if (pm === 'yarn') return !version || version.startsWith('1.') ? ['npx', '--yes', `yarn@${version ?? '1'}`] : undefined;
  return ['npx', '--yes', `pnpm@${version ?? pnpmMajorForLockfile(dir)}`];
}

/** The pnpm major that writes this lockfile: "lockfileVersion: '9.0'" is pnpm 9 and 10, 6.x is pnpm 8, 5.x pnpm 7. */
function pnpmMajorForLockfile(dir: string): string {
  let text = '';
  try {
    text = readFileSync(path.join(dir, 'pnpm-lock.yaml'), 'utf8').slice(0, 200);
  } catch {
    // no lockfile: the newest
  }
  const lockfile = /lockfileVersion:\s*'?(\d+)/.exec(text)?.[1];
  return lockfile === '6' ? '8' : lockfile === '5' ? '7' : '10';
}

/** `[pm, ...args]`, launched the way packageManagerLauncher says (`pnpm` itself is missing: `npx --yes pnpm@10 …`). */
function withLauncher(dir: string, pm: PackageManager, args: string[], env?: NodeJS.ProcessEnv): string[] {
  return [...(packageManagerLauncher(dir, pm, env) ?? [pm]), ...args];
}

/** The install command for a project whose dependencies are not installed in `dir`. */
function installStep(dir: string, pkg: Record<string, unknown>, pm: PackageManager, env?: NodeJS.ProcessEnv): PlannedCommand['setup'] {
  const declared = ['dependencies', 'devDependencies', 'optionalDependencies'].some(
    (field) => pkg[field] && typeof pkg[field] === 'object' && Object.keys(pkg[field] as object).length > 0,
  );
  if (!declared || existsSync(path.join(dir, 'node_modules'))) return undefined;
  // pnpm's content-addressed store already holds what an earlier install fetched: with the
  // lockfile frozen and --prefer-offline it links nothing from the network it has. Its files
  // are imported by copy: its default (`auto`) hard-links them from the store, and so does
  // `clone-or-copy` where the filesystem cannot clone (seen with pnpm 9 on ext4), and then a
  // session that writes into a package would change the store under every other project.
  if (pm === 'pnpm') return { command: withLauncher(dir, pm, ['install', '--frozen-lockfile', '--prefer-offline', '--package-import-method=copy'], env), source: 'pnpm-lock.yaml' };
  if (pm === 'yarn') return { command: withLauncher(dir, pm, ['install', '--frozen-lockfile'], env), source: 'yarn.lock' };
  return existsSync(path.join(dir, 'package-lock.json'))
    ? { command: ['npm', 'ci', '--no-audit', '--no-fund'], source: 'package-lock.json' }
    : { command: ['npm', 'install', '--no-audit', '--no-fund'], source: 'package.json' };
}

function nodePlan(dir: string, intent: BuiltinIntent, env?: NodeJS.ProcessEnv): PlannedCommand | undefined {
  const plan = nodeCommand(dir, intent, env);
  const pkg = readJson(path.join(dir, 'package.json'));
  // An audit reads the manifest and lockfile. Scripts and tools need the dependencies, and so
  // does `outdated`: it compares what is installed, and without node_modules it has nothing to
  // compare (everything "MISSING", or nothing at all), so it gets the same install as the others.
  const setup = plan && pkg && intent !== 'audit' ? installStep(dir, pkg, detectPackageManager(dir, pkg), env) : undefined;
  return plan && setup ? { ...plan, setup } : plan;
}

function nodeCommand(dir: string, intent: BuiltinIntent, env?: NodeJS.ProcessEnv): PlannedCommand | undefined {
  const pkg = readJson(path.join(dir, 'package.json'));
  if (!pkg) return undefined;
  const detected = detectPackageManager(dir, pkg);
  const launcher = packageManagerLauncher(dir, detected, env) ?? [detected];
  // `pm` stands for the launcher: "pnpm" itself, or "npx --yes pnpm@10.33.0" when pnpm is not on PATH.
  const pm = launcher.join(' ');
  const run = (...args: string[]) => [...launcher, ...args];
  const scripts = (pkg.scripts && typeof pkg.scripts === 'object' ? pkg.scripts : {}) as Record<string, unknown>;
  const script = (name: string) => typeof scripts[name] === 'string' && !(name === 'test' && NPM_PLACEHOLDER_TEST.test(scripts[name]));
  const through = launcher.length > 1 ? ` (${detected} is not on PATH: run through npx at the version package.json names)` : '';
  const source = (name: string) => `the \`${name}\` script of package.json, ${detected}${through}`;
  switch (intent) {
    case 'test':
      return script('test') ? { command: run('test'), source: source('test') } : undefined;
    case 'lint':
      return script('lint') ? { command: run('run', 'lint'), source: source('lint') } : undefined;
    case 'build':
      return script('build') ? { command: run('run', 'build'), source: source('build') } : undefined;
    case 'typecheck': {
      const name = ['typecheck', 'type-check', 'check-types', 'types', 'tsc', 'test:types', 'check:types', 'lint:types'].find(script);
      if (name) return { command: run('run', name), source: source(name) };
      return existsSync(path.join(dir, 'tsconfig.json'))
        ? { command: ['npx', '--no-install', 'tsc', '--noEmit'], source: 'tsconfig.json' }
        : undefined;
    }
    case 'format': {
      const name = ['format', 'fmt', 'prettier'].find(script);
      if (name) return { command: run('run', name), source: source(name) };
      const prettier = ['.prettierrc', '.prettierrc.json', '.prettierrc.js', '.prettierrc.cjs', '.prettierrc.yaml', '.prettierrc.yml', 'prettier.config.js', 'prettier.config.cjs'];
      const declares = (name: string) => ['dependencies', 'devDependencies'].some((field) => Boolean((pkg[field] as Record<string, unknown> | undefined)?.[name]));
      // A script that checks the formatting ("oxfmt --check src test") says which files the project formats: only those.
      const checked = (tool: string) => checkedPaths(scripts, tool);
      if (prettier.some((file) => existsSync(path.join(dir, file))) || declares('prettier')) {
        return { command: ['npx', '--no-install', 'prettier', '--write', ...(checked('prettier') ?? ['.'])], source: 'the prettier configuration' };
      }
      // Formatters a project declares without a `format` script (oxfmt writes in place by default, as biome's --write does).
      if (declares('oxfmt')) return { command: ['npx', '--no-install', 'oxfmt', ...(checked('oxfmt') ?? [])], source: 'oxfmt in package.json' };
      if (declares('@biomejs/biome')) return { command: ['npx', '--no-install', 'biome', 'format', '--write', '.'], source: '@biomejs/biome in package.json' };
      return undefined;
    }
    case 'audit':
      return { command: run('audit'), source: `${pm} audit` };
    case 'outdated': {
      // The JSON report, read by outdatedReport.ts; all three exit 1 when something is outdated.
      const json = detected === 'pnpm' ? ['--format', 'json'] : ['--json'];
      return { command: run('outdated', ...json), source: `${pm} outdated`, okExitCodes: [1] };
    }
  }
}

/** The paths a script passes to `tool --check` ("oxfmt --check src test" → src, test); undefined when no script checks with it. */
function checkedPaths(scripts: Record<string, unknown>, tool: string): string[] | undefined {
  for (const value of Object.values(scripts)) {
    if (typeof value !== 'string') continue;
    const match = new RegExp(String.raw`(?:^|[\s&|;])${tool}\s+(?:--check|-c)((?:\s+[^\s&|;<>]+)*)`).exec(value);
    // The shell of an npm script takes the quotes off a glob; with no shell here, that is done by hand.
    const paths = match?.[1]?.trim().split(/\s+/).filter((arg) => arg && !arg.startsWith('-')).map((arg) => arg.replace(/^(['"])(.*)\1$/, '$2'));
    if (paths?.length) return paths;
  }
  return undefined;
}

function makeTargets(dir: string): Set<string> {
  const file = ['GNUmakefile', 'makefile', 'Makefile'].map((name) => path.join(dir, name)).find((f) => existsSync(f));
  if (!file) return new Set();
  const text = readFileSync(file, 'utf8');
  return new Set([...text.matchAll(/^([A-Za-z0-9_.-]+)\s*:(?!=)/gm)].map((match) => match[1] ?? ''));
}

function makePlan(dir: string, intent: BuiltinIntent): PlannedCommand | undefined {
  const targets = makeTargets(dir);
  const names: Record<BuiltinIntent, string[]> = {
    test: ['test', 'check'],
    lint: ['lint'],
    typecheck: ['typecheck', 'type-check', 'types'],
    build: ['build', 'all'],
    format: ['format', 'fmt'],
    audit: ['audit'],
    outdated: ['outdated'],
  };
  const target = names[intent].find((name) => targets.has(name));
  if (target) return { command: ['make', target], source: `Makefile target \`${target}\`` };
  return undefined;
}

function hasPythonTests(dir: string): boolean {
  if (['pytest.ini', 'conftest.py', 'tox.ini'].some((name) => existsSync(path.join(dir, name)))) return true;
  const pyproject = path.join(dir, 'pyproject.toml');
  if (existsSync(pyproject) && /\[tool\.pytest/.test(readFileSync(pyproject, 'utf8'))) return true;
  for (const folder of ['tests', 'test']) {
    try {
      if (readdirSync(path.join(dir, folder)).some((name) => /^test_.*\.py$|_test\.py$/.test(name))) return true;
    } catch {
      // no such folder
    }
  }
  return false;
}

/**
 * A project with requirement files gets a venv of its own in the worktree (`.venv`),
 * made first and installed into with pip; its tools then run with the venv's python.
 * The venv sees the machine's own packages too (--system-site-packages): the test tools
 * a project leaves out of its requirements (pytest, often) run as they did without one,
 * and what the requirements pin takes precedence.
 */
function venvSetup(dir: string): PlannedCommand['setup'] {
  const files = requirementFiles(dir);
  const lock = files.length === 0 ? pythonLockFile(dir) : undefined;
  if ((files.length === 0 && !lock) || existsSync(path.join(dir, VENV_FOLDER))) return undefined;
  if (lock) {
    // The lock's pins are written into the venv once it is made (lockPins.ts); it names every package, so pip resolves nothing.
    return {
      first: [basePython(), '-m', 'venv', '--system-site-packages', VENV_FOLDER],
      command: [venvPython(dir), '-m', 'pip', 'install', '--no-deps', '-r', PINS_FILE],
      source: lock,
      lock,
    };
  }
  return {
    first: [basePython(), '-m', 'venv', '--system-site-packages', VENV_FOLDER],
    command: [venvPython(dir), '-m', 'pip', 'install', ...files.flatMap((file) => ['-r', file])],
    source: files.join(', '),
  };
}

function pythonPlan(dir: string, intent: BuiltinIntent): PlannedCommand | undefined {
  const isPython = ['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt'].some((n) => existsSync(path.join(dir, n)));
  // audit and outdated read the requirements as they are: nothing is installed for them.
  const setup = intent === 'audit' || intent === 'outdated' ? undefined : venvSetup(dir);
  const python = () => (setup || existsSync(path.join(dir, VENV_FOLDER)) ? venvPython(dir) : basePython());
  const planned = pythonCommand(dir, intent, isPython, python);
  return planned && setup ? { ...planned, setup } : planned;
}

function pythonCommand(dir: string, intent: BuiltinIntent, isPython: boolean, python: () => string): PlannedCommand | undefined {
  if (intent === 'test' && hasPythonTests(dir)) return { command: [python(), '-m', 'pytest'], source: 'pytest' };
  if (!isPython) return undefined;
  const pyproject = existsSync(path.join(dir, 'pyproject.toml')) ? readFileSync(path.join(dir, 'pyproject.toml'), 'utf8') : '';
  if (intent === 'lint' && /\[tool\.ruff/.test(pyproject)) return { command: ['ruff', 'check', '.'], source: 'ruff' };
  if (intent === 'lint' && existsSync(path.join(dir, '.flake8'))) return { command: [python(), '-m', 'flake8'], source: 'flake8' };
  if (intent === 'typecheck' && (/\[tool\.mypy/.test(pyproject) || existsSync(path.join(dir, 'mypy.ini')))) return { command: [python(), '-m', 'mypy', '.'], source: 'mypy' };
  if (intent === 'format' && /\[tool\.ruff/.test(pyproject)) return { command: ['ruff', 'format', '.'], source: 'ruff' };
  if (intent === 'format' && /\[tool\.black/.test(pyproject)) return { command: [python(), '-m', 'black', '.'], source: 'black' };
  if (intent === 'audit') return { command: ['pip-audit'], source: 'pip-audit' };
  if (intent === 'outdated') return { command: [python(), '-m', 'pip', 'list', '--outdated'], source: 'pip list --outdated' };
  return undefined;
}

function goPlan(dir: string, intent: BuiltinIntent): PlannedCommand | undefined {
  if (!existsSync(path.join(dir, 'go.mod'))) return undefined;
  const commands: Record<BuiltinIntent, string[]> = {
    test: ['go', 'test', '-v', './...'],
    lint: ['go', 'vet', './...'],
    typecheck: ['go', 'vet', './...'],
    build: ['go', 'build', './...'],
    format: ['gofmt', '-w', '.'],
    audit: ['govulncheck', './...'],
    outdated: ['go', 'list', '-u', '-m', 'all'],
  };
  return { command: commands[intent], source: 'go.mod' };
}

function cargoPlan(dir: string, intent: BuiltinIntent): PlannedCommand | undefined {
  if (!existsSync(path.join(dir, 'Cargo.toml'))) return undefined;
  const sub: Record<BuiltinIntent, string> = { test: 'test', lint: 'clippy', typecheck: 'check', build: 'build', format: 'fmt', audit: 'audit', outdated: 'outdated' };
  return { command: ['cargo', sub[intent]], source: 'Cargo.toml' };
}

/**
 * The command for `intent` in `dir`: the project's own npm/pnpm/yarn script first, then
 * a Makefile target, then the language's standard tool. Undefined when nothing fits.
 */
export function planCommand(dir: string, intent: BuiltinIntent, env?: NodeJS.ProcessEnv): PlannedCommand | undefined {
  const pkgScript = readJson(path.join(dir, 'package.json')) ? nodePlan(dir, intent, env) : undefined;
  if (pkgScript && intent !== 'audit' && intent !== 'outdated') return pkgScript;
  return makePlan(dir, intent) ?? pkgScript ?? pythonPlan(dir, intent) ?? goPlan(dir, intent) ?? cargoPlan(dir, intent);
}

/** What was looked for, for a clear "nothing to run" message. */
export const LOOKED_FOR = 'package.json scripts (npm/pnpm/yarn), a Makefile target, pytest, go.mod, Cargo.toml';

const MAKE_TARGETS: Record<BuiltinIntent, string> = { test: 'test', lint: 'lint', typecheck: 'typecheck', build: 'build', format: 'format', audit: 'audit', outdated: 'outdated' };

/**
 * What planCommand looked for in this project for `intent`, said for its kind of project
 * ("ruff ([tool.ruff] in pyproject.toml) or flake8 (.flake8)" in a Python one), so a
 * person can tell what to add; LOOKED_FOR when the project is of no kind known here.
 */
export function lookedFor(dir: string, intent: BuiltinIntent): string {
  const make = `a Makefile \`${MAKE_TARGETS[intent]}\` target`;
  if (existsSync(path.join(dir, 'package.json'))) {
    const scripts: Record<BuiltinIntent, string> = {
      test: 'a `test` script in package.json',
      lint: 'a `lint` script in package.json',
      typecheck: 'a `typecheck` (or `type-check`, `types`) script in package.json, or a tsconfig.json',
      build: 'a `build` script in package.json',
      format: 'a `format` (or `fmt`) script in package.json, or prettier, oxfmt or biome among its dependencies',
      audit: 'package.json',
      outdated: 'package.json',
    };
    return `${scripts[intent]}, or ${make}`;
  }
  if (['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt'].some((name) => existsSync(path.join(dir, name)))) {
    const python: Partial<Record<BuiltinIntent, string>> = {
      test: 'pytest tests (test_*.py, a pytest.ini, conftest.py or [tool.pytest] in pyproject.toml)',
      lint: 'ruff ([tool.ruff] in pyproject.toml) or flake8 (a .flake8 file)',
      typecheck: 'mypy ([tool.mypy] in pyproject.toml, or a mypy.ini)',
      build: 'a build tool of its own',
      format: 'ruff or black ([tool.ruff] or [tool.black] in pyproject.toml)',
    };
    return `${python[intent] ?? 'its tools'}, or ${make}`;
  }
  return LOOKED_FOR;
}
