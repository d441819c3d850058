import { tmpdir } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import type { CliIo } from '../../bridge/cli/io.js';
import { main } from '../../bridge/cli/main.js';

/** What one in-process run of the `dispatch` command line printed, and its exit code. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/**
 * A stdout and a stderr that keep what is written to them, for a command run in this
 * process (runCli, or a command such as `dispatch runner` that is handed its own io).
 */
export function capturedOutput(): { stdout: PassThrough; stderr: PassThrough; text: () => { out: string; err: string } } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return { stdout, stderr, text: () => ({ out, err }) };
}

/**
 * Runs `dispatch ARGV…` in this process, as the bin script would, with its output captured.
 *
 * @param argv - The arguments after `dispatch`.
 * @param options - What is typed on stdin, the environment (nothing of this process's), the folder it runs in.
 */
export async function runCli(argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const { stdout, stderr, text } = capturedOutput();
  const io: CliIo = { stdout, stderr, stdin: Readable.from([options.stdin ?? '']), env: options.env ?? {}, cwd: options.cwd ?? tmpdir() };
  const code = await main(argv, io);
  return { code, ...text() };
}
