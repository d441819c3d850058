import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { detectPackageManager, packageManagerLauncher } from './toolchain.js';
import type { PackageUpdate } from './updateRequest.js';

/** Packages that must move together: asking for one moves the others the project has. */
const FAMILIES: RegExp[] = [/^(?:react|react-dom|react-test-renderer|@types\/react|@types\/react-dom)$/, /^@angular\//, /^@babel\//, /^(?:vue|@vue\/.+)$/];

const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'] as const;

/** How to change one project's dependencies with its own package manager. */
export interface DependencyPlan {
  ecosystem: string;
  /** The commands, in order; each goes through the approval gate. */
  commands: string[][];
  /** The files the update may change: only these are committed. */
  files: string[];
  /** Each package moved, with what the manifest said before. */
  moves: { name: string; from: string; to: string }[];
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** What the manifest declares for `name` now ("^1.6.0"), and in which section. */
export function declaredNodeVersion(dir: string, name: string): { spec: string; section: string } | undefined {
  const pkg = readJson(path.join(dir, 'package.json'));
  for (const section of SECTIONS) {
    const spec = (pkg?.[section] as Record<string, unknown> | undefined)?.[name];
    if (typeof spec === 'string') return { spec, section };
  }
  return undefined;
}

function nodePlan(dir: string, asked: PackageUpdate[], env?: NodeJS.ProcessEnv): DependencyPlan | string {
  const pkg = readJson(path.join(dir, 'package.json')) ?? {};
  const declared = new Set(SECTIONS.flatMap((section) => Object.keys((pkg[section] as object | undefined) ?? {})));
  const missing = asked.filter((update) => !declared.has(update.name)).map((update) => update.name);
  if (missing.length) return `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not a dependency in package.json.`;
  const moves = new Map<string, string>();
  for (const update of asked) {
    moves.set(update.name, update.version);
    const family = FAMILIES.find((pattern) => pattern.test(update.name));
    for (const name of family ? declared : []) if (family?.test(name) && !moves.has(name)) moves.set(name, update.version);
  }
  const pm = detectPackageManager(dir, pkg);
  const lockfile = { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock' }[pm];
  const specs = (dev: boolean) =>
    [...moves].filter(([name]) => (declaredNodeVersion(dir, name)?.section === 'devDependencies') === dev).map(([name, version]) => `${name}@${version}`);
  const commands: string[][] = [];
  if (pm === 'npm') commands.push(['npm', 'install', '--no-audit', '--no-fund', ...specs(false), ...specs(true)]);
  else {
    const add = [...(packageManagerLauncher(dir, pm, env) ?? [pm]), 'add'];
    if (specs(false).length) commands.push([...add, ...specs(false)]);
    if (specs(true).length) commands.push([...add, '-D', ...specs(true)]);
  }
  return {
    ecosystem: pm,
    commands,
    files: ['package.json', lockfile],
    moves: [...moves].map(([name, to]) => ({ name, from: declaredNodeVersion(dir, name)?.spec ?? '?', to })),
  };
}

/**
 * The plan for "update X to N" in `dir`, or a sentence saying why there is none: npm,
 * pnpm or yarn by lockfile; poetry or uv by their lockfiles; go get; cargo update.
 */
export function planDependencyUpdate(dir: string, asked: PackageUpdate[], env?: NodeJS.ProcessEnv): DependencyPlan | string {
  const has = (file: string) => existsSync(path.join(dir, file));
  const moves = asked.map((update) => ({ name: update.name, from: '?', to: update.version }));
  if (has('package.json')) return nodePlan(dir, asked, env);
  if (has('poetry.lock')) return { ecosystem: 'poetry', commands: [['poetry', 'add', ...asked.map((u) => `${u.name}@^${u.version}`)]], files: ['pyproject.toml', 'poetry.lock'], moves };
  if (has('uv.lock')) return { ecosystem: 'uv', commands: [['uv', 'add', ...asked.map((u) => `${u.name}>=${u.version}`)]], files: ['pyproject.toml', 'uv.lock'], moves };
  if (has('go.mod')) return { ecosystem: 'go', commands: [['go', 'get', ...asked.map((u) => `${u.name}@v${u.version}`)], ['go', 'mod', 'tidy']], files: ['go.mod', 'go.sum'], moves };
  if (has('Cargo.toml')) {
    return { ecosystem: 'cargo', commands: asked.map((u) => ['cargo', 'update', '-p', u.name, '--precise', u.version]), files: ['Cargo.toml', 'Cargo.lock'], moves };
  }
  if (has('requirements.txt') || has('pyproject.toml')) return 'This Python project has no poetry.lock or uv.lock; pip alone cannot update a manifest and lockfile together.';
  return 'Found no package manifest (package.json, pyproject.toml with poetry or uv, go.mod, Cargo.toml).';
}

/**
 * The plan for "update the (dev) dependencies": every one (or every dev one) to the newest
 * version its declared range allows, with the project's own tool. Within the ranges, so
 * no major version moves without being asked by name ("update vitest to 5").
 */
export function planBulkUpdate(dir: string, which: 'dev' | 'all', env?: NodeJS.ProcessEnv): DependencyPlan | string {
  const has = (file: string) => existsSync(path.join(dir, file));
  const plan = (ecosystem: string, commands: string[][], files: string[]): DependencyPlan => ({ ecosystem, commands, files, moves: [] });
  if (has('package.json')) {
    const pkg = readJson(path.join(dir, 'package.json')) ?? {};
    const dev = Object.keys((pkg.devDependencies as object | undefined) ?? {});
    if (which === 'dev' && dev.length === 0) return 'package.json declares no devDependencies.';
    const pm = detectPackageManager(dir, pkg);
    const launcher = packageManagerLauncher(dir, pm, env) ?? [pm];
    const lockfile = { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock' }[pm];
    const names = which === 'dev' ? dev : [];
    const command =
      pm === 'npm' ? ['npm', 'update', '--save', '--no-audit', '--no-fund', ...names] : pm === 'pnpm' ? [...launcher, 'update', ...(which === 'dev' ? ['--dev'] : [])] : [...launcher, 'upgrade', ...names];
    return plan(pm, [command], ['package.json', lockfile]);
  }
  if (has('poetry.lock')) return plan('poetry', [['poetry', 'update', ...(which === 'dev' ? ['--only', 'dev'] : [])]], ['pyproject.toml', 'poetry.lock']);
  if (has('uv.lock')) return plan('uv', [['uv', 'lock', '--upgrade']], ['uv.lock']);
  if (has('go.mod')) return plan('go', [['go', 'get', '-u', ...(which === 'dev' ? ['-t'] : []), './...'], ['go', 'mod', 'tidy']], ['go.mod', 'go.sum']);
  if (has('Cargo.toml')) return plan('cargo', [['cargo', 'update']], ['Cargo.lock']);
  if (has('requirements.txt') || has('pyproject.toml')) return 'This Python project has no poetry.lock or uv.lock: there is no lockfile to update.';
  return 'Found no package manifest (package.json, pyproject.toml with poetry or uv, go.mod, Cargo.toml).';
}

/** Every declared dependency and its range, to tell what an update moved. */
export function declaredNodeRanges(dir: string): Map<string, string> {
  const pkg = readJson(path.join(dir, 'package.json')) ?? {};
  const ranges = new Map<string, string>();
  for (const section of SECTIONS) {
    for (const [name, spec] of Object.entries((pkg[section] as Record<string, unknown> | undefined) ?? {})) if (typeof spec === 'string') ranges.set(name, spec);
  }
  return ranges;
}
