import { closeSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DispatchError } from '../../../shared/errors.js';
import { shortId } from '../../../shared/ids.js';
import { isFinal } from '../../../shared/sessions.js';
import { loadRunnerConfig } from '../runnerConfig.js';
import { sessionFileKey } from '../slug.js';
import { untilSignal } from './signals.js';
import { findSession } from './journalView.js';

export interface LogsIo {
  stdout: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Following stops when this settles (default: Ctrl+C or SIGTERM). */
  until?: Promise<unknown>;
}

export const LOGS_USAGE = `Usage: dispatch logs [-f] [SESSION]

Prints a session's full log (every tool's output, across turns) from DISPATCH_HOME/logs.
SESSION is an id or its first characters; none means the most recent. -f keeps printing
what is appended until the session finishes (or Ctrl+C). Needs no bridge.`;

/** `dispatch logs [-f] [SESSION]`. */
export async function runLogsCommand(argv: string[], io: LogsIo, pollMs = 250): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    io.stdout.write(`${LOGS_USAGE}\n`);
    return 0;
  }
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { follow: { type: 'boolean', short: 'f', default: false } } });
  if (positionals.length > 1) throw new DispatchError('bad_input', `logs takes one session id, got ${positionals.length}.`);
  const home = loadRunnerConfig(io.env, io.cwd).home;
  const record = findSession(home, positionals[0]);
  const sessionId = record.snapshot.sessionId;
  const file = path.join(home, 'logs', `${sessionFileKey(sessionId)}.log`);
  let offset = copyFrom(file, 0, io.stdout);
  if (!values.follow) {
    if (offset === 0) io.stdout.write(`Session ${shortId(sessionId)} has no log yet (it starts when the agent runs a tool).\n`);
    return 0;
  }
  let stopped = false;
  void (io.until ?? untilSignal()).then(() => (stopped = true));
  while (!stopped) {
    const state = findSession(home, sessionId).snapshot.state;
    offset = copyFrom(file, offset, io.stdout);
    // Read once more after the final state: the last lines are written before it.
    if (isFinal(state)) {
      offset = copyFrom(file, offset, io.stdout);
      io.stdout.write(`— session ${shortId(sessionId)} ${state}\n`);
      return 0;
    }
    await sleep(pollMs);
  }
  return 0;
}

/** Writes the file's bytes from `offset` on; returns the new offset (0 when there is no file). */
export function copyFrom(file: string, offset: number, out: NodeJS.WritableStream): number {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return offset;
  }
  if (size <= offset) return size < offset ? 0 : offset; // truncated: start over
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    const read = readSync(fd, buffer, 0, buffer.length, offset);
    out.write(buffer.subarray(0, read));
    return offset + read;
  } finally {
    closeSync(fd);
  }
}
