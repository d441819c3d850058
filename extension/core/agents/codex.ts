import { setTimeout as sleep } from 'node:timers/promises';
import { createMessageConnection, type MessageConnection } from 'vscode-jsonrpc/node';
import type { z } from 'zod';
import type { Agent, AgentContext, AgentEvent, AgentOutcome, ToolCall } from './agent.js';
import { agentEnv } from './agentEnv.js';
import { AgentProcess } from './agentProcess.js';
import type { AgentSettings, SourceEnv } from './agentSettings.js';
import { CodexItems } from './codexItems.js';
import {
  CodexMethod,
  CommandApprovalSchema,
  ErrorNotificationSchema,
  FileChangeApprovalSchema,
  ItemNotificationSchema,
  THREAD_POLICY,
  ThreadResponseSchema,
  TurnCompletedSchema,
  TurnResponseSchema,
  type ApprovalAnswer,
} from './codexProtocol.js';
import { EventChannel } from './eventChannel.js';
import { OutputBuffer, tailExcerpt } from './excerpt.js';
import { resolveCodex } from './executables.js';
import { JsonLineMessageReader, JsonLineMessageWriter } from './jsonLines.js';

export interface CodexAgentOptions extends Pick<AgentSettings, 'codexPath' | 'passEnv'> {
  /** Where PATH, HOME and OPENAI_API_KEY come from; the agent's environment is built from it deliberately. */
  env?: SourceEnv;
}

export const CODEX_NOT_FOUND = 'Could not find `codex` on PATH: install the Codex CLI or set DISPATCH_CODEX_PATH.';

/** How long a courtesy request (interrupt, steer) may take before we stop waiting. */
const COURTESY_MS = 2_000;

function failed(summary: string, extra: Partial<AgentOutcome> = {}): AgentOutcome {
  return { status: 'failed', summary, error: summary, ...extra };
}

/**
 * The Codex backend: `codex app-server` over JSON-RPC on stdio. One turn is initialize →
 * `thread/start` (or `thread/resume` for a follow-up) in the worktree with approval
 * policy `untrusted` and a `workspace-write` sandbox → `turn/start`; item notifications
 * become progress, and every approval request goes through the runner's policy.
 */
export class CodexAgent implements Agent {
  readonly name = 'codex';
  private readonly source: SourceEnv;

  constructor(private readonly options: CodexAgentOptions = {}) {
    this.source = options.env ?? process.env;
  }

  run(context: AgentContext): AsyncIterable<AgentEvent> {
    const executable = resolveCodex(this.options.codexPath, this.source);
    if (!executable) {
      const what = this.options.codexPath ? `DISPATCH_CODEX_PATH (${this.options.codexPath}) is not an executable file.` : CODEX_NOT_FOUND;
      return (async function* () {
        yield { kind: 'outcome', outcome: { ...failed(what), commitChanges: false } } satisfies AgentEvent;
      })();
    }
    return new CodexTurn(executable, context, agentEnv('codex', this.source, this.options.passEnv)).run();
  }
}

/** One turn against one app-server process. */
class CodexTurn {
  private readonly channel = new EventChannel<AgentEvent>();
  private readonly items: CodexItems;
  private readonly stderr = new OutputBuffer(64 * 1024);
  private process: AgentProcess | undefined;
  private connection: MessageConnection | undefined;
  private threadId: string | undefined;
  private turnId: string | undefined;

  constructor(
    private readonly executable: string,
    private readonly context: AgentContext,
    private readonly env: Record<string, string>,
  ) {
    this.items = new CodexItems(context.worktree);
  }

