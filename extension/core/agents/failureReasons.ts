/**
 * The first assertion line of each failing test ("AssertionError: 2 != 3", "expected 3,
 * received 2"), found after the test's name in the output: every framework prints the
 * failure's message below its title, each in its own layout.
 */
const ASSERTION = /(?:assert|error|expected|expect\(|received|!==|===|!=|==|panicked|fail(?:ed|ure)?:)/i;
const NOISE = /^(?:at |\^|~+$|-{3,}$|\.\.\.$|duration_ms|type: |failureType|location:|stack:|code: |name: |operator: |\||file:\/\/|[>›❯]?\s*\d+\s*[|:]|\d+ {2,})/;
/** A line that starts the next test's report: the block of this one ended. */
const NEXT_TEST = /^(?:---- |● |not ok \d+ |ok \d+ |\d+\) |[✔✓√✖✗×✘] |--- (?:PASS|FAIL)|test \S+ \.\.\. |FAIL(?::| ) |ERROR: |_{3,} )/;
/** A line that is an error's message rather than code that asserts: preferred wherever it is. */
const ERROR_LINE = /^(?:E\s+)?(?:[\w.]+\.)?\w*(?:Error|Exception|Failure)\b(?: \[\w+\])?:|panicked at|^assertion\b|^Failure\/Error:|^Failed asserting/;
const GENERIC = /^(?:expect\(.*\)\.\w+\(.*\)(?: \/\/.*)?|--- expected|\+ expected.*|Difference.*:|.*:)$/;
const MAX_BLOCK = 30;

function clip(line: string): string {
  const trimmed = line
    .trim()
    .replace(/^(?:error|message):\s*(?:\|-?\s*)?/i, '')
    .replace(/^E\s+/, '')
    // A whole quoted message (node:test's YAML) loses its quotes; "'A' !== 'a'" keeps them.
    .replace(/^"([^"]*)"$|^'([^']*)'$/, (_, double?: string, single?: string) => double ?? single ?? '');
  return trimmed.length > 200 ? `${trimmed.slice(0, 199)}…` : trimmed;
}

export function failureReasons(text: string, names: readonly string[]): Map<string, string> {
  const lines = text.split(/\r?\n/);
  const reasons = new Map<string, string>();
  for (const name of names) {
    const leaf = name.split(/ > | › |::|\//).pop()?.trim() ?? name;
    if (!leaf) continue;
    // The detailed report comes after the progress lines: look from the last mention back,
    // first for an error's own message, then for any line that looks like an assertion.
    const mentions = lines.flatMap((line, at) => (line.includes(leaf) ? [at] : [])).reverse();
    for (const strict of [true, false]) {
      const reason = mentions.map((at) => reasonAfter(lines, at, strict)).find(Boolean);
      if (reason) {
        reasons.set(name, reason);
        break;
      }
    }
  }
  return reasons;
}

/** The report block after a title: up to the next test's report. */
function blockAfter(lines: string[], at: number): string[] {
  const block: string[] = [];
  for (let i = at + 1; i < lines.length && block.length < MAX_BLOCK; i++) {
    const line = (lines[i] ?? '').trim();
    if (NEXT_TEST.test(line)) break;
    block.push(line);
  }
  return block;
}

/** "Expected: 3 / Received: 2" (jest), "--- expected / +++ actual" (tap), "Difference (- actual, + expected)" (ava). */
function fromDiff(block: string[]): string | undefined {
  const expected = block.find((line) => /^Expected:\s/.test(line));
  const received = block.find((line) => /^Received:\s/.test(line));
  if (expected && received) return clip(`expected ${expected.replace(/^Expected:\s*/, '')}, received ${received.replace(/^Received:\s*/, '')}`);
  const header = block.findIndex((line) => line === '--- expected' || /^Difference \(- actual, \+ expected\)/.test(line));
  if (header < 0) return undefined;
  const minus = block.slice(header + 1).find((line) => /^-(?!--)\s*\S/.test(line))?.replace(/^-\s*/, '');
  const plus = block.slice(header + 1).find((line) => /^\+(?!\+\+)\s*\S/.test(line))?.replace(/^\+\s*/, '');
  if (minus === undefined || plus === undefined) return undefined;
  return (block[header] ?? '').startsWith('---') ? clip(`expected ${minus}, actual ${plus}`) : clip(`expected ${plus}, actual ${minus}`);
}

function reasonAfter(lines: string[], at: number, strict: boolean): string | undefined {
  const sameLine = /\s[-—]\s(.*(?:assert|Error|expected).*)$/i.exec(lines[at] ?? '')?.[1];
  if (sameLine) return clip(sameLine);
  const block = blockAfter(lines, at);
  for (let i = 0; i < block.length; i++) {
    const line = block[i] ?? '';
    if (!line || NOISE.test(line) || !clip(line)) continue;
    if (strict ? !ERROR_LINE.test(line) : !ASSERTION.test(line)) continue;
    const sides = leftRight(block.slice(i + 1));
    if (sides) return clip(`${clip(line)}: ${sides}`);
    if (!GENERIC.test(clip(line))) return clip(line);
    const diff = fromDiff(block.slice(i));
    if (diff) return diff;
    // "…strictly equal:" says more with the line that follows ("2 !== 3").
    const next = block.slice(i + 1).find((candidate) => candidate && !NOISE.test(candidate));
    return clip(next && clip(line).endsWith(':') ? `${clip(line)} ${clip(next)}` : line);
  }
  return strict ? undefined : fromDiff(block);
}

/** Rust's "left: 2 / right: 3" under an assertion. */
function leftRight(after: string[]): string | undefined {
  const left = after.slice(0, 3).find((line) => /^left: /.test(line));
  const right = after.slice(0, 3).find((line) => /^right: /.test(line));
  return left && right ? `${left}, ${right}` : undefined;
}
