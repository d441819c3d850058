import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { failureReasons } from '../../../extension/core/agents/failureReasons.js';
import {
  parseCargoTest,
  parseGoTest,
  parseJestOrVitest,
  parseMocha,
  parseNodeTest,
  parsePytest,
  parseTestOutput,
} from '../../../extension/core/agents/testParsers.js';

const MOCHA = `
  Math suite
    ✔ adds
    1) fails with a long title
    nested
      2) deep failure
      - pending one


  1 passing (4ms)
  1 pending
  2 failing

  1) Math suite
       fails with a long title:

      AssertionError [ERR_ASSERTION]: 1 == 2
      at Context.<anonymous> (m.spec.cjs:2:114)

  2) Math suite
       nested
         deep failure:
     Error: boom
`;

const NODE_TAP = `TAP version 13
# Subtest: adds
ok 1 - adds
  ---
  duration_ms: 1.05
  ...
# Subtest: math
    # Subtest: multiplies
    not ok 1 - multiplies
      ---
      failureType: 'testCodeFailure'
      error: '4 == 5'
      ...
    # Subtest: divides
    ok 2 - divides
    1..2
not ok 2 - math
  ---
  type: 'suite'
  failureType: 'subtestsFailed'
  error: '1 subtest failed'
  ...
# Subtest: subtracts
not ok 3 - subtracts
  ---
  failureType: 'testCodeFailure'
  ...
1..3
# tests 4
# suites 1
# pass 2
# fail 2
# cancelled 0
# skipped 0
`;

const NODE_SPEC = `✔ adds (0.9ms)
▶ math
  ✖ multiplies (0.9ms)
✖ subtracts (0.15ms)
ℹ tests 3
ℹ suites 1
ℹ pass 1
ℹ fail 2
ℹ skipped 1
`;

describe('test output parsers', () => {
  it('mocha: passing / failing / pending counts and the numbered failure titles', () => {
    assert.deepEqual(parseMocha(MOCHA), {
      passed: 1,
      failed: 2,
      skipped: 1,
      failures: ['Math suite > fails with a long title', 'Math suite > nested > deep failure'],
    });
  });

  it('node:test TAP: counts, and leaf failures with their suite, not the failed suite itself', () => {
    assert.deepEqual(parseNodeTest(NODE_TAP), { passed: 2, failed: 2, skipped: 0, failures: ['math > multiplies', 'subtracts'] });
  });

  it('node:test spec reporter: counts', () => {
    assert.deepEqual(parseNodeTest(NODE_SPEC), { passed: 1, failed: 2, skipped: 1, failures: [] });
  });

  it('jest: the Tests summary line and the ● failure titles', () => {
    const out = `FAIL src/sum.test.js\n  ● math › adds badly\n\n    expect(received).toBe(expected)\n\nTests:       1 failed, 1 skipped, 3 passed, 5 total\nTest Suites: 1 failed, 1 total\n`;
    assert.deepEqual(parseJestOrVitest(out), { passed: 3, failed: 1, skipped: 1, failures: ['math › adds badly'] });
  });

  it('vitest: the Tests summary line and the FAIL file > test lines', () => {
    const out = ` ❯ src/a.test.ts (3 tests | 1 failed) 5ms\n FAIL  src/a.test.ts > suite > breaks\nAssertionError: expected 1 to be 2\n Test Files  1 failed (1)\n      Tests  1 failed | 2 passed (3)\n`;
    assert.deepEqual(parseJestOrVitest(out), { passed: 2, failed: 1, failures: ['src/a.test.ts > suite > breaks'] });
  });

  it('pytest: the summary line and the FAILED node ids', () => {
    const out = `tests/test_x.py:5: AssertionError
=========================== short test summary info ============================
FAILED tests/test_x.py::test_bad - assert 1 == 2
FAILED tests/test_x.py::TestK::test_m - AssertionError: nope
==================== 2 failed, 1 passed, 1 skipped in 0.59s ====================
`;
    assert.deepEqual(parsePytest(out), {
      passed: 1,
      failed: 2,
      skipped: 1,
      failures: ['tests/test_x.py::test_bad', 'tests/test_x.py::TestK::test_m'],
    });
  });

  it('go test -v: PASS / FAIL / SKIP lines', () => {
    const out = `=== RUN   TestA\n--- PASS: TestA (0.00s)\n=== RUN   TestB\n    x_test.go:10: boom\n--- FAIL: TestB (0.00s)\n=== RUN   TestC\n--- SKIP: TestC (0.00s)\nFAIL\nFAIL\texample.com/x\t0.002s\n`;
    assert.deepEqual(parseGoTest(out), { passed: 1, failed: 1, skipped: 1, failures: ['TestB'] });
  });

  it('cargo test: sums every test result line and names the FAILED tests', () => {
    const out = `running 3 tests\ntest tests::a ... ok\ntest tests::b ... FAILED\ntest tests::c ... ignored\n\nfailures:\n    tests::b\n\ntest result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\nrunning 2 tests\ntest result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n`;
    assert.deepEqual(parseCargoTest(out), { passed: 3, failed: 1, skipped: 1, failures: ['tests::b'] });
  });

  it('parseTestOutput picks the right parser, and returns undefined for anything else', () => {
    assert.equal(parseTestOutput(MOCHA)?.failed, 2);
    assert.equal(parseTestOutput(NODE_TAP)?.passed, 2);
    assert.equal(parseTestOutput('Compiled successfully.\nDone in 2s.'), undefined);
  });
});

