import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { summarize } from '../../../extension/core/agents/builtinChecks.js';
import { installFramework, runSuite, suiteProject } from '../../helpers/frameworks.js';
import { TempDirs, writeFiles } from '../../helpers/gitRepos.js';
import { SUITES } from './fixtures/frameworkSuites.js';

const ESCAPE = /\u001b|\u009b/;

/** What the chat would get for this output: counts, names, first assertion lines, no escape codes. */
function report(output: string) {
  return summarize('test', 'npm test', false, 'exit code 1', output);
}

interface Case {
  spec: string;
  suite: keyof typeof SUITES;
  failures: string[];
  /** The two failures' first lines name the values compared. */
  reasons: [RegExp, RegExp];
}

const CASES: Case[] = [
  { spec: 'mocha@3.5.3', suite: 'mocha', failures: ['math adds wrongly', 'math strings upper-cases'], reasons: [/2 !== 3/, /'A' !== 'a'/] },
  { spec: 'mocha@12.0.3', suite: 'mocha', failures: ['math > adds wrongly', 'math > strings > upper-cases'], reasons: [/2 !== 3/, /'A' !== 'a'/] },
  { spec: 'jest@30.5.2', suite: 'jest', failures: ['math › adds wrongly', 'math › strings › upper-cases'], reasons: [/expected 3, received 2/, /expected "a", received "A"/] },
  { spec: 'vitest@3.2.4', suite: 'vitest', failures: ['math.test.mjs > math > adds wrongly', 'math.test.mjs > math > strings > upper-cases'], reasons: [/expected 2 to be 3/, /expected 'A' to be 'a'/] },
  { spec: 'ava@6.4.1', suite: 'ava', failures: ['adds wrongly', 'strings upper-case'], reasons: [/expected 3, actual 2/, /expected 'a', actual 'A'/] },
  { spec: 'tap@21.8.0', suite: 'tap', failures: ['math > adds wrongly', 'strings > upper-cases'], reasons: [/expected 3, actual 2/, /expected a, actual A/] },
];

