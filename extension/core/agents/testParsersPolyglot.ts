import type { ParsedTests } from './testParsers.js';

/**
 * Test runners outside JavaScript, by their summary lines: Python's unittest, RSpec,
 * PHPUnit and cargo-nextest (pytest, go test and cargo test are in testParsers.ts).
 */

const MAX_FAILURES = 200;

function unique(names: string[]): string[] {
  return [...new Set(names.map((name) => name.trim()).filter(Boolean))].slice(0, MAX_FAILURES);
}

function lastMatch(text: string, pattern: RegExp): RegExpMatchArray | undefined {
  return [...text.matchAll(pattern)].pop();
}

/** unittest: "Ran 5 tests in 0.005s", then "OK", "OK (skipped=1)" or "FAILED (failures=2, errors=1, skipped=1)". */
export function parseUnittest(text: string): ParsedTests | undefined {
  const ran = lastMatch(text, /^Ran (\d+) tests? in [\d.]+s$/gm);
  if (!ran) return undefined;
  const verdict = lastMatch(text, /^(OK|FAILED)(?: \(([^)]*)\))?\s*$/gm);
  const detail = verdict?.[2] ?? '';
  const num = (key: string) => Number(new RegExp(`${key}=(\\d+)`).exec(detail)?.[1] ?? 0);
  const failed = num('failures') + num('errors') + num('unexpected successes');
  const skipped = num('skipped') + num('expected failures');
  const failures = [...text.matchAll(/^(?:FAIL|ERROR): (\w+) \(([\w.]+)\)/gm)].map(([, method, where]) =>
    where?.endsWith(`.${method}`) ? where : `${where}.${method}`,
  );
  return { passed: Math.max(0, Number(ran[1]) - failed - skipped), failed, ...(skipped ? { skipped } : {}), failures: unique(failures) };
}

/** RSpec: "4 examples, 1 failure, 1 pending" and "rspec ./spec/x_spec.rb:7 # Description". */
export function parseRspec(text: string): ParsedTests | undefined {
  const summary = lastMatch(text, /^(\d+) examples?, (\d+) failures?(?:, (\d+) pending)?/gm);
  if (!summary) return undefined;
  const total = Number(summary[1]);
  const failed = Number(summary[2]);
  const skipped = Number(summary[3] ?? 0);
  const failures = [...text.matchAll(/^rspec \S+ # (.+)$/gm)].map((m) => m[1] ?? '');
  return { passed: Math.max(0, total - failed - skipped), failed, ...(skipped ? { skipped } : {}), failures: unique(failures) };
}

/** PHPUnit: "OK (4 tests, 7 assertions)" or "Tests: 5, Assertions: 5, Errors: 1, Failures: 1, Skipped: 1." */
export function parsePhpunit(text: string): ParsedTests | undefined {
  const ok = lastMatch(text, /^OK \((\d+) tests?, \d+ assertions?\)/gm);
  if (ok) return { passed: Number(ok[1]), failed: 0, failures: [] };
  const line = lastMatch(text, /^Tests: \d+, Assertions: \d+.*$/gm)?.[0];
  if (!line) return undefined;
  const num = (key: string) => Number(new RegExp(`${key}: (\\d+)`).exec(line)?.[1] ?? 0);
  const failed = num('Errors') + num('Failures');
  const skipped = num('Skipped') + num('Incomplete');
  const failures = [...text.matchAll(/^\d+\) ([\w\\]+::\w+)/gm)].map((m) => m[1] ?? '');
  return { passed: Math.max(0, num('Tests') - failed - skipped), failed, ...(skipped ? { skipped } : {}), failures: unique(failures) };
}

/** cargo-nextest: "Summary [ 0.010s] 3 tests run: 2 passed, 1 failed, 1 skipped" and its "FAIL [ …] binary name" lines. */
export function parseNextest(text: string): ParsedTests | undefined {
  const summary = lastMatch(text, /^\s*Summary \[[^\]]*\] \d+ tests? run: (.*)$/gm)?.[1];
  if (summary === undefined) return undefined;
  const num = (key: string) => Number(new RegExp(`(\\d+) ${key}`).exec(summary)?.[1] ?? 0);
  const failures = [...text.matchAll(/^\s*(?:FAIL|TIMEOUT|SIGSEGV|SIGABRT) \[[^\]]*\] (.+?)\s*$/gm)].map((m) => m[1] ?? '');
  const skipped = num('skipped');
  return { passed: num('passed'), failed: num('failed') + num('timed out'), ...(skipped ? { skipped } : {}), failures: unique(failures) };
}
