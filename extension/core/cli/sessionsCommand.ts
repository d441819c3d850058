import { parseArgs } from 'node:util';
import { shortId } from '../../../shared/ids.js';
import { liveAttach } from '../attachMarker.js';
import { loadRunnerConfig } from '../runnerConfig.js';
import { firstLine, readJournal } from './journalView.js';

export interface SessionsIo {
  stdout: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const SESSIONS_USAGE = `Usage: dispatch sessions [--json]

Lists this machine's sessions from the journal in DISPATCH_HOME, newest first: short id,
state, agent, repository, branch, last activity and task. Needs no bridge. --json prints
one JSON object per session per line.`;

/** `dispatch sessions [--json]`. */
export async function runSessionsCommand(argv: string[], io: SessionsIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    io.stdout.write(`${SESSIONS_USAGE}\n`);
    return 0;
  }
  const { values } = parseArgs({ args: argv, strict: true, options: { json: { type: 'boolean', default: false } } });
  const home = loadRunnerConfig(io.env, io.cwd).home;
  const records = readJournal(home);
  if (values.json) {
    for (const { snapshot, pruned } of records) {
      const { sessionId, state, agent, repo, branch, worktree, updatedAt } = snapshot;
      const attached = liveAttach(home, sessionId);
      io.stdout.write(`${JSON.stringify({ sessionId, state, agent, repo, branch, worktree, updatedAt, task: snapshot.job.task, pruned: pruned ?? false, attached: attached ? { machine: attached.machine, user: attached.user } : null, pullRequest: snapshot.result?.shipped?.pullRequest?.url ?? null })}\n`);
    }
    return 0;
  }
  if (records.length === 0) {
    io.stdout.write(`No sessions in ${home}.\n`);
    return 0;
  }
  const rows = records.map(({ snapshot, pruned }) => {
    const attached = liveAttach(home, snapshot.sessionId);
    const state = attached ? `${snapshot.state} (in a terminal)` : pruned ? `${snapshot.state} (pruned)` : snapshot.state;
    return [shortId(snapshot.sessionId), state, snapshot.agent ?? '', snapshot.repo ?? '', snapshot.branch ?? '', ago(snapshot.updatedAt), firstLine(snapshot.job.task, 60)];
  });
  const header = ['ID', 'STATE', 'AGENT', 'REPO', 'BRANCH', 'UPDATED', 'TASK'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) {
    io.stdout.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}\n`);
  }
  return 0;
}

/** "3 min ago", "2 h ago", "5 d ago". */
export function ago(at: number, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3_600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3_600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}
