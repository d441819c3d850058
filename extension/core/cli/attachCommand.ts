import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { asDispatchError, DispatchError } from '../../../shared/errors.js';
import { shortId } from '../../../shared/ids.js';
import { isFinal } from '../../../shared/sessions.js';
import { claimAttach, releaseAttach } from '../attachMarker.js';
import type { JournalRecord } from '../journal.js';
import { loadMachineIdentity } from '../link/machineIdentity.js';
import { loadRunnerConfig } from '../runnerConfig.js';
import { attachBanner, attachPlan } from './attachPlan.js';
import { findSession } from './journalView.js';
import { isSecretName } from './servicePlan.js';

export interface AttachIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const ATTACH_USAGE = `Usage: dispatch attach [SESSION]

Opens a terminal in a session's worktree: Claude and Codex sessions resume the agent's
conversation (claude --resume ID, codex resume ID); builtin and command sessions open your
$SHELL. SESSION is an id or its first characters (\`dispatch sessions\` lists them); none
means the most recent. While you are attached, the chat thread says so and follow-ups from
the chat wait until you exit. A running session must finish (or be cancelled) first.`;

/** `dispatch attach [SESSION]`; returns the terminal program's exit code. */
export async function runAttachCommand(argv: string[], io: AttachIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    io.stdout.write(`${ATTACH_USAGE}\n`);
    return 0;
  }
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {} });
  if (positionals.length > 1) throw new DispatchError('bad_input', `attach takes one session id, got ${positionals.length}. ${ATTACH_USAGE.split('\n')[0]}`);
  const config = loadRunnerConfig(io.env, io.cwd);
  const record = findSession(config.home, positionals[0]);
  refuseUnattachable(record);
  const sessionId = record.snapshot.sessionId;
  const worktree = record.snapshot.worktree!;
  const plan = attachPlan(record, io.env, io.cwd);
  const machine = loadMachineIdentity(config.home, io.env.DISPATCH_MACHINE_NAME).machineName;
  claimAttach(config.home, { sessionId, pid: process.pid, machine, user: userName(), startedAt: Date.now() });
  const release = () => releaseAttach(config.home, sessionId, process.pid);
  process.once('exit', release); // however this process ends, the chat gets its session back
  try {
    // A follow-up that slipped in between the first look and the claim is running now.
    refuseUnattachable(findSession(config.home, sessionId));
    io.stdout.write(attachBanner(record, plan));
    const code = await runInTerminal(plan.command, plan.args, worktree, terminalEnv(io.env, sessionId));
    io.stdout.write(`\nSession ${shortId(sessionId)} is back with the chat: follow-ups run again. Branch ${record.snapshot.branch ?? ''} keeps your changes.\n`);
    return code;
  } finally {
    release();
    process.removeListener('exit', release);
  }
}

function refuseUnattachable(record: JournalRecord): void {
  const { sessionId, state, worktree } = record.snapshot;
  const id = shortId(sessionId);
  if (!isFinal(state)) throw new DispatchError('conflict', `Session ${id} is ${state.replace(/_/g, ' ')}: cancel it first, or wait for it to finish.`);
  if (record.pruned) throw new DispatchError('not_found', `Session ${id}'s worktree was pruned${worktree ? ` (${worktree})` : ''}; there is nothing to open. Start a new task from the chat.`);
  if (!worktree) throw new DispatchError('not_found', `Session ${id} ended before it had a worktree; there is nothing to open.`);
  if (!existsSync(worktree)) throw new DispatchError('not_found', `Session ${id}'s worktree ${worktree} no longer exists (pruned or removed by hand). Start a new task from the chat.`);
}

/**
 * Runs the program on this terminal until it exits. Ctrl+C belongs to the program (the
 * terminal sends it to the whole foreground group), so this process ignores it; a hang-up
 * or kill is passed on, and the marker goes when this process does.
 */
function runInTerminal(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    const ignore = () => undefined;
    const pass = (signal: NodeJS.Signals) => () => child.kill(signal);
    const onTerm = pass('SIGTERM');
    const onHup = pass('SIGHUP');
    process.on('SIGINT', ignore);
    process.on('SIGTERM', onTerm);
    process.on('SIGHUP', onHup);
    const done = () => {
      process.removeListener('SIGINT', ignore);
      process.removeListener('SIGTERM', onTerm);
      process.removeListener('SIGHUP', onHup);
    };
    child.once('error', (error) => {
      done();
      reject(new DispatchError('not_found', `Could not start ${command}: ${asDispatchError(error).message}`));
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1));
    });
  });
}

/**
 * The person's own environment, minus the chat's credentials (the runner token, Slack and
 * Discord tokens, which .env may have put there): the terminal is for the code. Agent keys
 * such as ANTHROPIC_API_KEY stay: a resumed agent needs them.
 */
function terminalEnv(env: NodeJS.ProcessEnv, sessionId: string): NodeJS.ProcessEnv {
  const kept = Object.entries(env).filter(([name]) => !(/^(DISPATCH|SLACK|DISCORD)_/.test(name) && isSecretName(name)));
  return { ...Object.fromEntries(kept), DISPATCH_SESSION: sessionId };
}

function userName(): string {
  try {
    return os.userInfo().username || 'someone';
  } catch {
    return 'someone';
  }
}
