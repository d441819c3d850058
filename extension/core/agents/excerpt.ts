import { stripAnsi } from './ansi.js';

/** Largest excerpt of tool output that goes into an event (the full output is in the log file). */
export const EXCERPT_CHARS = 1_500;

/** One frame of a JavaScript stack trace, also behind npm's "npm error" prefix: "    at emit (node:events:536:35)". */
const STACK_FRAME = /^(?:npm (?:error|ERR!))?\s+at\s+(?:\S.*\s\()?(?:\/|[A-Za-z]:\\|node:|file:|<anonymous>|native\b)[^\s]*\)?\s*$/;

/**
 * The last lines of `text` without escape codes, at most `maxLines` lines and `maxChars`
 * characters. A run of stack frames counts as one line ("… 11 stack frames"), so the error
 * they belong to stays in the excerpt: a failed postinstall's 33 lines of frames used to
 * push "ENOTFOUND moz.com" and the package's name out of the chat's report.
 */
export function tailExcerpt(text: string, maxLines = 15, maxChars = EXCERPT_CHARS): string {
  const lines = collapseStackFrames(stripAnsi(text).replace(/\s+$/, '').split(/\r?\n/));
  let tail = lines.slice(-maxLines).join('\n');
  if (tail.length > maxChars) tail = `…${tail.slice(tail.length - maxChars + 1)}`;
  return tail;
}

function collapseStackFrames(lines: string[]): string[] {
  const out: string[] = [];
  let run = 0;
  const flush = () => {
    if (run === 1) out.push('    … 1 stack frame');
    else if (run > 1) out.push(`    … ${run} stack frames`);
    run = 0;
  };
  for (const line of lines) {
    if (STACK_FRAME.test(line)) {
      run += 1;
      continue;
    }
    flush();
    out.push(line);
  }
  flush();
  return out;
}

/**
 * Keeps a tool's output for parsing without unbounded memory: everything up to
 * `limit` characters, then only the most recent `limit` (summaries are at the end).
 */
export class OutputBuffer {
  private text = '';
  private received = 0;

  constructor(private readonly limit = 4 * 1024 * 1024) {}

  append(chunk: string): void {
    this.text += chunk;
    this.received += chunk.length;
    if (this.text.length > this.limit * 1.5) this.text = this.text.slice(this.text.length - this.limit);
  }

  /** Characters received so far (also after trimming): lets a poller see new output. */
  get size(): number {
    return this.received;
  }

  toString(): string {
    return this.text;
  }
}
