import type pg from 'pg';
import type { Logger } from '../../shared/logger.js';
import { RecentKeys } from '../transports/slack/recentKeys.js';

/**
 * "Handle this chat event once." A delivery may carry several ids for the same event
 * (Slack: the envelope id, the event id, a trigger id); it is a first sighting only when
 * none of them was seen before, so a retry that shares any one id is dropped.
 */
export interface EventOnce {
  firstSighting(platform: string, eventIds: string | readonly string[]): Promise<boolean>;
}

/** One bridge: a bounded set of recent ids in memory (redeliveries come within minutes). */
export class InProcessEventOnce implements EventOnce {
  private readonly recent: RecentKeys;

  constructor(capacity?: number) {
    this.recent = new RecentKeys(capacity);
  }

  async firstSighting(platform: string, eventIds: string | readonly string[]): Promise<boolean> {
    const ids = typeof eventIds === 'string' ? [eventIds] : eventIds;
    return !this.recent.seenBefore(ids.map((id) => `${platform}:${id}`));
  }
}

export interface PgEventOnceOptions {
  pool: pg.Pool;
  /** Recorded with each id: which bridge handled the event (for a person reading the table). */
  bridgeId: string;
  logger?: Logger;
}

const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

/**
 * Several bridges on PostgreSQL: the ids go into `chat_events_seen` in one statement,
 * ON CONFLICT DO NOTHING; the bridge whose insert kept every row won. Ids are inserted
 * in sorted order, so two bridges racing on the same ids wait on the same first row and
 * exactly one of them wins. Old ids are removed by the periodic sweep (staleRows.ts).
 */
export class PgEventOnce implements EventOnce {
  constructor(private readonly options: PgEventOnceOptions) {}

  async firstSighting(platform: string, eventIds: string | readonly string[]): Promise<boolean> {
    const ids = [...new Set(typeof eventIds === 'string' ? [eventIds] : eventIds)].sort();
    if (ids.length === 0) return true;
    const result = await this.options.pool.query(
      `INSERT INTO chat_events_seen (platform, event_id, bridge_id, seen_at)
       SELECT $1, id, $3, ${NOW_MS} FROM unnest($2::text[]) WITH ORDINALITY AS ids(id, n) ORDER BY n
       ON CONFLICT (platform, event_id) DO NOTHING`,
      [platform, ids, this.options.bridgeId],
    );
    return result.rowCount === ids.length;
  }
}
