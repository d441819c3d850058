import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { MaskedLines, type SecretMask } from './secretMask.js';
import { sessionFileKey } from './slug.js';
import { ensureStateDir } from './stateFiles.js';

/**
 * The full output of a session's tools, appended across turns to
 * `<home>/logs/<session>.log`. Events carry excerpts; this file has everything.
 */
export class SessionLog {
  readonly file: string;
  private stream: WriteStream | undefined;
  private readonly masked: MaskedLines | undefined;

  /** With `secrets`, every known secret is blanked out before a byte reaches the file. */
  constructor(home: string, sessionId: string, secrets?: SecretMask) {
    const dir = path.join(home, 'logs');
    ensureStateDir(dir);
    this.file = path.join(dir, `${sessionFileKey(sessionId)}.log`);
    this.masked = secrets && new MaskedLines(secrets, (text) => this.append(text));
  }

  write(text: string): void {
    if (this.masked) this.masked.push(text);
    else this.append(text);
  }

  /** Flushes and closes; the file is complete when this resolves. */
  close(): Promise<void> {
    this.masked?.end();
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return Promise.resolve();
    return new Promise((resolve) => stream.end(() => resolve()));
  }

  private append(text: string): void {
    this.stream ??= createWriteStream(this.file, { flags: 'a', mode: 0o600 });
    this.stream.write(text);
  }
}
