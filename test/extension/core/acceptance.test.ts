import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { git, hashCheckout, makeRepo, TempDirs } from '../../helpers/gitRepos.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ESCAPE = /\u001b|\u009b/;

/** `dispatch runner …` as a user runs it: the installed command, from a folder outside the project. */
function dispatch(args: string[], options: { cwd: string; home: string }) {
  const run = spawnSync(process.execPath, [path.join(root, 'bin', 'dispatch.js'), 'runner', ...args], {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: 170_000,
    // FORCE_COLOR=0 is what turned old supports-color on; HOME keeps npm's cache.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DISPATCH_HOME: options.home, FORCE_COLOR: '0' },
  });
  const lines = run.stdout.trim().split('\n');
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, json: JSON.parse(lines[lines.length - 1] || '{}') as Record<string, any> };
}

function dispatchBranches(repo: string): string {
  return git(repo, ['branch', '--list', 'dispatch/*']).trim();
}

/** A mocha 3 project laid out like jonschlinkert/is-number: index.js, test.js at the top, `"test": "mocha"`. */
function isNumberProject(): Record<string, string> {
  const cases = ['5', '0', '-1.5', '0x1f', '1e5', '3.14'].map((n, i) => `  it('is a number: ${n} (${i})', function () { assert(isNumber(${n})); });`);
  return {
    'package.json': JSON.stringify({ name: 'is-number-like', version: '1.0.0', main: 'index.js', scripts: { test: 'mocha' }, devDependencies: { mocha: '3.5.3' } }, null, 2),
    'index.js': "'use strict';\nmodule.exports = function (num) { return typeof num === 'number' ? num - num === 0 : typeof num === 'string' && num.trim() !== '' && Number.isFinite(+num); };\n",
    'test.js': [
      "'use strict';",
      "require('mocha');",
      "var assert = require('assert');",
      "var isNumber = require('./');",
      "describe('is a number', function () {",
      ...cases,
      '});',
      "describe('is not a number', function () {",
      "  it('rejects a word', function () { assert(!isNumber('abc')); });",
      "  it('rejects null', function () { assert.equal(isNumber(null), true, 'null is not a number'); });",
      "  it('rejects an empty string', function () { assert.strictEqual(isNumber(''), true); });",
      '});',
      '',
    ].join('\n'),
    '.gitignore': 'node_modules\n',
  };
}

describe('acceptance: dispatch runner from outside the project', function () {
  this.timeout(180_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());
  before(function () {
    if (!existsSync(path.join(root, 'dist', 'bridge', 'cli', 'main.js'))) this.skip(); // run `npm run build` first
  });

  it('a fresh repo, one passing and one failing node:test test: names the failure, gives the counts, leaves the checkout byte-identical', () => {
    const repo = makeRepo(path.join(temp.make(), 'fresh'), {
      'package.json': JSON.stringify({ name: 'fresh', private: true, scripts: { test: 'node --test' } }),
      'test/app.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('passes', () => assert.ok(true));\ntest('totals the cart', () => assert.strictEqual(2 + 2, 5));\n",
    });
    const before = hashCheckout(repo);
    const head = git(repo, ['rev-parse', 'HEAD']);
    const status = git(repo, ['status', '--porcelain', '--ignored']);
    const run = dispatch(['--repo', repo, '--task', 'run the full test suite and tell me what fails', '--json', '--yes'], { cwd: temp.make(), home: temp.make() });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.json.state, 'failed');
    assert.deepEqual(run.json.tests, { command: 'npm test', passed: 1, failed: 1, skipped: 0, failures: ['totals the cart'] });
    assert.match(run.json.summary, /Tests failed: 1 passed, 1 failed/);
    assert.match(run.json.summary, /• totals the cart — .*4 !== 5/);
    assert.equal(hashCheckout(repo), before, 'the checkout is byte-identical');
    assert.equal(git(repo, ['rev-parse', 'HEAD']), head);
    assert.equal(git(repo, ['status', '--porcelain', '--ignored']), status);
    assert.equal(dispatchBranches(repo), '', 'nothing changed: no branch left');
  });

  it('a real mocha 3 project: the counts are right and no escape code reaches the output', function () {
    const repo = makeRepo(path.join(temp.make(), 'is-number'), isNumberProject());
    const run = dispatch(['--repo', repo, '--task', 'npm test', '--json', '--yes'], { cwd: temp.make(), home: temp.make() });
    if (run.json.summary && /Installing dependencies failed/.test(run.json.summary) && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED/.test(run.json.summary)) this.skip(); // registry unreachable
    assert.equal(run.json.state, 'failed', run.stderr);
    assert.deepEqual(
      { passed: run.json.tests?.passed, failed: run.json.tests?.failed },
      { passed: 7, failed: 2 },
      run.json.summary,
    );
    assert.deepEqual(run.json.tests?.failures, ['is not a number rejects null', 'is not a number rejects an empty string']);
    assert.match(run.json.summary, /• is not a number rejects null — AssertionError.*null is not a number/);
    assert.doesNotMatch(run.stdout, ESCAPE);
    assert.doesNotMatch(run.stderr, ESCAPE);
  });

  it('a refused task leaves no branch behind, and says what the agent can do', () => {
    const repo = makeRepo(path.join(temp.make(), 'app'), { 'README.md': '# app\n' });
    const run = dispatch(['--repo', repo, '--task', 'refactor the payment module', '--json', '--yes'], { cwd: temp.make(), home: temp.make() });
    assert.equal(run.code, 1);
    assert.match(run.json.summary, /run the tests, the linter/);
    assert.equal(run.json.branch, '');
    assert.equal(dispatchBranches(repo), '');
  });
});
