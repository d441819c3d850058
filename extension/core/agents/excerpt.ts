import { stripAnsi } from './ansi.js';

/** Largest excerpt of tool output that goes into an event (the full output is in the log file). */
export const EXCERPT_CHARS = 1_500;

/** The last lines of `text` without escape codes, at most `maxLines` lines and `maxChars` characters. */
export function tailExcerpt(text: string, maxLines = 15, maxChars = EXCERPT_CHARS): string {
  const lines = stripAnsi(text).replace(/\s+$/, '').split(/\r?\n/);
  let tail = lines.slice(-maxLines).join('\n');
  if (tail.length > maxChars) tail = `…${tail.slice(tail.length - maxChars + 1)}`;
  return tail;
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
