import Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { Logger } from '../shared/logger.js';
import type { RoutingContext } from '../shared/routing/context.js';
import type { RouteDecision } from '../shared/routing/route.js';

/** Which part decided a message's route: the model, or the local router alone. */
export type DecidedBy = 'model' | 'local';

export interface RoutingVerdict {
  decision: RouteDecision;
  decidedBy: DecidedBy;
}

/** A second opinion on the local router's decision; the dispatcher asks one when a model is configured. */
export interface RouteAdvisor {
  decide(text: string, local: RouteDecision, context?: RoutingContext): Promise<RoutingVerdict>;
}

export interface ModelRouterOptions {
  apiKey: string;
  baseURL?: string;
  /** A small fast model (DISPATCH_ROUTER_MODEL). */
  model: string;
  /** Past this the local verdict stands (DISPATCH_ROUTER_TIMEOUT_MS, default 1,500). */
  timeoutMs?: number;
}

// The model answers in a sentence or a code fence sometimes: the first object in its text counts.
const ANSWER = /\{[\s\S]*\}/;
const AnswerSchema = z.object({
  route: z.enum(['code', 'cowork']),
  reason: z.string().trim().min(1).max(300),
  repo: z.string().max(200).nullish(),
});
const MAX_PROMPT_TEXT = 4_000;
const MAX_REPOS_NAMED = 50;

const SYSTEM = [
  'You route chat messages for Dispatch, a bot that runs coding sessions on the user\'s machine.',
  '"code": work on the user\'s code or repositories: write, fix, test, build, review, explain, refactor, release or',
  'upgrade code, dependencies, git, CI, generated code, formatting. "cowork": everything else: writing, email,',
  'research, spreadsheets, planning, general questions (including questions about technology that need no code).',
  'Answer with one JSON object only: {"route":"code"|"cowork","reason":"<at most 12 words>","repo":"<one of the',
  'repositories listed, or null>"}.',
].join(' ');

/**
 * Routes with a small fast model, the way Claude in Slack does, with the local router as
 * the floor: the "open a Code session" override is never asked about, and when the model
 * is slow, fails or answers something other than the JSON asked for, the local verdict
 * stands. The decision's reason says which of the two decided.
 */
export class ModelRouter implements RouteAdvisor {
  private readonly client: Anthropic;
  private readonly timeoutMs: number;

  constructor(
    private readonly options: ModelRouterOptions,
    private readonly logger: Logger,
  ) {
    // No retries: a second try would only blow the time budget.
    this.client = new Anthropic({ apiKey: options.apiKey, ...(options.baseURL ? { baseURL: options.baseURL } : {}), maxRetries: 0 });
    this.timeoutMs = options.timeoutMs ?? 1_500;
  }

  async decide(text: string, local: RouteDecision, context?: RoutingContext): Promise<RoutingVerdict> {
    if (local.forced) return { decision: local, decidedBy: 'local' };
    const started = Date.now();
    let answer: z.infer<typeof AnswerSchema>;
    try {
      const parsed = AnswerSchema.safeParse(this.firstObject(await this.ask(text, context)));
      if (!parsed.success) return this.fallback(local, 'the model did not answer with the JSON asked for');
      answer = parsed.data;
    } catch (error) {
      if (error instanceof TimedOut) return this.fallback(local, `the model took over ${formatSeconds(this.timeoutMs)}`);
      this.logger.warn('model routing failed; the local router decides', { error: error instanceof Error ? error.message : String(error) });
      return this.fallback(local, 'the model could not be reached');
    }
    this.logger.debug('model routed', { route: answer.route, ms: Date.now() - started });
    const repo = local.repoHint ?? knownRepo(answer.repo, context);
    const decision: RouteDecision = {
      route: answer.route,
      forced: false,
      reason: `${answer.reason.replace(/[.\s]+$/, '')} (decided by ${this.options.model})`,
      task: local.task,
      ...(repo ? { repoHint: repo } : {}),
    };
    return { decision, decidedBy: 'model' };
  }

  private async ask(text: string, context: RoutingContext | undefined): Promise<string> {
    const names = (context?.repos ?? []).slice(0, MAX_REPOS_NAMED).map((repo) => repo.name);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    try {
      const response = await this.client.messages.create(
        {
          model: this.options.model,
          max_tokens: 120,
          system: `${SYSTEM} The user's repositories: ${names.length > 0 ? names.join(', ') : '(none known)'}.`,
          messages: [{ role: 'user', content: text.slice(0, MAX_PROMPT_TEXT) }],
        },
        { signal: controller.signal, timeout: this.timeoutMs + 500, maxRetries: 0 },
      );
      return response.content
        .filter((block): block is Anthropic.TextBlock => block.type === 'text')
        .map((block) => block.text)
        .join('\n');
    } catch (error) {
      throw timedOut ? new TimedOut() : error;
    } finally {
      clearTimeout(timer);
    }
  }

  private firstObject(text: string): unknown {
    const found = ANSWER.exec(text)?.[0];
    if (!found) return undefined;
    try {
      return JSON.parse(found);
    } catch {
      return undefined;
    }
  }

  private fallback(local: RouteDecision, why: string): RoutingVerdict {
    return { decision: { ...local, reason: `${local.reason} (local router: ${why})` }, decidedBy: 'local' };
  }
}

class TimedOut extends Error {}

/** The model's repository, only when it is one of the machine's (a made-up name is no hint). */
function knownRepo(name: string | null | undefined, context: RoutingContext | undefined): string | undefined {
  if (!name) return undefined;
  const wanted = name.toLowerCase();
  return context?.repos.find((repo) => repo.name.toLowerCase() === wanted)?.name;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1_000).toFixed(2))} s`;
}
