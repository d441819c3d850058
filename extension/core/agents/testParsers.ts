import type { TestOutcome } from '../../../shared/sessions.js';
import { stripAnsi } from './ansi.js';
import { parseNextest, parsePhpunit, parseRspec, parseUnittest } from './testParsersPolyglot.js';

/** Counts and failing names found in a test tool's output (the command is added by the caller). */
export type ParsedTests = Omit<TestOutcome, 'command'>;

const MAX_FAILURES = 200;

function count(text: string, pattern: RegExp): number | undefined {
  let total: number | undefined;
  for (const match of text.matchAll(pattern)) total = (total ?? 0) + Number(match[1]);
  return total;
}

function lastCount(text: string, pattern: RegExp): number | undefined {
  const all = [...text.matchAll(pattern)];
  const last = all[all.length - 1];
  return last ? Number(last[1]) : undefined;
}

function unique(names: string[]): string[] {
  return [...new Set(names.map((name) => name.trim()).filter(Boolean))].slice(0, MAX_FAILURES);
}

/** mocha spec reporter: "N passing (12ms)", "N failing", and the numbered failure titles. */
export function parseMocha(text: string): ParsedTests | undefined {
  const passed = lastCount(text, /^\s*(\d+) passing\b/gm);
  if (passed === undefined) return undefined;
  const failed = lastCount(text, /^\s*(\d+) failing\b/gm) ?? 0;
  const skipped = lastCount(text, /^\s*(\d+) pending\b/gm);
  const failures: string[] = [];
  const lines = text.split(/\r?\n/);
  const summaryAt = lines.findLastIndex((line) => /^\s*\d+ failing\b/.test(line));
  for (let i = summaryAt + 1; summaryAt >= 0 && i < lines.length; i++) {
    const head = /^\s{1,4}(\d+)\) (.+)$/.exec(lines[i] ?? '');
    if (!head) continue;
    // The title is the numbered line plus the indented lines up to the one ending in ':'.
    const parts = [head[2] ?? ''];
    while (!(parts[parts.length - 1] ?? '').endsWith(':') && i + 1 < lines.length && parts.length < 10) {
      const next = (lines[++i] ?? '').trim();
      if (!next) break;
      parts.push(next);
    }
    failures.push(parts.join(' > ').replace(/:$/, ''));
  }
  // The numbered list is exact: tests that share a title (made in a loop) are each a failure.
  const named = failures.map((name) => name.trim()).filter(Boolean).slice(0, MAX_FAILURES);
  return { passed, failed, ...(skipped !== undefined ? { skipped } : {}), failures: named };
}

