import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ApprovalRequest, SessionEvent, SessionSnapshot } from '../../../../shared/sessions.js';
import type { Runner } from '../../../../extension/core/runner.js';
import { git } from '../../../helpers/gitRepos.js';
import { waitForEvent } from '../harness.js';

/** The scripted stand-ins for the agents' executables. */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/agents');
export const FAKE_CLAUDE = path.join(FIXTURES, 'claude');
export const FAKE_CODEX = path.join(FIXTURES, 'codex');
export const EDIT_CLI = path.join(FIXTURES, 'editNotes');

/**
 * The environment a runner might have: PATH (the stand-ins need node), a HOME of the
 * test's own where the stand-ins write their records, and secrets that must never reach
 * an agent.
 */
export function runnerEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    LANG: 'C.UTF-8',
    DISPATCH_RUNNER_TOKEN: 'runner-secret-token-123456',
    DISPATCH_WEB_TOKEN: 'web-secret-token-123456',
    SLACK_BOT_TOKEN: 'xoxb-secret',
    DISCORD_BOT_TOKEN: 'discord-secret',
    UNRELATED_SECRET: 'nope',
    ...extra,
  };
}

export type RecordEntry = { kind: string; [key: string]: unknown };

/** What a stand-in wrote to its record file (one JSON object a line). */
export function readRecord(home: string, file: string): RecordEntry[] {
  const full = path.join(home, file);
  if (!existsSync(full)) return [];
  return readFileSync(full, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordEntry);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `pid` is gone; false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** Polls until the stand-in's record has an entry matching `predicate`. */
export async function waitForRecord(home: string, file: string, predicate: (entry: RecordEntry) => boolean, timeoutMs = 10_000): Promise<RecordEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = readRecord(home, file).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching ${file} record after ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Commit subjects on a branch, newest first. */
export function branchLog(repo: string, branch: string): string[] {
  return git(repo, ['log', '--format=%s', branch]).trim().split('\n');
}

/** A file's content on a branch (what was committed, not what is in a worktree). */
export function showOnBranch(repo: string, branch: string, file: string): string {
  return git(repo, ['show', `${branch}:${file}`]);
}

export function progressTexts(events: SessionEvent[]): string[] {
  return events.flatMap((event) => (event.kind === 'progress' ? [event.text] : []));
}

const FINAL = new Set(['completed', 'failed', 'cancelled', 'interrupted']);

/** The next approval request of a session after event `afterSeq` (0: the first). */
export async function approvalAfter(runner: Runner, sessionId: string, afterSeq = 0): Promise<ApprovalRequest> {
  const event = await waitForEvent(runner, (e) => e.sessionId === sessionId && e.seq > afterSeq && e.kind === 'approval_requested');
  if (event.kind !== 'approval_requested') throw new Error('unreachable');
  return event.request;
}

/** Waits for the session's turn that follows event `afterSeq` to end; returns the snapshot. */
export async function endAfter(runner: Runner, sessionId: string, afterSeq = 0): Promise<SessionSnapshot> {
  await waitForEvent(runner, (e) => e.sessionId === sessionId && e.seq > afterSeq && e.kind === 'state' && FINAL.has(e.state), 20_000);
  const snapshot = runner.session(sessionId);
  if (!snapshot) throw new Error(`session ${sessionId} vanished`);
  return snapshot;
}
