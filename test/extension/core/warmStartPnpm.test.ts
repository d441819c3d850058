import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { installFramework } from '../../helpers/frameworks.js';
import { git, makeRepo, TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { Harness, job, waitForEnd } from './harness.js';
import { approveAll, entriesReady } from './warmPool.js';

const PNPM = 'pnpm@9.15.9';
const PATCH = '// patched by a session';

/**
 * A pnpm project whose one dependency comes from the registry. Its first test fails when
 * is-number's index.js is not as published; with `patching`, a second test then writes
 * into that file in place, as a careless test or a postinstall fix-up might.
 */
function project(lock: string, patching: boolean): Record<string, string> {
  const check = [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "const fs = require('node:fs');",
    "const file = require.resolve('is-number');",
    `test('is-number is as published', () => assert.ok(!fs.readFileSync(file, 'utf8').includes(${JSON.stringify(PATCH)})));`,
    '',
  ];
  const patch = [...check.slice(0, 4), `test('patches it in place', () => fs.appendFileSync(file, ${JSON.stringify(`\n${PATCH}\n`)}));`, ''];
  return {
    'package.json': JSON.stringify({ name: 'app', private: true, scripts: { test: 'node --test' }, dependencies: { 'is-number': '7.0.0' } }, null, 2),
    'pnpm-lock.yaml': lock,
    '.gitignore': 'node_modules/\n',
    'test/check.test.js': check.join('\n'),
    ...(patching ? { 'test/patch.test.js': patch.join('\n') } : {}),
  };
}

/** Every file under `dir` whose content includes `text`. */
function filesContaining(dir: string, text: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isFile() && statSync(file).size < 1_000_000 && readFileSync(file, 'utf8').includes(text)) found.push(file);
  }
  return found;
}

describe('warm starts with pnpm: its own store, imported by copy, and the dependency cache', function () {
  this.timeout(300_000);
  const h = new Harness();
  const fixtures = new TempDirs();
  const saved = { PATH: process.env.PATH, XDG_DATA_HOME: process.env.XDG_DATA_HOME };
  let store = '';
  let lock = '';

  before(function () {
    const installed = installFramework(PNPM);
    if ('skip' in installed) this.skip();
    // A store of this test's own (pnpm keeps it under XDG_DATA_HOME), and the real pnpm on PATH.
    const data = fixtures.make('pnpm-data-');
    process.env.XDG_DATA_HOME = data;
    process.env.PATH = `${path.join(installed.nodeModules, '.bin')}${path.delimiter}${process.env.PATH ?? ''}`;
    store = path.join(data, 'pnpm', 'store');
    const dir = fixtures.make();
    writeFiles(dir, { 'package.json': JSON.stringify({ name: 'app', private: true, dependencies: { 'is-number': '7.0.0' } }) });
    execFileSync('pnpm', ['install', '--lockfile-only', '--reporter=silent'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
    lock = readFileSync(path.join(dir, 'pnpm-lock.yaml'), 'utf8');
  });
  after(() => {
    process.env.PATH = saved.PATH;
    if (saved.XDG_DATA_HOME === undefined) delete process.env.XDG_DATA_HOME;
    else process.env.XDG_DATA_HOME = saved.XDG_DATA_HOME;
    fixtures.cleanup();
  });
  afterEach(() => h.cleanup());

  it("a session that writes into an installed package changes neither pnpm's store nor the next session; an untouched install is copied to the next one", async () => {
    const repo = makeRepo(path.join(h.temp.make(), 'app'), project(lock, true));
    const home = h.temp.make('dispatch-home-');
    const runner = h.runner({ home, repos: [{ name: 'app', path: repo }] });
    const asked = approveAll(runner);
    const install = ['pnpm', 'install', '--frozen-lockfile', '--prefer-offline', '--package-import-method=copy'];

    const first = await waitForEnd(runner, (await runner.submit(job('run the tests'))).sessionId, 150_000);
    assert.equal(first.state, 'completed', first.result?.summary);
    assert.equal(first.result?.tests?.passed, 2, first.result?.summary);
    assert.deepEqual(asked, [install, ['pnpm', 'test']]);
    assert.ok(filesContaining(store, 'module.exports = function(num)').length > 0, 'the store holds is-number');
    assert.deepEqual(filesContaining(store, PATCH), [], "the session's write did not reach pnpm's store");

    // The patching test goes; the lockfile stays. Whether the first install reached the cache
    // before the patch (copied in the background) or not (then this one installs from the store),
    // this session gets is-number as published …
    git(repo, ['rm', '--quiet', 'test/patch.test.js']);
    git(repo, ['commit', '--quiet', '-m', 'no more patching']);
    const second = await waitForEnd(runner, (await runner.submit(job('run the tests'))).sessionId, 150_000);
    assert.equal(second.state, 'completed', second.result?.summary);
    assert.equal(second.result?.tests?.passed, 1, 'is-number as published');

    // … and the third, once the runner was idle long enough to copy an install into the cache,
    // gets a copy from it, without asking.
    await entriesReady(path.join(home, 'deps-cache', 'entries'), 1);
    asked.length = 0;
    const third = await waitForEnd(runner, (await runner.submit(job('run the tests'))).sessionId, 60_000);
    assert.equal(third.state, 'completed', third.result?.summary);
    assert.equal(third.result?.tests?.passed, 1);
    assert.deepEqual(asked, [['pnpm', 'test']]);
    assert.match(third.result?.summary ?? '', /Dependencies: from cache \(lockfile [0-9a-f]{8}…, \d+\.\d s\)\./);
  });
});
