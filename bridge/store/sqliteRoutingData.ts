import type Database from 'better-sqlite3';
import type { RepoVocabulary, RoutingRepo } from '../../shared/routing/context.js';
import type { ChatUser, ThreadRef } from '../chat.js';
import type { CoworkReplyRecord } from './store.js';

type Row = Record<string, unknown>;

/** Cowork replies older than this lose their "Run as a Code session" button's text. */
const COWORK_REPLY_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * What routing needs from the SQLite file: the repositories' vocabularies (kept beside
 * the machine, parsed once and cached: the router reads them on every message) and the
 * Cowork replies a person may re-run as a Code session.
 */
export class SqliteRoutingData {
  /** machineId → its repositories with vocabularies; dropped whenever either changes. */
  private readonly cache = new Map<string, RoutingRepo[]>();
  private readonly upsertVocabulary: Database.Statement;
  private readonly selectVocabularies: Database.Statement;
  private readonly deleteVocabulary: Database.Statement;
  private readonly insertReply: Database.Statement;
  private readonly pruneReplies: Database.Statement;
  private readonly selectReply: Database.Statement;
  private readonly claimReply: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    private readonly repoNames: (machineId: string) => string[] | undefined,
  ) {
    this.upsertVocabulary = db.prepare(
      `INSERT INTO repo_vocabularies (machine_id, repo, terms, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (machine_id, repo) DO UPDATE SET terms = excluded.terms, updated_at = excluded.updated_at`,
    );
    this.selectVocabularies = db.prepare(`SELECT repo, terms FROM repo_vocabularies WHERE machine_id = ?`);
    this.deleteVocabulary = db.prepare(`DELETE FROM repo_vocabularies WHERE machine_id = ? AND repo = ?`);
    this.insertReply = db.prepare(
      `INSERT INTO cowork_replies (id, owner_platform, owner_id, owner_name, thread_platform, thread_channel, thread_id, text, answer, created_at)
       VALUES (@id, @ownerPlatform, @ownerId, @ownerName, @threadPlatform, @threadChannel, @threadId, @text, @answer, @createdAt)`,
    );
    this.pruneReplies = db.prepare(`DELETE FROM cowork_replies WHERE created_at < ?`);
    this.selectReply = db.prepare(`SELECT * FROM cowork_replies WHERE id = ?`);
    // A claim whose job was never written (the disk filled up in between) does not count.
    this.claimReply = db.prepare(`UPDATE cowork_replies SET job_id = ? WHERE id = ? AND (job_id IS NULL OR job_id NOT IN (SELECT id FROM jobs))`);
  }

  /** The machine's repository list changed: its cached context is stale. */
  machineChanged(machineId: string): void {
    this.cache.delete(machineId);
  }

  saveRepoVocabularies(machineId: string, repos: ReadonlyArray<{ name: string; vocabulary?: RepoVocabulary }>, at: number): void {
    const known = new Set(this.repoNames(machineId) ?? []);
    this.db.transaction(() => {
      for (const repo of repos) {
        if (repo.vocabulary && known.has(repo.name)) this.upsertVocabulary.run(machineId, repo.name, JSON.stringify(repo.vocabulary.terms), at);
      }
      for (const row of this.selectVocabularies.all(machineId) as Row[]) {
        if (!known.has(String(row.repo))) this.deleteVocabulary.run(machineId, String(row.repo));
      }
    })();
    this.cache.delete(machineId);
  }

  routingRepos(machineId: string): RoutingRepo[] {
    const cached = this.cache.get(machineId);
    if (cached) return cached;
    const names = this.repoNames(machineId) ?? [];
    const terms = new Map((this.selectVocabularies.all(machineId) as Row[]).map((row) => [String(row.repo), JSON.parse(String(row.terms)) as string[]]));
    const repos = names.map((name): RoutingRepo => {
      const stored = terms.get(name);
      return stored ? { name, vocabulary: { terms: stored } } : { name };
    });
    this.cache.set(machineId, repos);
    return repos;
  }

  saveCoworkReply(reply: CoworkReplyRecord): void {
    this.db.transaction(() => {
      this.pruneReplies.run(reply.createdAt - COWORK_REPLY_RETENTION_MS);
      this.insertReply.run({
        id: reply.id,
        ownerPlatform: reply.owner.platform,
        ownerId: reply.owner.userId,
        ownerName: reply.owner.displayName ?? null,
        threadPlatform: reply.thread.platform,
        threadChannel: reply.thread.channelId,
        threadId: reply.thread.threadId,
        text: reply.text,
        answer: reply.answer,
        createdAt: reply.createdAt,
      });
    })();
  }

  getCoworkReply(id: string): CoworkReplyRecord | undefined {
    const row = this.selectReply.get(id) as Row | undefined;
    if (!row) return undefined;
    const owner: ChatUser = {
      platform: row.owner_platform as ChatUser['platform'],
      userId: String(row.owner_id),
      ...(row.owner_name ? { displayName: String(row.owner_name) } : {}),
    };
    const thread: ThreadRef = { platform: row.thread_platform as ThreadRef['platform'], channelId: String(row.thread_channel), threadId: String(row.thread_id) };
    return {
      id: String(row.id),
      owner,
      thread,
      text: String(row.text),
      answer: String(row.answer),
      ...(row.job_id ? { jobId: String(row.job_id) } : {}),
      createdAt: Number(row.created_at),
    };
  }

  claimCoworkReply(id: string, jobId: string): boolean {
    return this.claimReply.run(jobId, id).changes === 1;
  }
}
