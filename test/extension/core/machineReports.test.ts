import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { summarize } from '../../../extension/core/agents/builtinChecks.js';
import { machineReport } from '../../../extension/core/agents/machineReport.js';
import { installFramework, runSuite, suiteProject } from '../../helpers/frameworks.js';
import { TempDirs } from '../../helpers/gitRepos.js';
import { SUITES } from './fixtures/frameworkSuites.js';

const CASES = [
  { spec: 'jest@30.5.2', suite: 'jest', script: 'jest --ci', failures: ['math › adds wrongly', 'math › strings › upper-cases'], reasons: [/expected 3, received 2/, /expected "a", received "A"/] },
  { spec: 'vitest@3.2.4', suite: 'vitest', script: 'vitest run', failures: ['math.test.mjs > math > adds wrongly', 'math.test.mjs > math > strings > upper-cases'], reasons: [/expected 2 to be 3/, /expected 'A' to be 'a'/] },
] as const;

function reportDirs(): string[] {
  return readdirSync(os.tmpdir()).filter((name) => name.startsWith('dispatch-report-'));
}

describe('machine-readable reports from jest and vitest (real frameworks, `npm test` as a user runs it)', function () {
  this.timeout(400_000);
  const temp = new TempDirs();
  after(() => temp.cleanup());

  for (const c of CASES) {
    it(`${c.spec}: "npm test" running one ${c.suite} writes a JSON report: exact counts, every failing test and its assertion`, function () {
      const installed = installFramework(c.spec);
      if ('skip' in installed) this.skip(); // the registry is unreachable
      const files = { ...SUITES[c.suite]!.files, 'package.json': JSON.stringify({ name: 's', private: true, scripts: { test: c.script } }) };
      const dir = suiteProject(temp.make(), installed.nodeModules, files);
      const before = reportDirs();
      const machine = machineReport(['npm', 'test'], dir);
      assert.ok(machine, 'a script that is one test runner gets a report');
      const output = runSuite(dir, machine.command);
      const report = machine.read();
      machine.dispose();
      assert.deepEqual(reportDirs(), before, 'the temp report folder is removed');
      assert.ok(report, output);
      assert.deepEqual({ passed: report.tests.passed, failed: report.tests.failed, skipped: report.tests.skipped }, { passed: 2, failed: 2, skipped: 1 });
      assert.deepEqual(report.tests.failures, c.failures);
      // The streamed text is still there for the progress messages (vitest keeps its default reporter).
      assert.match(output, /adds wrongly/);
      const { outcome } = summarize('test', 'npm test', false, 'exit code 1', output, report);
      const lines = outcome.summary.split('\n');
      assert.equal(lines[0], 'Tests failed: 2 passed, 2 failed, 1 skipped (`npm test`).');
      assert.match(lines.find((line) => line.startsWith(`• ${c.failures[0]} — `)) ?? '', c.reasons[0]);
      assert.match(lines.find((line) => line.startsWith(`• ${c.failures[1]} — `)) ?? '', c.reasons[1]);
      assert.doesNotMatch(outcome.summary, /dispatch-report-|outputFile/, 'the temp file never reaches the chat');
    });
  }

  it('leaves a script that runs several programs, or picks its own reporter, to its text output', () => {
    const dir = temp.make();
    for (const script of ['xo && ava && tsd', 'pnpm lint && pnpm vitest run', 'jest --json --outputFile=out.json', 'vitest --reporter=verbose', 'mocha']) {
      suiteProject(dir, undefined, { 'package.json': JSON.stringify({ scripts: { test: script } }) });
      assert.equal(machineReport(['npm', 'test'], `${dir}/suite`), undefined, script);
    }
    suiteProject(dir, undefined, { 'package.json': JSON.stringify({ scripts: { test: 'vitest run --coverage' } }) });
    const coverage = machineReport(['npm', 'test'], `${dir}/suite`);
    coverage?.dispose();
    assert.deepEqual(coverage?.command.slice(0, 5), ['npm', 'test', '--', '--reporter=default', '--reporter=json']);
    assert.equal(machineReport(['npm', 'run', 'test:unit'], `${dir}/suite`), undefined, 'only the test script itself');
  });
});
