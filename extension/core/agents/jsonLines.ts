import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AbstractMessageReader, AbstractMessageWriter, type DataCallback, type Disposable, type Message } from 'vscode-jsonrpc/node';

/**
 * JSON-RPC framed as one JSON object per line (JSONL), the dialect of `codex
 * app-server` on stdio — vscode-jsonrpc's own stream reader expects LSP-style
 * Content-Length headers, so only the framing is ours; requests, responses, ids and
 * server-initiated requests are vscode-jsonrpc's. Lines that are not JSON (a stray log
 * line) go to `onNoise` instead of breaking the connection.
 */
export class JsonLineMessageReader extends AbstractMessageReader {
  constructor(
    private readonly input: Readable,
    private readonly onNoise: (line: string) => void = () => undefined,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    const lines = readline.createInterface({ input: this.input, crlfDelay: Infinity });
    lines.on('line', (line) => {
      if (!line.trim()) return;
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        this.onNoise(line);
        return;
      }
      if (typeof message === 'object' && message !== null) callback(message as Message);
      else this.onNoise(line);
    });
    lines.on('close', () => this.fireClose());
    this.input.on('error', (error) => this.fireError(error));
    return { dispose: () => lines.close() };
  }
}

/** Writes one JSON object per line, without the `"jsonrpc": "2.0"` member codex leaves out. */
export class JsonLineMessageWriter extends AbstractMessageWriter {
  constructor(private readonly output: Writable) {
    super();
  }

  write(message: Message): Promise<void> {
    const { jsonrpc: _version, ...rest } = message as Message & { jsonrpc?: string };
    return new Promise((resolve, reject) => {
      this.output.write(`${JSON.stringify(rest)}\n`, (error) => {
        if (!error) return resolve();
        this.fireError(error, message, undefined);
        reject(error);
      });
    });
  }

  end(): void {
    this.output.end();
  }
}
