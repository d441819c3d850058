import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DispatchError } from '../../../shared/errors.js';
import { shortId } from '../../../shared/ids.js';
import { JournalRecordSchema, type JournalRecord } from '../journal.js';

/**
 * The runner's journal as another process sees it: read-only. (Journal.load also tidies
 * up half-written temp files, which would race a runner that is writing one right now.)
 * Newest first, by last activity.
 */
export function readJournal(home: string): JournalRecord[] {
  const dir = path.join(home, 'journal', 'sessions');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const records: JournalRecord[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    try {
      records.push(JournalRecordSchema.parse(JSON.parse(readFileSync(path.join(dir, name), 'utf8'))));
    } catch {
      // Unreadable or mid-rename: the runner reports those; a listing skips them.
    }
  }
  return records.sort((a, b) => b.snapshot.updatedAt - a.snapshot.updatedAt);
}

/** The session an id prefix names; none given means the most recent. Clear messages otherwise. */
export function findSession(home: string, prefix: string | undefined): JournalRecord {
  const records = readJournal(home);
  if (records.length === 0) throw new DispatchError('not_found', `No sessions yet in ${home}. Start one from the chat, or with \`dispatch runner --task\`.`);
  // Ids are UUIDs; people type the 8-character short id the chat shows, hyphens or not.
  const key = (id: string) => id.trim().toLowerCase().replace(/-/g, '');
  const wanted = key(prefix ?? '');
  if (!wanted) return records[0]!;
  const exact = records.find((record) => key(record.snapshot.sessionId) === wanted);
  if (exact) return exact;
  const matches = records.filter((record) => key(record.snapshot.sessionId).startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new DispatchError('not_found', `No session starts with "${prefix}". \`dispatch sessions\` lists them.`);
  const list = matches.slice(0, 5).map((record) => `${shortId(record.snapshot.sessionId)} (${firstLine(record.snapshot.job.task, 40)})`);
  throw new DispatchError('bad_input', `"${prefix}" matches ${matches.length} sessions: ${list.join(', ')}${matches.length > 5 ? ', …' : ''}. Type more of the id.`);
}

export function firstLine(text: string, max: number): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
