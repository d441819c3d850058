/**
 * The first assertion line of each failing test ("AssertionError: expected 2 to equal 3"),
 * found after the test's name in the output: every framework prints the failure's
 * message below its title, though each in its own layout.
 */
const ASSERTION = /(?:assert|error|expected|expect\(|received|!==|===|!=|==|panicked|fail(?:ed|ure)?:)/i;
const NOISE = /^(?:at |\^|~+$|-{3,}|\.\.\.$|duration_ms|type: |failureType|location:|stack:|code: |name: |operator: |\||file:\/\/)/;

function clip(line: string): string {
  const trimmed = line.trim().replace(/^(?:error|message):\s*(?:\|-?\s*)?/i, '').replace(/^['"]|['"]$/g, '');
  return trimmed.length > 200 ? `${trimmed.slice(0, 199)}…` : trimmed;
}

export function failureReasons(text: string, names: readonly string[]): Map<string, string> {
  const lines = text.split(/\r?\n/);
  const reasons = new Map<string, string>();
  for (const name of names) {
    const leaf = name.split(/ > | › |::|\//).pop()?.trim() ?? name;
    if (!leaf) continue;
    // The detailed report comes after the progress lines: look from the last mention back.
    for (let at = lines.length - 1; at >= 0; at--) {
      if (!(lines[at] ?? '').includes(leaf)) continue;
      const reason = reasonAfter(lines, at);
      if (reason) {
        reasons.set(name, reason);
        break;
      }
    }
  }
  return reasons;
}

function reasonAfter(lines: string[], at: number): string | undefined {
  const sameLine = /\s[-—]\s(.*(?:assert|Error|expected).*)$/i.exec(lines[at] ?? '')?.[1];
  if (sameLine) return clip(sameLine);
  for (let i = at + 1; i < lines.length && i <= at + 25; i++) {
    const line = (lines[i] ?? '').trim();
    if (!line || NOISE.test(line)) continue;
    if (/^(?:not )?ok \d+ |^\d+\) |^[✔✓√✖✗×] |^--- (?:PASS|FAIL)|^test \S+ \.\.\. /.test(line)) return undefined;
    if (ASSERTION.test(line) && clip(line)) return clip(line);
  }
  return undefined;
}
