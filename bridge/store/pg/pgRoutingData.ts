import type pg from 'pg';
import type { RepoVocabulary, RoutingRepo } from '../../../shared/routing/context.js';
import type { CoworkReplyRecord } from '../store.js';
import { inTransaction, type Row } from './pgPool.js';
import { toThread, toUser } from './pgRows.js';

/** Cowork replies older than this lose their "Run as a Code session" button's text (as in SQLite). */
const COWORK_REPLY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * A claim whose job was never written counts again, but only this long after it was made:
 * another bridge may be writing that job right now (the claim comes first, the job after).
 */
const ABANDONED_CLAIM_MS = 60_000;

/**
 * What routing needs from PostgreSQL: repositories' vocabularies and Cowork replies.
 * Nothing is cached: another bridge may change them at any time.
 */
export class PgRoutingData {
  constructor(private readonly pool: pg.Pool) {}

  async saveRepoVocabularies(machineId: string, repos: ReadonlyArray<{ name: string; vocabulary?: RepoVocabulary }>, at: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // The machine's row lock orders this against its re-registration (which changes the repo list).
      const { rows } = await client.query(`SELECT repos FROM machines WHERE id = $1 FOR SHARE`, [machineId]);
      const known = new Set(((rows[0]?.repos ?? []) as { name: string }[]).map((repo) => repo.name));
      for (const repo of repos) {
        if (!repo.vocabulary || !known.has(repo.name)) continue;
        await client.query(
          `INSERT INTO repo_vocabularies (machine_id, repo, terms, updated_at) VALUES ($1, $2, $3::jsonb, $4)
           ON CONFLICT (machine_id, repo) DO UPDATE SET terms = excluded.terms, updated_at = excluded.updated_at`,
          [machineId, repo.name, JSON.stringify(repo.vocabulary.terms), at],
        );
      }
      await client.query(`DELETE FROM repo_vocabularies WHERE machine_id = $1 AND NOT (repo = ANY($2))`, [machineId, [...known]]);
    });
  }

  async routingRepos(machineId: string): Promise<RoutingRepo[]> {
    const { rows } = await this.pool.query(
      `SELECT repo.ordinality, repo.value->>'name' AS name, v.terms
       FROM machines m CROSS JOIN LATERAL jsonb_array_elements(m.repos) WITH ORDINALITY AS repo(value, ordinality)
       LEFT JOIN repo_vocabularies v ON v.machine_id = m.id AND v.repo = repo.value->>'name'
       WHERE m.id = $1 ORDER BY repo.ordinality`,
      [machineId],
    );
    return rows.map((row): RoutingRepo => (row.terms ? { name: String(row.name), vocabulary: { terms: row.terms as string[] } } : { name: String(row.name) }));
  }

  async saveCoworkReply(reply: CoworkReplyRecord): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`DELETE FROM cowork_replies WHERE created_at < $1`, [reply.createdAt - COWORK_REPLY_RETENTION_MS]);
      await client.query(
        `INSERT INTO cowork_replies (id, owner_platform, owner_id, owner_name, thread_platform, thread_channel, thread_id, text, answer, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          reply.id, reply.owner.platform, reply.owner.userId, reply.owner.displayName ?? null,
          reply.thread.platform, reply.thread.channelId, reply.thread.threadId, reply.text, reply.answer, reply.createdAt,
        ],
      );
    });
  }

  async getCoworkReply(id: string): Promise<CoworkReplyRecord | undefined> {
    const { rows } = await this.pool.query(`SELECT * FROM cowork_replies WHERE id = $1`, [id]);
    const row = rows[0] as Row | undefined;
    if (!row) return undefined;
    return {
      id: String(row.id),
      owner: toUser(row, 'owner'),
      thread: toThread(row),
      text: String(row.text),
      answer: String(row.answer),
      ...(row.job_id ? { jobId: String(row.job_id) } : {}),
      createdAt: Number(row.created_at),
    };
  }

  async claimCoworkReply(id: string, jobId: string): Promise<boolean> {
    // Two bridges pressing at once: the second waits for the first's row lock, then finds job_id set (and recent).
    const result = await this.pool.query(
      `UPDATE cowork_replies SET job_id = $1, claimed_at = $3::bigint
       WHERE id = $2 AND (job_id IS NULL OR (claimed_at < $3::bigint - $4::bigint AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.id = cowork_replies.job_id)))`,
      [jobId, id, Date.now(), ABANDONED_CLAIM_MS],
    );
    return result.rowCount === 1;
  }
}
