import { AsyncLocalStorage } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Logger } from '../../shared/logger.js';
import type { SecretMask } from './secretMask.js';
import { SessionLog } from './sessionLog.js';
import { writeStateFileAtomic } from './stateFiles.js';

/** Told of every process a session starts, so a crash cannot leave them running unseen. */
export interface ProcessWatcher {
  started(pid: number, command: readonly string[]): void;
  ended(pid: number): void;
}

/**
 * The session a process is being started for. The runner runs each turn inside
 * `processScope.run(watcher, …)`; the spawn helpers (runProcess, AgentProcess) report
 * to whatever watcher is current, so no agent needs to pass it along.
 */
export const processScope = new AsyncLocalStorage<ProcessWatcher>();

const GroupRecordSchema = z.object({
  version: z.literal(1),
  sessionId: z.string(),
  /** The group leader's pid, which is the group's id (spawned detached). */
  pid: z.number().int().positive(),
  /** When the leader started, as the OS tells it, so a reused pid is never taken for ours. */
  startTime: z.string().optional(),
  command: z.array(z.string()),
});
type GroupRecord = z.infer<typeof GroupRecordSchema>;

/** What start-up cleaning found and did for one session. */
export interface EndedGroup {
  sessionId: string;
  pid: number;
  command: string[];
  /** `ended`: it was still running and was stopped; `gone`: nothing was left; `reused`: the pid belongs to another program now. */
  outcome: 'ended' | 'gone' | 'reused';
}

/**
 * One small file per live process group under `<home>/journal/processes`, written when
 * a session's command starts and removed when it ends. What is left after a kill -9 of
 * the runner names the groups that may still be running.
 */
export class ProcessGroups {
  readonly dir: string;

  constructor(home: string) {
    this.dir = path.join(home, 'journal', 'processes');
  }

  /** A watcher that journals the groups of one session. */
  watcher(sessionId: string): ProcessWatcher {
    return {
      started: (pid, command) => {
        if (process.platform === 'win32') return; // no process groups; taskkill /T follows the tree while it lives
        const record: GroupRecord = { version: 1, sessionId, pid, command: [...command].slice(0, 20), ...startTimeField(pid) };
        writeStateFileAtomic(this.file(pid), JSON.stringify(record));
      },
      ended: (pid) => rmSync(this.file(pid), { force: true }),
    };
  }

  /**
   * Ends every group a previous runner left behind: SIGTERM, then SIGKILL after
   * `graceMs`. A group whose leader's pid now belongs to a different process is left
   * alone. Call only while holding the runner lock, before any session starts.
   */
  async endLeftovers(graceMs = 1_000): Promise<EndedGroup[]> {
    if (!existsSync(this.dir)) return [];
    const results: EndedGroup[] = [];
    for (const name of readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      const record = readRecord(file);
      if (record) results.push({ sessionId: record.sessionId, pid: record.pid, command: record.command, outcome: await endGroup(record, graceMs) });
      rmSync(file, { force: true });
    }
    return results;
  }

  private file(pid: number): string {
    return path.join(this.dir, `${pid}.json`);
  }
}

/**
 * At runner start, before anything else: ends the process groups of sessions that were
 * running when a previous runner died, and says so in each session's log.
 */
export async function endLeftoverProcesses(groups: ProcessGroups, home: string, secrets: SecretMask, logger: Logger): Promise<void> {
  for (const group of await groups.endLeftovers()) {
    if (group.outcome === 'gone') continue;
    const what = `process group ${group.pid} (${group.command.join(' ').slice(0, 200)})`;
    const line =
      group.outcome === 'ended'
        ? `\n[dispatch] The runner restarted after it stopped unexpectedly: ended the leftover processes of this session, ${what}.\n`
        : `\n[dispatch] The runner restarted: ${what} was left alone, its pid now belongs to another program.\n`;
    logger.info(group.outcome === 'ended' ? 'ended leftover processes of a session' : 'left a reused pid alone', { sessionId: group.sessionId, pid: group.pid });
    const log = new SessionLog(home, group.sessionId, secrets);
    log.write(line);
    await log.close();
  }
}

function readRecord(file: string): GroupRecord | undefined {
  if (!file.endsWith('.json')) return undefined;
  try {
    return GroupRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

async function endGroup(record: GroupRecord, graceMs: number): Promise<EndedGroup['outcome']> {
  if (!groupIsOurs(record)) return groupAlive(record.pid) ? 'reused' : 'gone';
  signalGroup(record.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(record.pid) && Date.now() < deadline) await sleep(25);
  if (groupAlive(record.pid)) signalGroup(record.pid, 'SIGKILL');
  return 'ended';
}

/**
 * Whether the group is still the one we started. The kernel does not hand out a pid
 * that is still some group's id, so while a leaderless group lives it is ours; when a
 * process with that pid exists, its start time must match the one journaled.
 */
function groupIsOurs(record: GroupRecord): boolean {
  if (!groupAlive(record.pid)) return false;
  const now = startTime(record.pid);
  if (now === undefined) return !processExists(record.pid) || record.startTime === undefined;
  return record.startTime === undefined ? false : now === record.startTime;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

function startTimeField(pid: number): { startTime?: string } {
  const time = startTime(pid);
  return time === undefined ? {} : { startTime: time };
}

/** The process's start time: /proc's clock ticks since boot on Linux, `ps` elsewhere. */
function startTime(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19]; // field 22, starttime
    } catch {
      return undefined;
    }
  }
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}
