import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseJunit, pytestNodeId, type JunitReport } from './junitReport.js';

/** A test command changed to also write a machine-readable report, and how to read it afterwards. */
export interface MachineReport {
  command: string[];
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
 * For the runners that can be told apart from the command alone (pytest today), the same
 * command plus the option that writes a JUnit XML report to a temp folder outside the
 * worktree; undefined for anything else (npm scripts keep their text output).
 */
export function machineReport(command: readonly string[]): MachineReport | undefined {
  if (pytestAt(command) < 0 || command.some((arg) => arg.startsWith('--junitxml') || arg.startsWith('--junit-xml'))) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dispatch-report-'));
  const file = path.join(dir, 'junit.xml');
  return {
    command: [...command, `--junitxml=${file}`],
    read() {
      try {
        return parseJunit(readFileSync(file, 'utf8'), pytestNodeId);
      } catch {
        return undefined;
      }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