describe('test reports from the real frameworks (installed from the npm registry, cached per machine)', function () {
  // A first install of jest or tap takes a minute or two on two cores; later runs reuse the cache.
  this.timeout(400_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  for (const c of CASES) {
    it(`${c.spec}: counts, every failing test with its first assertion line, colours forced on and none in the chat`, function () {
      const installed = installFramework(c.spec);
      if ('skip' in installed) {
        this.skip(); // installed.skip says why: the registry is unreachable
      }
      const suite = SUITES[c.suite]!;
      const dir = suiteProject(temp.make(), installed.nodeModules, suite.files);
      const output = runSuite(dir, suite.command);
      assert.match(output, ESCAPE, 'the framework did colour its output (the case to handle)');
      const { outcome, tests } = report(output);
      assert.deepEqual({ passed: tests?.passed, failed: tests?.failed, skipped: tests?.skipped }, { passed: 2, failed: 2, skipped: 1 }, output);
      assert.deepEqual(tests?.failures, c.failures);
      const lines = outcome.summary.split('\n');
      assert.match(lines.find((line) => line.startsWith(`• ${c.failures[0]} — `)) ?? '', c.reasons[0]);
      assert.match(lines.find((line) => line.startsWith(`• ${c.failures[1]} — `)) ?? '', c.reasons[1]);
      assert.doesNotMatch(outcome.summary, ESCAPE);
    });
  }

  it('node:test: counts and the failing tests with their assertion lines', () => {
    const dir = suiteProject(temp.make(), undefined, {
      'test/math.test.js': [
        "const { describe, it } = require('node:test'); const assert = require('node:assert');",
        "describe('math', () => {",
        "  it('adds', () => assert.strictEqual(1 + 1, 2));",
        "  it('adds wrongly', () => assert.strictEqual(1 + 1, 3));",
        "  it('is skipped', { skip: true }, () => {});",
        "  describe('strings', () => {",
        "    it('concatenates', () => assert.strictEqual('a' + 'b', 'ab'));",
        "    it('upper-cases', () => assert.strictEqual('a'.toUpperCase(), 'a'));",
        '  });',
        '});',
      ].join('\n'),
    });
    const { outcome, tests } = report(runSuite(dir, [process.execPath, '--test']));
    assert.deepEqual({ passed: tests?.passed, failed: tests?.failed, skipped: tests?.skipped }, { passed: 2, failed: 2, skipped: 1 });
    assert.deepEqual(tests?.failures, ['math > adds wrongly', 'math > strings > upper-cases']);
    assert.match(outcome.summary, /• math > adds wrongly — .*2 !== 3/);
    assert.doesNotMatch(outcome.summary, ESCAPE);
  });

  const hasPytest = spawnSync('python3', ['-m', 'pytest', '--version']).status === 0;
  const PY = [
    'import unittest',
    'class Calc(unittest.TestCase):',
    '    def test_adds(self):\n        self.assertEqual(1 + 1, 2)',
    '    def test_adds_wrongly(self):\n        self.assertEqual(1 + 1, 3)',
    '    @unittest.skip("not now")\n    def test_skipped(self):\n        pass',
    "    def test_upper(self):\n        self.assertEqual('a'.upper(), 'a')",
    "    def test_concat(self):\n        self.assertEqual('a' + 'b', 'ab')",
    '',
  ].join('\n');

  it('pytest: counts and node ids with the assertion line', function () {
    if (!hasPytest) this.skip(); // python3 has no pytest here
    const dir = temp.make();
    writeFiles(dir, { 'test_calc.py': PY });
    const { outcome, tests } = report(runSuite(dir, ['python3', '-m', 'pytest', '-p', 'no:cacheprovider', '--color=yes']));
    assert.deepEqual({ passed: tests?.passed, failed: tests?.failed, skipped: tests?.skipped }, { passed: 2, failed: 2, skipped: 1 });
    assert.deepEqual(tests?.failures, ['test_calc.py::Calc::test_adds_wrongly', 'test_calc.py::Calc::test_upper']);
    assert.match(outcome.summary, /• test_calc\.py::Calc::test_adds_wrongly — AssertionError: 2 != 3/);
    assert.doesNotMatch(outcome.summary, ESCAPE);
  });

  it('pytest -q: counts from its bare summary line, as a command typed in the chat prints them', function () {
    if (!hasPytest) this.skip(); // python3 has no pytest here
    const dir = temp.make();
    writeFiles(dir, { 'test_calc.py': PY });
    const output = runSuite(dir, ['python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider']);
    const { outcome, tests } = summarize('command', 'python3 -m pytest -q', false, 'exit code 1', output);
    assert.deepEqual({ passed: tests?.passed, failed: tests?.failed, skipped: tests?.skipped }, { passed: 2, failed: 2, skipped: 1 }, output);
    assert.match(outcome.summary, /^Tests failed: 2 passed, 2 failed, 1 skipped/);
  });

  it('unittest: counts and dotted names with the assertion line', () => {
    const dir = temp.make();
    writeFiles(dir, { 'test_calc.py': PY });
    const { outcome, tests } = report(runSuite(dir, ['python3', '-m', 'unittest']));
    assert.deepEqual({ passed: tests?.passed, failed: tests?.failed, skipped: tests?.skipped }, { passed: 2, failed: 2, skipped: 1 });
    assert.deepEqual(tests?.failures.map((name) => name.split('.').slice(-2).join('.')), ['Calc.test_adds_wrongly', 'Calc.test_upper']);
    assert.match(outcome.summary, /test_upper — AssertionError: 'A' != 'a'/);
  });

  const hasCargo = spawnSync('cargo', ['--version']).status === 0;
  it('cargo test: counts and names with the panic message', function () {
    if (!hasCargo) this.skip(); // no Rust toolchain on this machine
    this.timeout(240_000);
    const dir = temp.make();
    writeFiles(dir, {
      'Cargo.toml': '[package]\nname = "calc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n',
      'src/lib.rs': [
        '#[cfg(test)]',
        'mod tests {',
        '    #[test] fn adds() { assert_eq!(1 + 1, 2); }',
        '    #[test] fn adds_wrongly() { assert_eq!(1 + 1, 3); }',
        '    #[test] #[ignore] fn skipped() {}',
        '    #[test] fn concat() { assert_eq!(format!("{}{}", "a", "b"), "ab"); }',
        '    #[test] fn upper() { assert_eq!("a".to_uppercase(), "a"); }',
        '}',
        '',
      ].join('\n'),
    });
    const output = runSuite(dir, ['cargo', 'test', '--offline', '--color=always']);
    const { outcome, tests } = report(output);
    assert.deepEqual({ passed: tests?.passed, failed: tests?.failed, skipped: tests?.skipped }, { passed: 2, failed: 2, skipped: 1 }, output);
    assert.deepEqual([...(tests?.failures ?? [])].sort(), ['tests::adds_wrongly', 'tests::upper'], 'cargo runs tests in parallel: any order');
    assert.match(outcome.summary, /tests::adds_wrongly — .*(left == right|left: 2)/);
    assert.doesNotMatch(outcome.summary, ESCAPE);
  });
});