describe('test output parsers for runners not installable here (outputs written before the parsers)', () => {
  const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, '..', '..', 'fixtures', 'testOutputs', name), 'utf8');

  it('rspec: examples, failures and pending; the failed examples by description', () => {
    assert.deepEqual(parseTestOutput(fixture('rspec.txt')), { passed: 2, failed: 1, skipped: 1, failures: ['Calculator adds wrongly'] });
    assert.equal(failureReasons(fixture('rspec.txt'), ['Calculator adds wrongly']).get('Calculator adds wrongly'), 'Failure/Error: expect(1 + 1).to eq(3)');
  });

  it('phpunit: the failure summary and the OK line', () => {
    assert.deepEqual(parseTestOutput(fixture('phpunit.txt')), { passed: 3, failed: 1, skipped: 1, failures: ['CalcTest::testAddsWrongly'] });
    assert.deepEqual(parseTestOutput(fixture('phpunit-ok.txt')), { passed: 4, failed: 0, failures: [] });
    assert.equal(failureReasons(fixture('phpunit.txt'), ['CalcTest::testAddsWrongly']).get('CalcTest::testAddsWrongly'), 'Failed asserting that 2 matches expected 3.');
  });

  it('cargo-nextest: the Summary line and the FAIL lines, with the panic', () => {
    assert.deepEqual(parseTestOutput(fixture('nextest.txt')), { passed: 2, failed: 1, skipped: 1, failures: ['calc tests::adds_wrongly'] });
    assert.match(failureReasons(fixture('nextest.txt'), ['calc tests::adds_wrongly']).get('calc tests::adds_wrongly') ?? '', /left: 2, right: 3/);
  });

  it('escape codes do not hide a summary line', () => {
    assert.deepEqual(parseTestOutput('\u001b[92m \u001b[0m\u001b[32m 111 passing\u001b[0m\u001b[90m (18ms)\u001b[0m\n'), { passed: 111, failed: 0, failures: [] });
  });
});

describe('failing tests that share a title', () => {
  it('are each counted, and named once with how many (is-number makes its tests in a loop)', async () => {
    const { summarize } = await import('../../../extension/core/agents/builtinChecks.js');
    const block = (n: number) => `  ${n}) is a number 0 should be a number:\n\n      AssertionError [ERR_ASSERTION]: expected "0" to be a number\n      at Context.<anonymous> (test.js:104:7)\n`;
    const output = `  104 passing (30ms)\n  3 failing\n\n${block(1)}\n${block(2)}\n${block(3)}`;
    const { tests, outcome } = summarize('test', 'npm test', false, 'exit code 3', output);
    assert.deepEqual(tests?.failures, Array(3).fill('is a number 0 should be a number'));
    assert.match(outcome.summary, /^• is a number 0 should be a number \(3 tests with this name\) — AssertionError \[ERR_ASSERTION\]: expected "0" to be a number$/m);
  });
});
