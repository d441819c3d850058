// What the runner's link puts in its messages: the resync list, event batches and
// vocabularies cut to the frame limit, and close codes in words.
import { MAX_LINK_FRAME_BYTES } from '../../../shared/protocol/bridgeRunner.js';
import { MESSAGE_TOO_BIG } from '../../../shared/protocol/rpc.js';
import type { RepoVocabulary } from '../../../shared/routing/context.js';
import { isFinal, type SessionEvent, type SessionSnapshot } from '../../../shared/sessions.js';
import type { Runner } from '../runner.js';

/** Keeps each batch of events well under the link's frame limit. */
export const EVENT_BATCH_BYTES = MAX_LINK_FRAME_BYTES / 2;
/** Vocabulary bytes per message: under the link's frame limit (one repository's bounded vocabulary always fits). */
export const VOCABULARY_BUDGET = MAX_LINK_FRAME_BYTES / 2;

/**
 * What the bridge must hear at resync: sessions still under way, and those with events it
 * has not acknowledged. Finished, acknowledged ones are left out, so the message stays
 * small however long the journal grows (a job offered again is answered by its id).
 */
export function resyncSessions(runner: Runner): { sessionId: string; state: SessionSnapshot['state']; lastSeq: number }[] {
  const unacked = new Set(runner.unacknowledged().map((event) => event.sessionId));
  return runner
    .sessions()
    .filter((session) => !isFinal(session.state) || unacked.has(session.sessionId))
    .map((session) => ({ sessionId: session.sessionId, state: session.state, lastSeq: session.lastSeq }));
}

/** The longest prefix of `events` whose JSON fits in `budget` bytes (at least one event). */
export function withinBytes(events: SessionEvent[], budget: number): SessionEvent[] {
  let used = 0;
  let count = 0;
  for (const event of events) {
    used += Buffer.byteLength(JSON.stringify(event)) + 1;
    if (count > 0 && used > budget) break;
    count += 1;
  }
  return events.slice(0, count);
}

/** A close code and reason as words a person can read in the log. */
export function closeReason(code: number, reason: string): string {
  if (reason) return `${reason} — code ${code}`;
  if (code === MESSAGE_TOO_BIG) return 'a message was over the size limit (code 1009)';
  if (code === 1006) return 'the connection dropped or went silent (code 1006)';
  return `code ${code}`;
}

/** About the bytes a vocabulary takes on the wire. */
export function vocabularySize(vocabulary: RepoVocabulary): number {
  return vocabulary.terms.reduce((bytes, term) => bytes + Buffer.byteLength(term) + 3, 16);
}
