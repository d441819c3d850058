import path from 'node:path';
import { z } from 'zod';
import { stripAnsi } from './ansi.js';
import type { JunitReport } from './junitReport.js';

/**
 * The JSON report jest writes with `--json --outputFile=F`, and vitest with its `json`
 * reporter (the same jest-compatible shape): exact counts and every failing test, where
 * the text layout changes between versions. Only the fields read here are checked.
 */
const Assertion = z.object({
  title: z.string(),
  ancestorTitles: z.array(z.string()).default([]),
  status: z.string(),
  failureMessages: z.array(z.string()).nullish(),
});
const Report = z.object({
  numPassedTests: z.number().int().nonnegative(),
  numFailedTests: z.number().int().nonnegative(),
  numPendingTests: z.number().int().nonnegative().default(0),
  numTodoTests: z.number().int().nonnegative().default(0),
  testResults: z.array(z.object({ name: z.string().default(''), assertionResults: z.array(Assertion).default([]) })).default([]),
});

export type JsonReporter = 'jest' | 'vitest';

/** A failure message's most telling line: jest's "Expected: 3 / Received: 2" becomes one phrase. */
function reasonOf(message: string): string | undefined {
  const lines = stripAnsi(message).split('\n').map((line) => line.trim()).filter(Boolean);
  const expected = lines.find((line) => line.startsWith('Expected:'))?.replace(/^Expected:\s*/, '');
  const received = lines.find((line) => line.startsWith('Received:'))?.replace(/^Received:\s*/, '');
  const first = expected !== undefined && received !== undefined ? `expected ${expected}, received ${received}` : lines[0]?.replace(/^(?:Error|AssertionError(?: \[\w+\])?):\s*/, '');
  if (!first) return undefined;
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

/**
 * The counts and failures of one report, named the way each runner prints them (jest
 * "describe › test", vitest "file > describe > test"); undefined when the text is not such a report.
 */
export function parseJestJson(text: string, reporter: JsonReporter, cwd: string): JunitReport | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = Report.safeParse(json);
  if (!parsed.success) return undefined;
  const report = parsed.data;
  const failures: string[] = [];
  const reasons = new Map<string, string>();
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      if (test.status !== 'failed') continue;
      const titles = [...test.ancestorTitles, test.title];
      const name = reporter === 'jest' ? titles.join(' › ') : [path.relative(cwd, file.name).split(path.sep).join('/'), ...titles].join(' > ');
      failures.push(name);
      const reason = reasonOf(test.failureMessages?.[0] ?? '');
      if (reason && !reasons.has(name)) reasons.set(name, reason);
    }
  }
  const skipped = report.numPendingTests + report.numTodoTests;
  return {
    tests: { passed: report.numPassedTests, failed: report.numFailedTests, ...(skipped ? { skipped } : {}), failures: failures.slice(0, 200) },
    reasons,
  };
}
