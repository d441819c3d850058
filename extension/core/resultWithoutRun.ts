import type { JournalRecord } from './journal.js';

/** The result of a session that ends without running (cancelled in line, interrupted, no agent). */
export function resultWithoutRun(record: JournalRecord, summary: string, error?: string) {
  const { snapshot } = record;
  return {
    summary,
    filesChanged: [],
    diffstat: '',
    branch: snapshot.branch ?? '',
    baseCommit: snapshot.baseCommit ?? '',
    worktree: snapshot.worktree ?? '',
    durationMs: 0,
    ...(error ? { error } : {}),
  };
}
