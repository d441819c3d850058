import { PassThrough } from 'node:stream';
import { main } from '../../../bridge/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Streams that remember what was written (read `text()` any time, also mid-run). */
export function recorder(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

/** `dispatch ARGV…` in this process, with its own environment and folder. */
export async function dispatch(argv: string[], env: NodeJS.ProcessEnv, cwd: string, stdout = recorder()): Promise<CliRun> {
  const stderr = recorder();
  const code = await main(argv, { stdout: stdout.stream, stderr: stderr.stream, stdin: new PassThrough(), env, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
