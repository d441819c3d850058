import type pg from 'pg';
import { WebMessageSchema, type WebMessage } from '../../../shared/protocol/webChat.js';
import type { WebChatHistory } from '../../transports/web/webHistory.js';

/** The web chat's history in PostgreSQL. An edit keeps the message's place (its position). */
export class PgWebHistory implements WebChatHistory {
  constructor(private readonly pool: pg.Pool) {}

  async save(message: WebMessage): Promise<void> {
    await this.pool.query(
      `INSERT INTO web_messages (id, thread_id, body, at) VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
      [message.id, message.threadId, JSON.stringify(message), message.at],
    );
  }

  async recent(limit: number): Promise<WebMessage[]> {
    const { rows } = await this.pool.query(`SELECT body FROM (SELECT position, body FROM web_messages ORDER BY position DESC LIMIT $1) newest ORDER BY position`, [limit]);
    return rows.map((row) => WebMessageSchema.parse(row.body));
  }

  async get(id: string): Promise<WebMessage | undefined> {
    const { rows } = await this.pool.query(`SELECT body FROM web_messages WHERE id = $1`, [id]);
    return rows[0] ? WebMessageSchema.parse(rows[0].body) : undefined;
  }

  async hasThread(threadId: string): Promise<boolean> {
    return ((await this.pool.query(`SELECT 1 FROM web_messages WHERE thread_id = $1 LIMIT 1`, [threadId])).rowCount ?? 0) > 0;
  }
}