/** node:test — TAP ("# pass N") or spec ("ℹ pass N"); failing leaf tests by "not ok" / "✖". */
export function parseNodeTest(text: string): ParsedTests | undefined {
  const passed = lastCount(text, /^(?:#|ℹ) pass (\d+)$/gm);
  const failed = lastCount(text, /^(?:#|ℹ) fail (\d+)$/gm);
  if (passed === undefined || failed === undefined) return undefined;
  const skipped = lastCount(text, /^(?:#|ℹ) skipped (\d+)$/gm);
  return { passed, failed, ...(skipped !== undefined ? { skipped } : {}), failures: unique(nodeTapFailures(text)) };
}

function nodeTapFailures(text: string): string[] {
  const lines = text.split(/\r?\n/);
  const failures: string[] = [];
  const parents: { indent: number; name: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const subtest = /^(\s*)# Subtest: (.+)$/.exec(line);
    if (subtest) {
      const indent = subtest[1]?.length ?? 0;
      while (parents.length && (parents[parents.length - 1]?.indent ?? 0) >= indent) parents.pop();
      parents.push({ indent, name: subtest[2] ?? '' });
      continue;
    }
    const notOk = /^(\s*)not ok \d+ - (.+?)(?: # (?:SKIP|TODO).*)?$/.exec(line);
    if (!notOk) continue;
    // A suite or file that failed only because a child did is not itself a failing test.
    if (yamlBlock(lines, i + 1).includes("failureType: 'subtestsFailed'")) continue;
    const indent = notOk[1]?.length ?? 0;
    const path = parents.filter((p) => p.indent < indent).map((p) => p.name);
    failures.push([...path, notOk[2] ?? ''].join(' > '));
  }
  return failures;
}

/** The YAML diagnostics block that follows a TAP test line (up to its `...`). */
function yamlBlock(lines: string[], from: number): string {
  const block: string[] = [];
  for (let j = from; j < lines.length && j < from + 200; j++) {
    const line = lines[j] ?? '';
    if (/^\s*(?:not )?ok \d+|^\s*# Subtest:/.test(line)) break;
    block.push(line);
    if (/^\s*\.\.\.\s*$/.test(line)) break;
  }
  return block.join('\n');
}

/** jest ("Tests: 1 failed, 2 passed, 3 total", "● Suite › name") and vitest ("Tests  1 failed | 2 passed (3)"). */
export function parseJestOrVitest(text: string): ParsedTests | undefined {
  const line = [...text.matchAll(/^\s*Tests:?\s+(.*(?:passed|failed).*)$/gm)].pop()?.[1];
  if (!line) return undefined;
  const num = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  const skipped = num('skipped') + num('todo');
  const failures = [
    ...[...text.matchAll(/^\s*● (.+?)\s*$/gm)].map((m) => m[1] ?? '').filter((name) => !/^Test suite failed/.test(name)),
    ...[...text.matchAll(/^\s*FAIL\s+(\S+ > .+?)\s*$/gm)].map((m) => m[1] ?? ''),
  ];
  return { passed: num('passed'), failed: num('failed'), ...(skipped ? { skipped } : {}), failures: unique(failures) };
}

/** `pytest -q` ends with the counts alone, no banner: "2 failed, 1 passed, 1 skipped in 0.05s". */
const PYTEST_QUIET = /^((?:\d+ (?:passed|failed|skipped|errors?|xfailed|xpassed|warnings?|deselected)(?:, |(?= in )))+) in [\d.]+s(?: \([^)]*\))?$/gm;

/** pytest: "== 2 failed, 1 passed, 1 skipped in 0.5s ==" (or -q's bare line) and "FAILED path::name - reason". */
export function parsePytest(text: string): ParsedTests | undefined {
  const summary =
    [...text.matchAll(/^=+ (.*\b(?:passed|failed|error|errors|no tests ran)\b.*) in [\d.]+s.* =+$/gm)].pop()?.[1] ?? [...text.matchAll(PYTEST_QUIET)].pop()?.[1];
  if (!summary) return undefined;
  const num = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary)?.[1] ?? 0);
  const failures = [...text.matchAll(/^(?:FAILED|ERROR) (\S+::\S+|\S+)(?: - .*)?$/gm)].map((m) => m[1] ?? '');
  const skipped = num('skipped');
  return {
    passed: num('passed'),
    failed: num('failed') + num('errors?'),
    ...(skipped ? { skipped } : {}),
    failures: unique(failures),
  };
}

/** go test -v: "--- PASS: Name", "--- FAIL: Name", "--- SKIP: Name". */
export function parseGoTest(text: string): ParsedTests | undefined {
  const fails = [...text.matchAll(/^\s*--- FAIL: (\S+)/gm)].map((m) => m[1] ?? '');
  const passed = [...text.matchAll(/^\s*--- PASS: /gm)].length;
  const skipped = [...text.matchAll(/^\s*--- SKIP: /gm)].length;
  if (fails.length === 0 && passed === 0 && !/^(?:ok|FAIL)\s+\S+\s+(?:[\d.]+s|\(cached\))/m.test(text)) return undefined;
  return { passed, failed: fails.length, ...(skipped ? { skipped } : {}), failures: unique(fails) };
}

/** cargo test: every "test result: … N passed; M failed; K ignored" summed, "test name ... FAILED". */
export function parseCargoTest(text: string): ParsedTests | undefined {
  if (!/^test result: /m.test(text)) return undefined;
  const passed = count(text, /^test result: \w+\. (\d+) passed/gm) ?? 0;
  const failed = count(text, /^test result: .*?; (\d+) failed/gm) ?? 0;
  const skipped = count(text, /^test result: .*?; (\d+) ignored/gm) ?? 0;
  const failures = [...text.matchAll(/^test (\S+) \.\.\. FAILED$/gm)].map((m) => m[1] ?? '');
  return { passed, failed, ...(skipped ? { skipped } : {}), failures: unique(failures) };
}

/** AVA: "✔ name", "✘ [fail]: name", "- [skip] name", and "2 tests failed" / "3 tests passed" / "1 test skipped". */
export function parseAva(text: string): ParsedTests | undefined {
  const summary = /^\s*(\d+) (?:tests?|known failures?) (?:passed|failed)\s*$/m.test(text);
  const fails = [...text.matchAll(/^\s*✘ \[fail\]: (.+?)(?: Error thrown in test)?\s*$/gm)].map((m) => m[1] ?? '');
  if (!summary && fails.length === 0) return undefined;
  const passedLine = lastCount(text, /^\s*(\d+) tests? passed\s*$/gm);
  const failedLine = lastCount(text, /^\s*(\d+) tests? failed\s*$/gm);
  const skipped = lastCount(text, /^\s*(\d+) tests? skipped\s*$/gm);
  const ticks = [...text.matchAll(/^\s*✔ (?!\[)/gm)].length;
  return { passed: passedLine ?? ticks, failed: failedLine ?? fails.length, ...(skipped ? { skipped } : {}), failures: unique(fails) };
}

/** node-tap 18+: "Asserts:  2 pass  2 fail  1 skip" (or "# { total, pass, fail, skip }") and "✖ suite > name file:line". */
export function parseNodeTap(text: string): ParsedTests | undefined {
  const asserts = [...text.matchAll(/^Asserts:\s+(\d+) pass\s+(\d+) fail(?:\s+(\d+) skip)?/gm)].pop();
  const json = [...text.matchAll(/^# \{ total: \d+, pass: (\d+)(?:, fail: (\d+))?(?:, skip: (\d+))?.*\}$/gm)].pop();
  const found = asserts ?? json;
  if (!found) return undefined;
  const failures = [...text.matchAll(/^✖ (.+?)(?: \S+:\d+:\d+)?\s*$/gm)].map((m) => m[1] ?? '');
  const skipped = Number(found[3] ?? 0);
  return { passed: Number(found[1]), failed: Number(found[2] ?? 0), ...(skipped ? { skipped } : {}), failures: unique(failures) };
}

const PARSERS = [
  parseCargoTest,
  parseNextest,
  parsePytest,
  parseUnittest,
  parseRspec,
  parsePhpunit,
  parseJestOrVitest,
  parseMocha,
  parseNodeTap,
  parseAva,
  parseNodeTest,
  parseGoTest,
];

/** The first parser that recognises the output (escape codes stripped) wins; undefined when none does. */
export function parseTestOutput(output: string): ParsedTests | undefined {
  const text = stripAnsi(output);
  for (const parse of PARSERS) {
    const parsed = parse(text);
    if (parsed) return parsed;
  }
  return undefined;
}
