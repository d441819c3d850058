import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { route } from '../../shared/routing/route.js';
import { DispatchError } from '../../shared/errors.js';
import { writeLine, type CliIo } from './io.js';

/**
 * `dispatch route "text"` prints one routing decision as JSON;
 * `dispatch route --jsonl` maps JSON lines with a `text` field on stdin to one result
 * per line, in order. A bad line yields `{"error": …}` and the stream goes on.
 */
export async function runRouteCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { jsonl: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (values.jsonl) {
    if (positionals.length > 0) throw new DispatchError('bad_input', 'dispatch route --jsonl reads stdin; give no text argument.');
    await routeLines(io);
    return 0;
  }
  const text = positionals.join(' ');
  if (text.trim() === '') throw new DispatchError('bad_input', 'Usage: dispatch route "some text"  (or --jsonl to read JSON lines on stdin)');
  writeLine(io.stdout, JSON.stringify(decisionJson(text)));
  return 0;
}

async function routeLines(io: CliIo): Promise<void> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    writeLine(io.stdout, JSON.stringify(routeLine(line, lineNumber)));
  }
}

function routeLine(line: string, lineNumber: number): object {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { error: `line ${lineNumber}: not valid JSON` };
  }
  const text = (parsed as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return { error: `line ${lineNumber}: expected an object with a string "text" field` };
  return decisionJson(text);
}

function decisionJson(text: string): object {
  const decision = route(text);
  return {
    route: decision.route,
    forced: decision.forced,
    reason: decision.reason,
    task: decision.task,
    repoHint: decision.repoHint ?? null,
  };
}
