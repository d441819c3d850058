import assert from 'node:assert/strict';
import { summarize } from '../../../extension/core/agents/builtinChecks.js';

/** A report as a JUnit file gives it: failing test names, some shared (tests made in a loop). */
function report(failures: string[], passed = 10) {
  return { tests: { passed, failed: failures.length, failures }, reasons: new Map<string, string>() };
}

describe('the failing tests a result names', () => {
  it('names 20 and counts the rest in tests, so the figures add up to the failing count', () => {
    const failures = Array.from({ length: 27 }, (_, index) => `case ${index + 1} fails`);
    const { outcome } = summarize('test', 'npm test', false, 'exit code 1', '', report(failures));
    assert.equal(outcome.summary.split('\n').filter((line) => line.startsWith('• ')).length, 20);
    assert.match(outcome.summary, /…and 7 more failing tests \(see the log\)\.$/m);
  });

  it('counts shared titles beyond the first 20 names by how many tests carry them', () => {
    const failures = [...Array.from({ length: 20 }, (_, index) => `named ${index + 1}`), ...Array<string>(12).fill('1 should be a number'), 'last one'];
    const { outcome } = summarize('test', 'npm test', false, 'exit code 1', '', report(failures));
    assert.match(outcome.summary, /…and 13 more failing tests/);
    assert.match(outcome.summary, /Tests failed: 10 passed, 33 failed/);
  });
});
