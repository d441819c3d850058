import type Database from 'better-sqlite3';
import { WebMessageSchema, type WebMessage } from '../../shared/protocol/webChat.js';
import type { WebChatHistory } from '../transports/web/webHistory.js';

/** The web chat's history in the bridge's SQLite file. Edits keep a message's place. */
export class SqliteWebHistory implements WebChatHistory {
  private readonly upsert: Database.Statement;
  private readonly selectRecent: Database.Statement;
  private readonly selectOne: Database.Statement;
  private readonly selectInThread: Database.Statement;

  constructor(db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO web_messages (id, thread_id, body, at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
    );
    this.selectRecent = db.prepare(`SELECT body FROM (SELECT rowid, body FROM web_messages ORDER BY rowid DESC LIMIT ?) ORDER BY rowid`);
    this.selectOne = db.prepare(`SELECT body FROM web_messages WHERE id = ?`);
    this.selectInThread = db.prepare(`SELECT 1 FROM web_messages WHERE thread_id = ? LIMIT 1`);
  }

  async save(message: WebMessage): Promise<void> {
    this.upsert.run(message.id, message.threadId, JSON.stringify(message), message.at);
  }

  async recent(limit: number): Promise<WebMessage[]> {
    return (this.selectRecent.all(limit) as { body: string }[]).map((row) => WebMessageSchema.parse(JSON.parse(row.body)));
  }

  async get(id: string): Promise<WebMessage | undefined> {
    const row = this.selectOne.get(id) as { body: string } | undefined;
    return row ? WebMessageSchema.parse(JSON.parse(row.body)) : undefined;
  }

  async hasThread(threadId: string): Promise<boolean> {
    return this.selectInThread.get(threadId) !== undefined;
  }
}
