import { execFile } from 'node:child_process';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { MAX_VOCABULARY_BYTES, MAX_VOCABULARY_TERMS, type RepoVocabulary } from '../../shared/routing/context.js';

const execFileAsync = promisify(execFile);

/** Bounds on what the builder reads, so it stays fast on a large checkout. */
export interface VocabularyLimits {
  /** Source files read for identifiers (the first ones in `git ls-files` order, spread across the tree). */
  readonly maxSourceFiles: number;
  /** Bytes read from the start of each source file. */
  readonly maxBytesPerFile: number;
  /** Manifests (package.json, Cargo.toml, …) read. */
  readonly maxManifests: number;
  /** Identifiers kept, most frequent first. */
  readonly maxIdentifiers: number;
}

export const DEFAULT_VOCABULARY_LIMITS: VocabularyLimits = { maxSourceFiles: 400, maxBytesPerFile: 32 * 1024, maxManifests: 60, maxIdentifiers: 4000 };

const SOURCE_EXTENSIONS = new Set('ts tsx mts cts js jsx mjs cjs py rb go rs java kt swift c h cc cpp hpp cs php scala vue svelte ex exs dart lua'.split(' '));
const SKIPPED_DIRS = /(?:^|\/)(?:node_modules|vendor|dist|build|out|target|\.git|__pycache__|coverage|third_party)\//;
const IDENTIFIER = /[A-Za-z_$][\w$]{2,60}/g;
// Words every language uses: they say nothing about this repository.
const KEYWORDS = new Set(
  'the and for new var let const function return import export from default class extends implements interface type enum public private protected static readonly async await yield this self super null undefined true false none nil void int string number boolean bool float double char byte long short unsigned struct impl trait pub use mod crate match loop while break continue else elif then case switch try catch except finally throw throws raise def lambda pass with not package func chan map range defer select goto require module include end begin unless until when object val fun override open data sealed internal where typeof instanceof delete keyof infer declare namespace abstract final native synchronized volatile transient assert println printf console log args argv err error'.split(
    ' ',
  ),
);

/**
 * Builds a repository's vocabulary from a local checkout: dependency names from its
 * manifests, script and make target names, folder names and file base names, and the most
 * frequent identifiers in its tracked source files. Terms are lowercase; compound names
 * (`computeShippingCost`, `shipping_cost`) are given as words with spaces
 * (`compute shipping cost`) so the router can match them against a sentence. Bounded by
 * MAX_VOCABULARY_TERMS and MAX_VOCABULARY_BYTES, most telling terms first.
 *
 * @param repoPath - The checkout's root folder.
 * @param limits - How much to read.
 * @returns The vocabulary; an empty one when the folder is not a git checkout.
 */
export async function buildRepoVocabulary(repoPath: string, limits: VocabularyLimits = DEFAULT_VOCABULARY_LIMITS): Promise<RepoVocabulary> {
  const files = await trackedFiles(repoPath);
  const manifests = files.filter((file) => isManifest(file) && !SKIPPED_DIRS.test(file)).slice(0, limits.maxManifests);
  const dependencyTerms: string[] = [];
  for (const file of manifests) dependencyTerms.push(...(await manifestTerms(repoPath, file)));
  const treeTerms = pathTerms(files);
  const identifiers = await frequentIdentifiers(repoPath, files, limits);
  return { terms: boundTerms([...dependencyTerms, ...treeTerms, ...identifiers]) };
}