  async *run(): AsyncIterable<AgentEvent> {
    if (this.context.signal.aborted) return;
    const onAbort = () => void this.cancel();
    this.context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      this.start();
      void this.drive().catch((error: unknown) => this.finish(failed(`Codex failed: ${(error as Error).message}${this.stderrTail()}`)));
      yield* this.channel;
    } finally {
      this.context.signal.removeEventListener('abort', onAbort);
      this.connection?.dispose();
      await this.process?.stop();
    }
  }

  private start(): void {
    const { context } = this;
    this.process = new AgentProcess(this.executable, ['app-server'], {
      cwd: context.worktree,
      env: this.env,
      onStderr: (text) => {
        this.stderr.append(text);
        context.log(text);
      },
    });
    const child = this.process.child;
    context.logger.debug('codex app-server started', { pid: this.process.pid, executable: this.executable });
    child.once('error', (error) => this.finish(failed(`Could not start ${this.executable}: ${error.message}`, { commitChanges: false })));
    child.once('close', (code, signal) => {
      // vscode-jsonrpc handles queued messages one per tick: let a final turn/completed land first.
      setTimeout(() => this.finish(failed(`codex app-server exited (${code ?? signal}) before the turn ended.${this.stderrTail()}`)), 250).unref();
    });
    const connection = createMessageConnection(
      new JsonLineMessageReader(child.stdout, (line) => context.log(`[codex stdout] ${line}\n`)),
      new JsonLineMessageWriter(child.stdin),
    );
    this.connection = connection;
    connection.onNotification((method, params) => this.notified(method, params));
    connection.onRequest(CodexMethod.commandApproval, (params: unknown) => this.commandApproval(params));
    connection.onRequest(CodexMethod.fileChangeApproval, (params: unknown) => this.fileChangeApproval(params));
    connection.onError(([error]) => {
      context.log(`[codex rpc] ${error.message}\n`);
      context.logger.warn('codex app-server protocol error', { error: error.message });
    });
    connection.listen();
  }

  /** The handshake, the thread and the turn; the outcome arrives with `turn/completed`. */
  private async drive(): Promise<void> {
    const { context } = this;
    await this.request(CodexMethod.initialize, { clientInfo: { name: 'dispatch', title: 'Dispatch', version: '0.1.0' } });
    await this.connection?.sendNotification(CodexMethod.initialized);
    const threadParams = { cwd: context.worktree, ...THREAD_POLICY };
    const thread = context.conversationId
      ? await this.request(CodexMethod.threadResume, { threadId: context.conversationId, ...threadParams }, ThreadResponseSchema)
      : await this.request(CodexMethod.threadStart, threadParams, ThreadResponseSchema);
    this.threadId = thread.thread.id;
    this.progress(context.conversationId ? `Resumed Codex thread ${this.threadId}.` : `Started Codex thread ${this.threadId}.`);
    const turn = await this.request(CodexMethod.turnStart, { threadId: this.threadId, input: [{ type: 'text', text: context.task }] }, TurnResponseSchema);
    this.turnId ??= turn.turn.id;
  }

  private async request<S extends z.ZodType>(method: string, params: object, schema?: S): Promise<z.infer<S>> {
    if (!this.connection) throw new Error('not connected');
    const raw: unknown = await this.connection.sendRequest(method, params);
    if (!schema) return raw as z.infer<S>;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new Error(`unexpected answer to ${method}`);
    return parsed.data;
  }

  private notified(method: string, params: unknown): void {
    this.context.log(`${JSON.stringify({ method, params })}\n`);
    if (method === CodexMethod.itemStarted || method === CodexMethod.itemCompleted) {
      const parsed = ItemNotificationSchema.safeParse(params);
      if (!parsed.success) return;
      const text = method === CodexMethod.itemStarted ? this.items.started(parsed.data.item) : this.items.completed(parsed.data.item);
      if (text) this.progress(text);
    } else if (method === CodexMethod.error) {
      const parsed = ErrorNotificationSchema.safeParse(params);
      if (parsed.success) this.progress(`Codex error: ${parsed.data.error.message}`);
    } else if (method === CodexMethod.turnCompleted) {
      const parsed = TurnCompletedSchema.safeParse(params);
      if (parsed.success) this.completed(parsed.data.turn);
    }
  }

  private completed(turn: { id: string; status: string; error?: { message: string } | null | undefined }): void {
    if (this.turnId && turn.id !== this.turnId) return;
    const conversation = this.threadId ? { conversationId: this.threadId } : {};
    if (turn.status === 'completed') {
      this.finish({ status: 'completed', summary: this.items.lastAgentMessage ?? 'Codex finished the turn.', ...conversation });
    } else {
      const why = turn.error?.message ?? (turn.status === 'interrupted' ? 'Codex interrupted the turn.' : `Codex ended the turn: ${turn.status}.`);
      this.finish(failed(why, conversation));
    }
  }

  private async commandApproval(params: unknown): Promise<ApprovalAnswer> {
    const parsed = CommandApprovalSchema.safeParse(params);
    if (!parsed.success) return { decision: 'decline' };
    return this.ask(this.items.commandCall(parsed.data.command, parsed.data.reason), parsed.data.turnId);
  }

  private async fileChangeApproval(params: unknown): Promise<ApprovalAnswer> {
    const parsed = FileChangeApprovalSchema.safeParse(params);
    if (!parsed.success) return { decision: 'decline' };
    return this.ask(this.items.fileCall(parsed.data.itemId, parsed.data.reason, parsed.data.grantRoot), parsed.data.turnId);
  }

  /**
   * Asks the runner's policy. A decline cannot carry text, so the person's reason is
   * first steered into the running turn: the agent learns why, not just "no".
   */
  private async ask(call: ToolCall, turnId: string): Promise<ApprovalAnswer> {
    let verdict;
    try {
      verdict = await this.context.approvals.check(call, this.context.signal);
    } catch {
      return { decision: 'cancel' };
    }
    if (verdict.allowed) return { decision: 'accept' };
    const steer = this.request(CodexMethod.turnSteer, {
      threadId: this.threadId,
      expectedTurnId: turnId,
      input: [{ type: 'text', text: `The user declined this (${call.summary}): ${verdict.reason}` }],
    }).catch((error: unknown) => this.context.log(`[codex] could not pass on the reason: ${(error as Error).message}\n`));
    await Promise.race([steer, sleep(COURTESY_MS, undefined, { ref: false })]);
    return { decision: 'decline' };
  }

  /** Cancel: ask codex to interrupt the turn (briefly), then end the process tree. */
  private async cancel(): Promise<void> {
    if (this.threadId && this.turnId && this.process?.running) {
      const interrupt = this.request(CodexMethod.turnInterrupt, { threadId: this.threadId, turnId: this.turnId }).catch(() => undefined);
      await Promise.race([interrupt, sleep(COURTESY_MS, undefined, { ref: false })]);
    }
    this.channel.end();
    this.process?.kill('SIGTERM');
  }

  private progress(text: string): void {
    this.channel.push({ kind: 'progress', text });
  }

  private finish(outcome: AgentOutcome): void {
    if (this.channel.isEnded || this.context.signal.aborted) return;
    this.channel.push({ kind: 'outcome', outcome });
    this.channel.end();
  }

  private stderrTail(): string {
    const tail = tailExcerpt(this.stderr.toString(), 8, 800);
    return tail ? `\n${tail}` : '';
  }
}
