import { RepoVocabularySchema, type RepoVocabulary } from '../../../shared/routing/context.js';
import type { Logger } from '../../../shared/logger.js';
import { buildRepoVocabulary } from '../repoVocabulary.js';

/** Builds one repository's vocabulary from its checkout. */
export type VocabularyBuilder = (path: string) => Promise<RepoVocabulary>;

export interface RepoVocabularyFeedOptions {
  repos: ReadonlyArray<{ name: string; path: string }>;
  logger: Logger;
  build?: VocabularyBuilder;
  /** Rebuilds every repository this often (the code moves on); 0 turns it off. Default 30 min. */
  refreshMs?: number;
}

/**
 * The vocabularies the bridge's router leans on, built off the hot path: once when the
 * link starts (one repository at a time, so a big checkout does not take both cores) and
 * again every `refreshMs`, never per task. Listeners hear of each vocabulary that is new
 * or changed, so the link can send it.
 */
export class RepoVocabularyFeed {
  private readonly built = new Map<string, RepoVocabulary>();
  private readonly listeners = new Set<(name: string) => void>();
  private round: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: RepoVocabularyFeedOptions) {}

  /** Starts the first build (idempotent); resolves when every repository has had its try. */
  start(): Promise<void> {
    this.stopped = false;
    const first = (this.round ??= this.buildAll());
    const every = this.options.refreshMs ?? 30 * 60_000;
    if (every > 0 && !this.timer) {
      this.timer = setInterval(() => {
        this.round = this.round?.then(() => this.buildAll());
      }, every).unref();
    }
    return first;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The newest vocabulary of each repository built so far. */
  current(): ReadonlyMap<string, RepoVocabulary> {
    return this.built;
  }

  onBuilt(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async buildAll(): Promise<void> {
    const build = this.options.build ?? buildRepoVocabulary;
    for (const repo of this.options.repos) {
      if (this.stopped) return;
      try {
        const checked = RepoVocabularySchema.safeParse(await build(repo.path));
        if (!checked.success) {
          // Sending it would only earn a refusal from the bridge: keep the last good one.
          this.options.logger.warn('repository vocabulary out of bounds; not sent', { repo: repo.name, error: checked.error.issues[0]?.message });
          continue;
        }
        const previous = this.built.get(repo.name);
        if (previous && sameTerms(previous, checked.data)) continue;
        this.built.set(repo.name, checked.data);
        for (const listener of this.listeners) listener(repo.name);
      } catch (error) {
        this.options.logger.warn('building a repository vocabulary failed', { repo: repo.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

function sameTerms(a: RepoVocabulary, b: RepoVocabulary): boolean {
  return a.terms.length === b.terms.length && a.terms.every((term, index) => term === b.terms[index]);
}