async function trackedFiles(repoPath: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync('git', ['-c', 'core.quotePath=false', 'ls-files', '-z'], { cwd: repoPath, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
    return stdout.split('\0').filter((file) => file.length > 0);
  } catch {
    return [];
  }
}

const MANIFEST_NAMES = new Set(['package.json', 'pyproject.toml', 'go.mod', 'cargo.toml', 'gemfile', 'composer.json', 'makefile', 'gnumakefile']);

function isManifest(file: string): boolean {
  const base = path.posix.basename(file).toLowerCase();
  return MANIFEST_NAMES.has(base) || /^requirements[\w.-]*\.txt$/.test(base);
}

async function manifestTerms(repoPath: string, file: string): Promise<string[]> {
  let text: string;
  try {
    text = (await readFile(path.join(repoPath, file), 'utf8')).slice(0, 512 * 1024);
  } catch {
    return [];
  }
  const base = path.posix.basename(file).toLowerCase();
  if (base === 'package.json' || base === 'composer.json') return jsonManifestTerms(text);
  if (base === 'pyproject.toml') return pyprojectTerms(text);
  if (base.startsWith('requirements')) return requirementsTerms(text);
  if (base === 'go.mod') return goModTerms(text);
  if (base === 'cargo.toml') return tomlTableKeys(text, /^\[(?:workspace\.)?(?:dev-|build-)?dependencies\]$/);
  if (base === 'gemfile') return [...text.matchAll(/^\s*gem\s+['"]([\w.-]+)['"]/gm)].map((m) => m[1] ?? '');
  return makeTargets(text);
}

function jsonManifestTerms(text: string): string[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof json !== 'object' || json === null) return [];
  const manifest = json as Record<string, unknown>;
  const terms: string[] = [];
  if (typeof manifest.name === 'string') terms.push(manifest.name);
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies', 'require', 'require-dev', 'scripts']) {
    const value = manifest[field];
    if (typeof value === 'object' && value !== null) terms.push(...Object.keys(value));
  }
  return terms;
}

function pyprojectTerms(text: string): string[] {
  const terms = tomlTableKeys(text, /^\[tool\.poetry\.(?:dev-)?dependencies\]$|^\[tool\.poetry\.group\.[\w-]+\.dependencies\]$|^\[project\.scripts\]$/);
  // PEP 621: dependencies = ["requests>=2", "pydantic[email]"]
  for (const list of text.matchAll(/^\s*(?:dependencies|[\w-]+)\s*=\s*\[([^\]]*)\]/gm)) {
    for (const item of (list[1] ?? '').matchAll(/["']([A-Za-z0-9][\w.-]*)/g)) terms.push(item[1] ?? '');
  }
  return terms;
}

function requirementsTerms(text: string): string[] {
  return text
    .split('\n')
    .map((line) => /^\s*([A-Za-z0-9][\w.-]*)/.exec(line)?.[1] ?? '')
    .filter((name) => name.length > 0);
}

function goModTerms(text: string): string[] {
  const terms: string[] = [];
  for (const m of text.matchAll(/^\s*(?:module|require)?\s*([a-z0-9.-]+\.[a-z]{2,}\/[\w./-]+)\s+v?\d/gm)) terms.push(...goModulePath(m[1] ?? ''));
  const module = /^module\s+(\S+)/m.exec(text)?.[1];
  if (module) terms.push(...goModulePath(module));
  return terms;
}

/** "github.com/spf13/cobra" → the path and its last segment ("cobra"). */
function goModulePath(modulePath: string): string[] {
  const segments = modulePath.split('/').filter((segment) => !/^v\d+$/.test(segment));
  return [modulePath, segments[segments.length - 1] ?? ''];
}

function tomlTableKeys(text: string, table: RegExp): string[] {
  const terms: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('[')) inside = table.test(trimmed);
    else if (inside) {
      const key = /^["']?([A-Za-z0-9][\w.-]*)["']?\s*=/.exec(trimmed)?.[1];
      if (key && key !== 'python') terms.push(key);
    }
  }
  return terms;
}

function makeTargets(text: string): string[] {
  return [...text.matchAll(/^([A-Za-z0-9][\w.-]*)\s*:(?!=)/gm)].map((m) => m[1] ?? '').filter((target) => !target.startsWith('.'));
}

/** Folder names (top level first) and file base names. */
function pathTerms(files: readonly string[]): string[] {
  const topLevel = new Set<string>();
  const folders = new Set<string>();
  const bases = new Set<string>();
  for (const file of files) {
    if (SKIPPED_DIRS.test(file)) continue;
    const parts = file.split('/');
    const name = parts.pop() ?? '';
    if (parts[0]) topLevel.add(parts[0]);
    for (const part of parts.slice(1)) folders.add(part);
    const base = name.replace(/^\.+/, '').replace(/(?:\.[A-Za-z0-9]{1,10})+$/, '');
    if (base) bases.add(base);
  }
  return [...topLevel, ...folders, ...bases];
}

async function frequentIdentifiers(repoPath: string, files: readonly string[], limits: VocabularyLimits): Promise<string[]> {
  const sources = spread(
    files.filter((file) => SOURCE_EXTENSIONS.has(path.posix.extname(file).slice(1).toLowerCase()) && !SKIPPED_DIRS.test(file) && !/\.min\.js$/.test(file)),
    limits.maxSourceFiles,
  );
  const counts = new Map<string, number>();
  const buffer = Buffer.alloc(limits.maxBytesPerFile);
  for (const file of sources) {
    const text = await readStart(path.join(repoPath, file), buffer);
    for (const m of text.matchAll(IDENTIFIER)) {
      const word = m[0];
      if (KEYWORDS.has(word.toLowerCase())) continue;
      counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  return [...counts]
    .filter(([word, count]) => count >= 2 || /[a-z][A-Z]|_/.test(word))
    .sort((a, b) => b[1] - a[1])
    .slice(0, limits.maxIdentifiers)
    .map(([word]) => word);
}

/** At most `count` items taken evenly from the list, so every part of a large tree is read. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const step = items.length / count;
  return Array.from({ length: count }, (_, i) => items[Math.floor(i * step)] as T);
}

async function readStart(file: string, buffer: Buffer): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

const utf8 = new TextEncoder();

/**
 * Lowercases, splits compound names into words, removes duplicates and keeps the first
 * terms that fit the bounds: the caller orders them most telling first.
 */
export function boundTerms(raw: readonly string[]): string[] {
  const seen = new Set<string>();
  const terms: string[] = [];
  let bytes = 0;
  const push = (term: string): boolean => {
    if (term.length < 2 || term.length > 100 || seen.has(term)) return true;
    const size = utf8.encode(term).length;
    if (terms.length >= MAX_VOCABULARY_TERMS || bytes + size > MAX_VOCABULARY_BYTES) return false;
    seen.add(term);
    terms.push(term);
    bytes += size;
    return true;
  };
  for (const name of raw) {
    for (const term of termForms(name)) if (!push(term)) return terms;
  }
  return terms;
}

/** "computeShippingCost" → "compute shipping cost"; "date-fns" stays; "@sentry/node" → it, "sentry" and "node". */
function termForms(name: string): string[] {
  const trimmed = name.trim();
  if (!trimmed) return [];
  const words = trimmed
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
  const lower = trimmed.toLowerCase();
  const spaced = words.join(' ');
  const forms = [/^[a-z0-9][a-z0-9.-]*$/.test(lower) || lower.includes('/') ? lower : spaced];
  if (spaced !== forms[0] && words.length > 1) forms.push(spaced);
  const scoped = /^@([\w.-]+)\/([\w.-]+)$/.exec(lower);
  if (scoped) forms.push(scoped[1] ?? '', scoped[2] ?? '');
  return forms;
}
