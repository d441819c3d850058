import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DepsCache } from '../../../extension/core/depsCache.js';
import { git, makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { Harness, job, waitForEnd } from './harness.js';
import { approveAll, entriesReady } from './warmPool.js';

/** An npm project without a lockfile, as jonschlinkert/is-number is (`package-lock=false`), depending on is-number from the registry. */
function project(range: string): Record<string, string> {
  return {
    'package.json': JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, dependencies: { 'is-number': range } }, null, 2),
    '.npmrc': 'package-lock=false\n',
    '.gitignore': 'node_modules/\n',
    'test/number.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\nconst isNumber = require('is-number');\ntest('is-number works', () => assert.equal(isNumber(5), true));\n",
  };
}

function sessionLog(end: Awaited<ReturnType<typeof waitForEnd>>): string {
  return readFileSync(end.result?.logFile ?? '', 'utf8');
}

/** A worktree of a lockfile-less project after its install: a node_modules of one package. */
function installedWithoutLockfile(dir: string, range: string, marker: string): string {
  writeFiles(dir, { 'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { 'is-number': range } }) });
  mkdirSync(path.join(dir, 'node_modules', 'is-number'), { recursive: true });
  writeFileSync(path.join(dir, 'node_modules', 'is-number', 'index.js'), `module.exports = '${marker}';\n`);
  return dir;
}

describe('warm starts: npm projects without a lockfile', function () {
  this.timeout(240_000);
  const h = new Harness();
  const temp = new TempDirs();
  afterEach(() => {
    h.cleanup();
    temp.cleanup();
  });

  it("the second session is served from the cache (keyed by package.json, saying how old it is); a changed package.json installs afresh", async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'is-number-user'), project('^7.0.0'));
    const home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    const asked = approveAll(runner);

    const first = await runner.submit(job('run the tests'));
    const firstEnd = await waitForEnd(runner, first.sessionId, 200_000);
    assert.equal(firstEnd.state, 'completed', `${firstEnd.result?.summary}\n${sessionLog(firstEnd)}`);
    assert.deepEqual(asked, [['npm', 'install', '--no-audit', '--no-fund'], ['npm', 'test']]);
    assert.match(sessionLog(firstEnd), /\[dispatch\] dependencies: installed \(\d+\.\d s\); (being copied into|kept in) the cache.* for the next session \(no lockfile: package\.json [0-9a-f]{8}…\)/);
    const entries = path.join(home, 'deps-cache', 'entries');
    await entriesReady(entries, 1);

    asked.length = 0;
    const second = await runner.submit(job('run the tests'));
    const secondEnd = await waitForEnd(runner, second.sessionId, 60_000);
    assert.equal(secondEnd.state, 'completed', secondEnd.result?.summary);
    assert.deepEqual(asked, [['npm', 'test']], 'no install asked for');
    assert.equal(secondEnd.result?.tests?.passed, 1, secondEnd.result?.summary);
    assert.match(secondEnd.result?.summary ?? '', /Dependencies: from cache \(no lockfile: package\.json [0-9a-f]{8}…, cached just now, \d+\.\d s\)\./);

    // Another range is another manifest: installed afresh.
    writeFiles(repo, project('7.0.0'));
    git(repo, ['commit', '--quiet', '-am', 'pin is-number']);
    asked.length = 0;
    const third = await runner.submit(job('run the tests'));
    const thirdEnd = await waitForEnd(runner, third.sessionId, 200_000);
    assert.equal(thirdEnd.state, 'completed', thirdEnd.result?.summary);
    assert.deepEqual(asked, [['npm', 'install', '--no-audit', '--no-fund'], ['npm', 'test']]);
    assert.match(thirdEnd.result?.summary ?? '', /Dependencies: installed/);
    await entriesReady(entries, 2);
    await runner.stop();
  });

  it('an install kept longer ago than its lifetime is not reused, and the next install takes its place', async () => {
    const home = temp.make('dispatch-home-');
    const parent = temp.make();
    const cache = new DepsCache(home, undefined, undefined, undefined, 300);
    const old = installedWithoutLockfile(path.join(parent, 'old'), '^7.0.0', 'old');
    const key = await cache.keyOf(old);
    assert.equal(key?.lockfile, 'package.json', 'keyed by the manifest');
    assert.equal((await cache.keep(old, key?.id)).kept, true);
    await cache.settled();

    const soon = path.join(parent, 'soon');
    writeFiles(soon, { 'package.json': readFileSync(path.join(old, 'package.json'), 'utf8') });
    assert.ok(await cache.restore(soon), 'reused within its lifetime');
    await new Promise((resolve) => setTimeout(resolve, 350));
    const late = path.join(parent, 'late');
    writeFiles(late, { 'package.json': readFileSync(path.join(old, 'package.json'), 'utf8') });
    assert.equal(await cache.restore(late), undefined, 'past its lifetime: installed again');

    const fresh = installedWithoutLockfile(path.join(parent, 'fresh'), '^7.0.0', 'fresh');
    assert.equal((await cache.keep(fresh, key?.id)).kept, true, 'the new install replaces the expired one');
    await cache.settled();
    const after = path.join(parent, 'after');
    writeFiles(after, { 'package.json': readFileSync(path.join(old, 'package.json'), 'utf8') });
    assert.ok(await cache.restore(after));
    assert.equal(readFileSync(path.join(after, 'node_modules', 'is-number', 'index.js'), 'utf8'), "module.exports = 'fresh';\n");
  });

  it('an install that wrote a package-lock.json the project does not commit is still kept for the next session, keyed by package.json', async () => {
    const home = temp.make('dispatch-home-');
    const parent = temp.make();
    const cache = new DepsCache(home);
    const dir = installedWithoutLockfile(path.join(parent, 'one'), '^7.0.0', 'one');
    const before = await cache.keyOf(dir);
    // What `npm install` does without package-lock=false.
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ name: 'app', lockfileVersion: 3 }));
    const kept = await cache.keep(dir, before?.id);
    assert.equal(kept.kept, true, JSON.stringify(kept));
    await cache.settled();
    const next = path.join(parent, 'next');
    writeFiles(next, { 'package.json': readFileSync(path.join(dir, 'package.json'), 'utf8') });
    assert.ok(await cache.restore(next));
    assert.equal(existsSync(path.join(next, 'package-lock.json')), false);
  });
});
