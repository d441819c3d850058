import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DepsCache, parseByteSize } from '../../../extension/core/depsCache.js';
import { TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { RecordingLogger } from '../../helpers/recordingLogger.js';

const KB = 1_000;

/**
 * A project folder as a session's worktree looks after an install: package.json, a
 * lockfile whose content is `lock`, and a node_modules of `files` files of 1 kB.
 */
function installedProject(parent: string, lock: string, files = 100): string {
  const dir = path.join(parent, `project-${lock}`);
  writeFiles(dir, {
    'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { 'is-number': '7.0.0' } }),
    'package-lock.json': JSON.stringify({ name: 'app', lockfileVersion: 3, note: lock }),
  });
  const pkg = path.join(dir, 'node_modules', 'is-number');
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  mkdirSync(pkg, { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(path.join(pkg, `file${i}.js`), 'x'.repeat(KB), { flag: 'w' });
  writeFileSync(path.join(pkg, 'index.js'), `module.exports = '${lock}';\n`);
  symlinkSync('../is-number/index.js', path.join(dir, 'node_modules', '.bin', 'is-number'));
  return dir;
}

/** A fresh worktree of the same project (no node_modules yet). */
function freshCheckout(parent: string, from: string, name: string): string {
  const dir = path.join(parent, name);
  writeFiles(dir, {
    'package.json': readFileSync(path.join(from, 'package.json'), 'utf8'),
    'package-lock.json': readFileSync(path.join(from, 'package-lock.json'), 'utf8'),
  });
  return dir;
}

/** keep() as a session calls it right after its install, then waits for the background copy. */
async function keepInstalled(cache: DepsCache, dir: string) {
  const key = await cache.keyOf(dir);
  const kept = await cache.keep(dir, key?.id);
  await cache.settled();
  return kept;
}

describe('dependency cache', function () {
  this.timeout(60_000);
  const temp = new TempDirs();
  afterEach(() => temp.cleanup());

  it('reads sizes like 500MB, 5GB and 1.5 GiB, and refuses words', () => {
    assert.equal(parseByteSize('500MB'), 500_000_000);
    assert.equal(parseByteSize('5GB'), 5_000_000_000);
    assert.equal(parseByteSize('1.5 GiB'), Math.round(1.5 * 1024 ** 3));
    assert.equal(parseByteSize('1024'), 1024);
    assert.equal(parseByteSize('big'), undefined);
    assert.equal(parseByteSize('5 parsecs'), undefined);
  });

  it('gives a matching worktree a copy whose links point into the copy, and nothing written to it reaches the cache', async () => {
    const root = temp.make();
    const cache = new DepsCache(path.join(root, 'home'));
    const first = installedProject(root, 'a');
    assert.deepEqual((await keepInstalled(cache, first)).kept, true);
    const second = freshCheckout(root, first, 'second');
    const restored = await cache.restore(second);
    assert.ok(restored, 'the same lockfile is restored');
    assert.equal(readFileSync(path.join(second, 'node_modules', '.bin', 'is-number'), 'utf8'), "module.exports = 'a';\n");
    writeFileSync(path.join(second, 'node_modules', 'is-number', 'index.js'), 'tampered');
    const third = freshCheckout(root, first, 'third');
    await cache.restore(third);
    assert.equal(readFileSync(path.join(third, 'node_modules', 'is-number', 'index.js'), 'utf8'), "module.exports = 'a';\n", 'the next session gets the pristine tree');
  });

  it('keeps the install in the background: the session goes on at once, and a session needing it meanwhile gets it whole', async () => {
    const root = temp.make();
    const cache = new DepsCache(path.join(root, 'home'));
    const first = installedProject(root, 'bg', 500);
    const key = await cache.keyOf(first);
    const kept = await cache.keep(first, key?.id);
    assert.deepEqual(kept.kept && kept.later, true, 'copied later, not before the session goes on');
    // Not in the cache yet, but a second session gets the same tree (from the snapshot).
    const second = freshCheckout(root, first, 'second');
    assert.ok(await cache.restore(second));
    assert.equal(readFileSync(path.join(second, 'node_modules', 'is-number', 'index.js'), 'utf8'), "module.exports = 'bg';\n");
    assert.equal(readdirSync(path.join(second, 'node_modules', 'is-number')).length, 501);
    await cache.settled();
    assert.equal((await cache.entries()).length, 1);
    assert.deepEqual(readdirSync(path.join(cache.root, 'tmp')), [], 'no snapshot or half copy is left');
    const third = freshCheckout(root, first, 'third');
    assert.ok(await cache.restore(third));
    assert.equal(readFileSync(path.join(third, 'node_modules', 'is-number', 'index.js'), 'utf8'), "module.exports = 'bg';\n");
  });

  it('copies into the cache only once the runner is idle, and a session whose worktree is removed meanwhile does not spoil it', async () => {
    const root = temp.make();
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const cache = new DepsCache(path.join(root, 'home'), undefined, undefined, () => gate);
    const first = installedProject(root, 'idle', 200);
    const kept = await cache.keep(first, (await cache.keyOf(first))?.id);
    assert.deepEqual(kept.kept && kept.later, true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(await cache.entries(), [], 'nothing copied while a session runs');
    // The session ends unchanged: its worktree is deleted, as the runner does (holding the install aside first).
    await cache.holdUntilKept(first);
    rmSync(first, { recursive: true, force: true });
    openGate();
    await cache.settled();
    assert.equal((await cache.entries()).length, 1, 'kept once idle, whole');
    const second = freshCheckout(root, installedProject(root, 'idle-again', 1), 'second');
    writeFiles(second, { 'package-lock.json': JSON.stringify({ name: 'app', lockfileVersion: 3, note: 'idle' }) });
    assert.ok(await cache.restore(second));
    assert.equal(readFileSync(path.join(second, 'node_modules', 'is-number', 'index.js'), 'utf8'), "module.exports = 'idle';\n");
  });

  it('an install the session changed in place before it was copied is never stored; files it only added are left out', async () => {
    const root = temp.make();
    const cache = new DepsCache(path.join(root, 'home'));
    const changed = installedProject(root, 'changed', 500);
    const key = await cache.keyOf(changed);
    assert.equal((await cache.keep(changed, key?.id)).kept, true);
    // The session's tests run now: one rewrites a file of a package in place.
    writeFileSync(path.join(changed, 'node_modules', 'is-number', 'index.js'), 'patched by a test');
    await cache.settled();
    assert.deepEqual(await cache.entries(), [], 'the changed tree is not kept');
    assert.equal(await cache.restore(freshCheckout(root, changed, 'next')), undefined, 'the next session installs');

    const added = installedProject(path.join(root, 'other'), 'added', 200);
    const addedKey = await cache.keyOf(added);
    assert.equal((await cache.keep(added, addedKey?.id)).kept, true);
    // A tool's own cache written into node_modules (babel, eslint): new files, nothing changed.
    mkdirSync(path.join(added, 'node_modules', '.cache'));
    writeFileSync(path.join(added, 'node_modules', '.cache', 'result.json'), '{}');
    await cache.settled();
    const [entry] = await cache.entries();
    assert.ok(entry, 'kept');
    assert.equal(existsSync(path.join(entry.folder, 'tree', '.cache')), false, 'what the session added is not in the cache');
    assert.equal(readFileSync(path.join(entry.folder, 'tree', 'is-number', 'index.js'), 'utf8'), "module.exports = 'added';\n");
  });

  it('evicts the least recently used entry once the cache is past its bound', async () => {
    const root = temp.make();
    // Each tree is about 100 kB: two fit under 250 kB, three do not.
    const cache = new DepsCache(path.join(root, 'home'), 250 * KB);
    const [a, b, c] = ['a', 'b', 'c'].map((lock) => installedProject(root, lock));
    await keepInstalled(cache, a!);
    await keepInstalled(cache, b!);
    // b was kept a while ago; a was kept then, and restored again since: b is the least recently used.
    const bKey = await cache.keyOf(b!);
    const earlier = new Date(Date.now() - 60_000);
    utimesSync(path.join(cache.root, 'entries', bKey!.id, 'meta.json'), earlier, earlier);
    const aKey = await cache.keyOf(a!);
    utimesSync(path.join(cache.root, 'entries', aKey!.id, 'meta.json'), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    assert.ok(await cache.restore(freshCheckout(root, a!, 'a-again')));
    await keepInstalled(cache, c!);
    const left = await cache.entries();
    const keys = await Promise.all([a, b, c].map((dir) => cache.keyOf(dir!)));
    assert.deepEqual(
      left.map((entry) => entry.id).sort(),
      [keys[0]!.id, keys[2]!.id].sort(),
      'b was evicted; a (used again) and c (new) stay',
    );
    assert.equal(await cache.restore(freshCheckout(root, b!, 'b-again')), undefined, 'an evicted entry installs afresh');
  });

  it('does not keep a tree with a link out of the worktree (it would point into someone else’s files)', async () => {
    const root = temp.make();
    const logger = new RecordingLogger();
    const cache = new DepsCache(path.join(root, 'home'), undefined, logger);
    const project = installedProject(root, 'linked');
    const outside = path.join(root, 'users-checkout');
    mkdirSync(outside);
    symlinkSync(outside, path.join(project, 'node_modules', 'mine'));
    await keepInstalled(cache, project);
    assert.deepEqual(await cache.entries(), []);
    assert.equal(await cache.restore(freshCheckout(root, project, 'next')), undefined, 'the next session installs');
    const why = logger.lines.find((line) => line.message === 'did not keep the installed dependencies');
    assert.match(String(why?.fields.reason), /links outside the worktree \(node_modules\/mine\)/);
  });

  it('a runner killed mid-copy leaves no entry a later session would use, and prune removes the leftover', async () => {
    const root = temp.make();
    const home = path.join(root, 'home');
    const project = installedProject(root, 'big', 6_000);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/keepDeps.ts', import.meta.url)), home, project], { stdio: 'ignore', detached: true });
    const tmp = path.join(home, 'deps-cache', 'tmp');
    // Kill it as soon as the copy has begun (the cache's temp folder has files in it).
    for (let i = 0; i < 2_000 && !(existsSync(tmp) && readdirSync(tmp).some((name) => existsSync(path.join(tmp, name, 'tree', 'is-number')))); i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // The whole process group, the copying child too, the way a service manager stops a runner.
    process.kill(-(child.pid ?? 0), 'SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    const cache = new DepsCache(home);
    assert.deepEqual(await cache.entries(), [], 'no entry');
    assert.equal(await cache.restore(freshCheckout(root, project, 'next')), undefined, 'the next session installs');
    assert.equal(existsSync(path.join(root, 'next', 'node_modules')), false);
    const leftovers = readdirSync(tmp);
    assert.ok(leftovers.length >= 1, 'the half copy (and its snapshot) are in the temp folder');
    const old = new Date(Date.now() - 2 * 3_600_000);
    for (const leftover of leftovers) utimesSync(path.join(tmp, leftover), old, old);
    const lines = await cache.prune(7 * 86_400_000);
    assert.equal(lines.length, leftovers.length);
    for (const line of lines) assert.match(line, /removed an unfinished dependency copy/);
    assert.deepEqual(readdirSync(tmp), []);
  });

  it("prune also removes pip's cached downloads and wheels not written for longer than the retention", async () => {
    const root = temp.make();
    const cache = new DepsCache(path.join(root, 'home'));
    const old = path.join(cache.pipCacheDir, 'wheels', 'ab', 'cd', 'old-1.0-py3-none-any.whl');
    const recent = path.join(cache.pipCacheDir, 'http-v2', 'e', 'f', 'recent');
    writeFiles(cache.pipCacheDir, { 'wheels/ab/cd/old-1.0-py3-none-any.whl': 'x'.repeat(2 * KB), 'http-v2/e/f/recent': 'y' });
    const now = Date.now();
    const tenDaysAgo = new Date(now - 10 * 24 * 3_600_000);
    utimesSync(old, tenDaysAgo, tenDaysAgo);
    const lines = await cache.prune(7 * 24 * 3_600_000, now);
    assert.ok(lines.some((line) => /removed 1 file \(2 kB\) from pip's cache, unwritten for 168 h/.test(line)), lines.join('\n'));
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(path.join(cache.pipCacheDir, 'wheels')), false, 'folders left empty go too');
    assert.equal(existsSync(recent), true);
  });

  it('prune removes entries unused for longer than the retention, and says which', async () => {
    const root = temp.make();
    const cache = new DepsCache(path.join(root, 'home'));
    const project = installedProject(root, 'old');
    await keepInstalled(cache, project);
    const [entry] = await cache.entries();
    const old = new Date(Date.now() - 10 * 86_400_000);
    utimesSync(path.join(entry!.folder, 'meta.json'), old, old);
    const lines = await cache.prune(7 * 86_400_000);
    assert.deepEqual(lines.length, 1);
    assert.match(lines[0]!, /removed cached dependencies: npm lockfile [0-9a-f]{8}… \(\d+ kB\), unused for 240 h/);
    assert.deepEqual(await cache.entries(), []);
  });
});
