import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { detectPackageManager, packageManagerLauncher } from './agents/toolchain.js';
import { resolveCommand, toolEnv } from './processTree.js';
import { pythonKeyFields, pythonLockFile, requirementFiles, VENV_FOLDER } from './pythonDepsKey.js';

export type CachedManager = 'npm' | 'pnpm' | 'yarn' | 'pip';

/** Everything that determines an installed node_modules, hashed into one id. */
export interface DepsKey {
  /** The cache entry's name: a hash of all the fields below. */
  id: string;
  manager: CachedManager;
  managerVersion: string;
  lockfile: string;
  /** sha256 of the lockfile, hex; the first characters are what a person is shown. */
  lockHash: string;
  /** Node's version for npm, pnpm and yarn; empty for pip. */
  node: string;
  /** Python's version and ABI tag for pip ("3.11.7 (cpython-311)"). */
  python?: string;
  platform: string;
}

/**
 * The lockfile field of an npm project's key that has no lockfile: keyed by the manifest's
 * dependency fields instead. Its install is not reproducible anyway (it resolves afresh
 * each time), so a recent one is as good a start as a new one: such an entry lives for a
 * short while only (DISPATCH_DEPS_CACHE_NO_LOCKFILE_TTL, see DepsCache).
 */
export const NO_LOCKFILE = 'package.json';

/** A key of an npm project without a lockfile (see NO_LOCKFILE). */
export function withoutLockfile(key: { lockfile: string; manager: string }): boolean {
  return key.manager === 'npm' && key.lockfile === NO_LOCKFILE;
}

/** The folder an install fills in the worktree: node_modules, or the session's venv. */
export function installedFolder(key: Pick<DepsKey, 'manager'>): string {
  return key.manager === 'pip' ? VENV_FOLDER : 'node_modules';
}

const LOCKFILES: Record<Exclude<CachedManager, 'pip'>, string> = { npm: 'package-lock.json', pnpm: 'pnpm-lock.yaml', yarn: 'yarn.lock' };
/** The manifest fields an install reads besides the lockfile (npm ci refuses a manifest that disagrees). */
const MANIFEST_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies', 'overrides', 'resolutions', 'pnpm', 'packageManager'];

const versions = new Map<string, Promise<string | undefined>>();

/** `npm --version` (once per runner: the answer does not change while it runs). */
function managerVersion(manager: Exclude<CachedManager, 'pip'>, cwd: string, declared: string, throughNpx = true): Promise<string | undefined> {
  // Yarn 2+ and corepack pick the version from the project's packageManager field.
  const launcher = (throughNpx ? packageManagerLauncher(cwd, manager, toolEnv()) : undefined) ?? [manager];
  const memo = `${launcher.join(' ')}\0${declared}`;
  let version = versions.get(memo);
  if (!version) {
    version = new Promise((resolve) => {
      // pnpm or yarn missing from PATH: the version the install ran through npx (see packageManagerLauncher).
      const { file, args } = resolveCommand([...launcher, '--version']);
      execFile(file, args, { cwd, env: toolEnv(), timeout: 20_000, windowsHide: true }, (error, stdout) => {
        const text = String(stdout).trim();
        resolve(error || !/^\d+\.\d+/.test(text) ? undefined : text.split(/\s/)[0]);
      });
    });
    versions.set(memo, version);
    void version.then((found) => {
      if (!found) versions.delete(memo); // not installed yet: ask again next time
    });
  }
  return version;
}

/** Asks npm, pnpm and yarn for their versions in the background, so a session's first cache look-up does not wait for one. */
export function prefetchManagerVersions(cwd = process.cwd()): void {
  // Never through npx here: no project asked for pnpm or yarn yet, so nothing is downloaded.
  for (const manager of ['npm', 'pnpm', 'yarn'] as const) void managerVersion(manager, cwd, '', false);
}

function pick(manifest: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(MANIFEST_FIELDS.filter((field) => field in manifest).map((field) => [field, manifest[field]]));
}

/**
 * The cache key of the dependencies `worktree` would install, or why there is none: no
 * lockfile for pnpm or yarn (npm's is keyed by its manifest: NO_LOCKFILE), a workspace
 * (node_modules in several folders), or a package manager that is not installed.
 * `ignoreLockfile`: the key of the manifest alone, as before an install that wrote a lockfile.
 */
export async function dependencyKey(worktree: string, options: { ignoreLockfile?: boolean } = {}): Promise<DepsKey | { none: string }> {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await readFile(path.join(worktree, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    // No package.json: a Python project installs into a venv from its requirement files or its lock.
    return requirementFiles(worktree).length > 0 || pythonLockFile(worktree) ? pythonKey(worktree) : { none: 'no readable package.json' };
  }
  if ('workspaces' in manifest || existsSync(path.join(worktree, 'pnpm-workspace.yaml'))) return { none: 'a workspace (node_modules in several folders) is not cached' };
  const manager = detectPackageManager(worktree, manifest);
  const lockfile = LOCKFILES[manager];
  const lock = options.ignoreLockfile ? undefined : await readFile(path.join(worktree, lockfile)).catch(() => undefined);
  if (!lock && manager !== 'npm') return { none: `no ${lockfile}, so an install would resolve versions afresh` };
  const declared = typeof manifest.packageManager === 'string' ? manifest.packageManager : '';
  const version = await managerVersion(manager, worktree, declared);
  if (!version) return { none: `${manager} is not installed` };
  // Without a lockfile the manifest's dependency fields are the lock, and the project's .npmrc
  // (legacy-peer-deps, a registry) shapes what they resolve to: hashed into the id, never shown.
  const lockHash = createHash('sha256')
    .update(lock ?? JSON.stringify(pick(manifest)))
    .digest('hex');
  const npmrc = lock ? '' : await readFile(path.join(worktree, '.npmrc'), 'utf8').catch(() => '');
  const fields = { manager, managerVersion: version, lockfile: lock ? lockfile : NO_LOCKFILE, lockHash, node: process.version, platform: `${process.platform}-${process.arch}` };
  const id = createHash('sha256')
    .update(JSON.stringify({ ...fields, manifest: pick(manifest), ...(npmrc ? { npmrc: createHash('sha256').update(npmrc).digest('hex') } : {}) }))
    .digest('hex')
    .slice(0, 32);
  return { id, ...fields, managerVersion: version, platform: fields.platform };
}

async function pythonKey(worktree: string): Promise<DepsKey | { none: string }> {
  const fields = await pythonKeyFields(worktree);
  if ('none' in fields) return fields;
  const { extra, ...shown } = fields;
  const key = { manager: 'pip' as const, node: '', ...shown };
  const id = createHash('sha256').update(JSON.stringify({ ...key, extra })).digest('hex').slice(0, 32);
  return { id, ...key };
}
