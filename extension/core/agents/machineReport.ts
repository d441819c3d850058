import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJestJson, type JsonReporter } from './jestJsonReport.js';
import { parseJunit, pytestNodeId, type JunitReport } from './junitReport.js';

/** A test command changed to also write a machine-readable report, and how to read it afterwards. */
export interface MachineReport {
  command: string[];
  /** What was added, for the approval text ("writes a JSON report to a temp folder"). */
  note: string;
  /** The report, or undefined when the runner wrote none (the text is then the source). */
  read(): JunitReport | undefined;
  dispose(): void;
}

/** The index of "pytest" in `python -m pytest …` or `pytest …`; -1 when the command is not pytest. */
function pytestAt(command: readonly string[]): number {
  if (command[0] === 'pytest') return 0;
  if (/^python[0-9.]*$/.test(command[0] ?? '') && command[1] === '-m' && command[2] === 'pytest') return 2;
  return -1;
}

/**
 * A test script that is one jest or vitest run and nothing else ("jest", "vitest run
 * --coverage"): options appended after `--` reach that runner alone. A script with `&&`,
 * `;`, a pipe or a variable ("xo && ava", "pnpm lint && vitest run") could hand them to
 * the wrong program, and one that already picks a reporter or an output file is the
 * user's choice: both keep their text output.
 */
function singleRunner(script: string): JsonReporter | undefined {
  const match = /^\s*(?:npx\s+)?(jest|vitest)(?:\s+run)?((?:\s+[\w./=:@,-]+)*)\s*$/.exec(script);
  if (!match || /--(?:json|reporters?|outputFile|watch)\b/.test(match[2] ?? '')) return undefined;
  return match[1] as JsonReporter;
}

function testScript(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    return typeof pkg.scripts?.test === 'string' ? pkg.scripts.test : undefined;
  } catch {
    return undefined;
  }
}

/** `npm test`, `pnpm test`, `yarn test`, or the same through npx (`npx --yes pnpm@10 test`). */
function isScriptTest(command: readonly string[]): boolean {
  const at = command[0] === 'npx' ? command.findIndex((arg, index) => index > 0 && !arg.startsWith('-')) + 1 : 1;
  const program = (command[at - 1] ?? '').replace(/@.*$/, '');
  return ['npm', 'pnpm', 'yarn'].includes(program) && command[at] === 'test' && command.length === at + 1;
}

function withTempFile(name: string, build: (file: string) => string[], note: string, parse: (text: string) => JunitReport | undefined): MachineReport {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-report-'));
  const file = path.join(dir, name);
  return {
    command: build(file),
    note,
    read() {
      try {
        return parse(readFileSync(file, 'utf8'));
      } catch {
        return undefined;
      }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * For the runners that can be told apart without touching the user's config, the same
 * command plus the option that writes a report to a temp folder outside the worktree:
 * pytest's JUnit XML; jest's `--json --outputFile` and vitest's json reporter (next to its
 * default one, so the streamed text stays) when `npm test` runs a script that is one
 * jest or vitest run. Mocha is left to its text: `--reporter json` replaces the reporter a
 * .mocharc may set, and mocha has no second reporter. Undefined for anything else.
 */
export function machineReport(command: readonly string[], dir?: string): MachineReport | undefined {
  if (pytestAt(command) >= 0) {
    if (command.some((arg) => arg.startsWith('--junitxml') || arg.startsWith('--junit-xml'))) return undefined;
    return withTempFile('junit.xml', (file) => [...command, `--junitxml=${file}`], 'with a JUnit report written to a temp folder', (xml) => parseJunit(xml, pytestNodeId));
  }
  const script = dir && isScriptTest(command) ? testScript(dir) : undefined;
  const runner = script ? singleRunner(script) : undefined;
  if (!runner || !dir) return undefined;
  const options = (file: string) => (runner === 'jest' ? ['--json', `--outputFile=${file}`] : ['--reporter=default', '--reporter=json', `--outputFile.json=${file}`]);
  return withTempFile('report.json', (file) => [...command, '--', ...options(file)], `with ${runner}'s JSON report written to a temp folder`, (text) => parseJestJson(text, runner, dir));
}
