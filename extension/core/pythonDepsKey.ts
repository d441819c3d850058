import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { resolveCommand, toolEnv } from './processTree.js';

/**
 * The requirement files a session's venv is installed from, in this order. Together they
 * are the "lock" of a pip project. Without any, a poetry.lock or uv.lock is the lock: pip
 * installs its pins (lockPins.ts), since poetry and uv are not run for a project.
 */
export const REQUIREMENT_FILES = ['requirements.txt', 'requirements-dev.txt', 'dev-requirements.txt', 'requirements-test.txt', 'test-requirements.txt'];

/** The locks read when there is no requirement file, in this order. */
export const PYTHON_LOCKS = ['poetry.lock', 'uv.lock'] as const;
export type PythonLock = (typeof PYTHON_LOCKS)[number];

/** The lock in `dir` a venv is installed from when it has no requirement file. */
export function pythonLockFile(dir: string): PythonLock | undefined {
  return PYTHON_LOCKS.find((name) => existsSync(path.join(dir, name)));
}

/** The session venv's folder in the worktree. */
export const VENV_FOLDER = '.venv';

/** The requirement files present in `dir` (none: not a pip project Dispatch installs). */
export function requirementFiles(dir: string): string[] {
  return REQUIREMENT_FILES.filter((name) => existsSync(path.join(dir, name)));
}

/** The interpreter a venv is made from: `python3` (`python` on Windows). */
export function basePython(): string {
  return process.platform === 'win32' ? 'python' : 'python3';
}

/** The venv's own interpreter. */
export function venvPython(dir: string): string {
  return process.platform === 'win32' ? path.join(dir, VENV_FOLDER, 'Scripts', 'python.exe') : path.join(dir, VENV_FOLDER, 'bin', 'python');
}

// What determines a venv besides its requirements: the interpreter it links to, its version
// and ABI, the pip that ensurepip puts in, and — since the venv sees the machine's own
// packages (toolchain.ts) — those packages and their versions.
const FACTS_SCRIPT = [
  'import ensurepip, hashlib, importlib.metadata as m, json, os, sys, sysconfig',
  "dists = sorted({(d.metadata['Name'] or '').lower() + '==' + (d.version or '') for d in m.distributions()})",
  "print(json.dumps({'version': sys.version.split()[0], 'tag': sys.implementation.cache_tag, 'executable': os.path.realpath(sys.executable),",
  "  'platform': sysconfig.get_platform(), 'pip': ensurepip.version(), 'site': hashlib.sha256('\\n'.join(dists).encode()).hexdigest()}))",
].join('\n');

const FactsSchema = z.object({ version: z.string(), tag: z.string(), executable: z.string(), platform: z.string(), pip: z.string(), site: z.string() });
export type PythonFacts = z.infer<typeof FactsSchema>;

let facts: Promise<PythonFacts | undefined> | undefined;

/** The machine's Python, asked once per runner (and again after a failure: it may be installed later). */
export function pythonFacts(): Promise<PythonFacts | undefined> {
  facts ??= new Promise((resolve) => {
    const { file, args } = resolveCommand([basePython(), '-c', FACTS_SCRIPT]);
    execFile(file, args, { env: toolEnv(), timeout: 20_000, windowsHide: true }, (error, stdout) => {
      try {
        resolve(error ? undefined : FactsSchema.parse(JSON.parse(String(stdout))));
      } catch {
        resolve(undefined);
      }
    });
  });
  const asked = facts;
  void asked.then((found) => {
    if (!found && facts === asked) facts = undefined;
  });
  return asked;
}

/**
 * Why a requirements file does not say exactly what pip installs, or undefined when it
 * does: every requirement pinned with `==` (no wildcard) or `===`, and nothing installed
 * from a local path. Options (`--no-index`, `--find-links`, `-i`) and `-e` lines are
 * left to keep(): an editable install points into the worktree and is never cached.
 */
export function unpinned(text: string): string | undefined {
  // A line may go on after a backslash; `--hash` options pin more, they do not loosen.
  for (const raw of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').replace(/\s--hash[=\s]\S+/g, '').trim();
    if (!line || line.startsWith('-')) continue;
    if (/^(\.|\/|file:)/.test(line) || /@\s*file:/.test(line)) return `\`${line}\` is installed from a local path`;
    if (!/(===?)\s*[^\s,;*]+\s*(;.*)?$/.test(line) || /[<>~!]=?|,/.test(line.split(';')[0] ?? '')) return `\`${line}\` is not pinned to one version (==)`;
  }
  return undefined;
}

/** The files `-r`/`-c` lines name, relative to the file naming them (one level: enough for split dev files). */
function included(text: string): string[] {
  return [...text.matchAll(/^\s*(?:-r|-c|--requirement|--constraint)[\s=]+(\S+)/gm)].map((match) => match[1] ?? '');
}

export interface PythonKeyFields {
  lockfile: string;
  lockHash: string;
  managerVersion: string;
  python: string;
  platform: string;
  /** Hashed into the id, not shown: the interpreter's path and the machine's own packages. */
  extra: Record<string, string>;
}

/** The key fields of the venv `worktree` would install, or why it cannot be cached. */
export async function pythonKeyFields(worktree: string): Promise<PythonKeyFields | { none: string }> {
  if (process.platform === 'win32') return { none: 'a venv is reused only on Linux and macOS' };
  const files = requirementFiles(worktree);
  const lock = files.length === 0 ? pythonLockFile(worktree) : undefined;
  if (files.length === 0 && !lock) return { none: 'no requirements.txt, poetry.lock or uv.lock' };
  const hash = createHash('sha256');
  // A lock pins everything (its pins are exported from it alone); the hash is of the file as committed.
  if (lock) hash.update(await readFile(path.join(worktree, lock)));
  for (const name of files) {
    const text = await readFile(path.join(worktree, name), 'utf8');
    const loose = unpinned(text);
    if (loose) return { none: `${name}: ${loose}, so an install may resolve other versions` };
    hash.update(`${name}\0${text}\0`);
    for (const other of included(text)) {
      const file = path.resolve(worktree, path.dirname(name), other);
      const inner = await readFile(file, 'utf8').catch(() => undefined);
      if (inner === undefined) return { none: `${name} names ${other}, which is not there` };
      const looseInner = unpinned(inner);
      if (looseInner) return { none: `${other}: ${looseInner}, so an install may resolve other versions` };
      hash.update(`${other}\0${inner}\0`);
    }
  }
  const found = await pythonFacts();
  if (!found) return { none: `${basePython()} is not installed (or has no ensurepip)` };
  return {
    lockfile: lock ?? files.join(' + '),
    lockHash: hash.digest('hex'),
    managerVersion: found.pip,
    python: `${found.version} (${found.tag})`,
    platform: `${found.platform}-${process.arch}`,
    extra: { executable: found.executable, site: found.site },
  };
}
