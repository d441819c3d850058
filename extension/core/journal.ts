import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SessionEventSchema, SessionResultSchema, SessionSnapshotSchema, SessionStateSchema } from '../../shared/sessions.js';
import { sessionFileKey } from './slug.js';
import { ensureStateDir, writeStateFileAtomic } from './stateFiles.js';

/** What the runner keeps per session: enough to report, resume the queue, and resend events. */
export const JournalRecordSchema = z.object({
  version: z.literal(1),
  snapshot: SessionSnapshotSchema,
  /** Events not yet acknowledged by whoever consumes them (the bridge, the CLI). */
  events: z.array(SessionEventSchema),
  /** The repository's top-level folder. */
  repoPath: z.string(),
  /** The text of the current (or last) turn: the task, or the latest follow-up. */
  task: z.string(),
  conversationId: z.string().optional(),
  /** The worktree was removed by prune: no follow-up possible. */
  pruned: z.boolean().optional(),
  /** How the last turn that ran ended: a follow-up that is denied leaves this verdict standing. */
  verdict: z.object({ state: SessionStateSchema, result: SessionResultSchema }).optional(),
  /**
   * Fingerprints of the repository's push-steering git settings when the session's worktree
   * was made (ship/sharedGitConfig.ts): a push is refused if the session changed them.
   */
  pushConfig: z.record(z.string(), z.string()).optional(),
});
export type JournalRecord = z.infer<typeof JournalRecordSchema>;

/**
 * One JSON file per session under `<home>/journal/sessions`, replaced atomically
 * (write a temp file, rename over) so a kill -9 at any instant leaves either the old
 * or the new record, never half of one. Writes are synchronous on purpose: an event is
 * on disk before anyone hears of it, and writes of one session cannot reorder.
 */
export class Journal {
  readonly dir: string;

  constructor(home: string) {
    this.dir = path.join(home, 'journal', 'sessions');
  }

  /**
   * Every readable record; unreadable files are reported (and left alone for a human).
   * `readOnly`: another runner owns the journal, and a temp file may be its write in flight.
   */
  load(options: { readOnly?: boolean } = {}): { records: JournalRecord[]; unreadable: string[] } {
    ensureStateDir(this.dir);
    const records: JournalRecord[] = [];
    const unreadable: string[] = [];
    for (const name of readdirSync(this.dir)) {
      const file = path.join(this.dir, name);
      if (name.endsWith('.tmp')) {
        if (options.readOnly) continue;
        rmSync(file, { force: true }); // a write that never got renamed: the old record stands
        continue;
      }
      if (!name.endsWith('.json')) continue;
      try {
        records.push(JournalRecordSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
      } catch {
        unreadable.push(file);
      }
    }
    return { records, unreadable };
  }

  write(record: JournalRecord): void {
    const file = path.join(this.dir, `${sessionFileKey(record.snapshot.sessionId)}.json`);
    // fsync before the rename: after a power cut the record is the old one or the new one,
    // never an empty file the rename pointed at before its data reached the disk. Owner-only.
    writeStateFileAtomic(file, JSON.stringify(record));
  }
}
