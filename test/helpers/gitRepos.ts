import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs git with a fixed identity, so tests work on machines with no git config. */
export function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Temporary folders for one test file; `cleanup()` in `after`/`afterEach` removes them all. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix = 'dispatch-test-'): string {
    // realpath: macOS /var → /private/var, so paths compare equal to what git reports.
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  cleanup(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Writes `files` (relative path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** A real repository at `dir` with `files` committed on `main` (no commit when `commit` is false). */
export function makeRepo(dir: string, files: Record<string, string> = { 'README.md': '# test\n' }, commit = true): string {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '--quiet', '--initial-branch=main']);
  writeFiles(dir, files);
  if (commit) {
    git(dir, ['add', '--all']);
    git(dir, ['commit', '--quiet', '-m', 'initial']);
  }
  return dir;
}

/** A node project whose `npm test` is `node --test` (offline, no dependencies). */
export function nodeTestProject(suite: 'passing' | 'failing'): Record<string, string> {
  const failing = suite === 'failing';
  return {
    'package.json': JSON.stringify({ name: `fixture-${suite}`, private: true, scripts: { test: 'node --test' } }, null, 2),
    'test/math.test.js': [
      "const test = require('node:test');",
      "const assert = require('node:assert');",
      "test('adds', () => assert.equal(1 + 1, 2));",
      "test.describe('strings', () => {",
      "  test.it('concatenates', () => assert.equal('a' + 'b', 'ab'));",
      `  test.it('upper-cases', () => assert.equal('a'.toUpperCase(), ${failing ? "'a'" : "'A'"}));`,
      '});',
      `test('multiplies', () => assert.equal(2 * 3, ${failing ? 7 : 6}));`,
      '',
    ].join('\n'),
    '.gitignore': 'node_modules/\n',
  };
}

function hashTree(root: string, dir: string, hash: ReturnType<typeof createHash>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(root, full);
    if (rel === '.git') continue;
    if (entry.isDirectory()) hashTree(root, full, hash);
    else hash.update(`${rel}\0`).update(readFileSync(full)).update('\0');
  }
}

/**
 * A fingerprint of a user's checkout: every working-tree file, the raw index, HEAD,
 * the commit it points to and the current branch. Equal before and after = untouched.
 * Reads files before running any git command, since `git status` could refresh the index.
 */
export function hashCheckout(repo: string): string {
  const hash = createHash('sha256');
  hashTree(repo, repo, hash);
  hash.update(readFileSync(path.join(repo, '.git', 'HEAD')));
  try {
    hash.update(readFileSync(path.join(repo, '.git', 'index')));
  } catch {
    hash.update('no index');
  }
  for (const args of [['rev-parse', '--verify', '--quiet', 'HEAD'], ['symbolic-ref', '--quiet', 'HEAD']]) {
    try {
      hash.update(git(repo, args).trim());
    } catch {
      hash.update(`(${args[0]} failed)`); // no commits yet, or detached HEAD
    }
  }
  return hash.digest('hex');
}
