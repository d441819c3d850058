import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { sessionFileKey } from './slug.js';

/**
 * The full output of a session's tools, appended across turns to
 * `<home>/logs/<session>.log`. Events carry excerpts; this file has everything.
 */
export class SessionLog {
  readonly file: string;
  private stream: WriteStream | undefined;

  constructor(home: string, sessionId: string) {
    const dir = path.join(home, 'logs');
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, `${sessionFileKey(sessionId)}.log`);
  }

  write(text: string): void {
    this.stream ??= createWriteStream(this.file, { flags: 'a' });
    this.stream.write(text);
  }

  /** Flushes and closes; the file is complete when this resolves. */
  close(): Promise<void> {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(() => resolve()));
  }
}
