import type { Clock } from '../../shared/clock.js';
import { DispatchError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { ApprovalDecision, ApprovalRequest, Grant } from '../../shared/sessions.js';
import type { ApprovalGate, ApprovalVerdict, ToolCall } from './agents/agent.js';
import { GrantBook, type GrantHolder } from './grants.js';

const MINUTE_MS = 60_000;

/** Read-only tools of any backend (Claude: Read/Grep/Glob/LS; generic: read/search/list). */
const SAFE_TOOLS = new Set(['read', 'view', 'search', 'grep', 'glob', 'list', 'ls']);
const SHELL_TOOLS = new Set(['shell', 'bash', 'exec', 'command']);
const SAFE_GIT = new Set(['status', 'diff', 'log']);
/** Options that make an otherwise read-only git command write files or run programs. */
const UNSAFE_GIT_OPTION = /^(--output|--ext-diff|--textconv|-o)/;

/** `npm.cmd`, `C:\x\git.exe`, `/usr/bin/git` → `npm`, `git`, `git`. */
export function programName(program: string): string {
  const base = program.split(/[\\/]/).pop() ?? program;
  return base.toLowerCase().replace(/\.(exe|cmd|bat)$/, '');
}

/** Whether a call runs without asking: read-only tools, and git status/diff/log. */
export function isSafeCall(call: ToolCall): boolean {
  const tool = call.tool.toLowerCase();
  if (SAFE_TOOLS.has(tool)) return true;
  if (!SHELL_TOOLS.has(tool) || !call.command) return false;
  const [program, sub, ...rest] = call.command;
  if (!program || programName(program) !== 'git' || !sub || !SAFE_GIT.has(sub)) return false;
  return !rest.some((arg) => UNSAFE_GIT_OPTION.test(arg));
}

/** What a grant covers: the tool, and for commands the program and its first argument. */
export function scopeOf(call: ToolCall): string {
  if (!call.command || call.command.length === 0) return call.tool;
  const [program = '', first] = call.command;
  return [call.tool, programName(program), first].filter((part) => part !== undefined && part !== '').join(' ');
}

function requestOf(call: ToolCall, scope: string): ApprovalRequest {
  return {
    requestId: newId(),
    tool: call.tool,
    summary: call.summary.slice(0, 2_000),
    ...(call.command ? { command: call.command.slice(0, 200).map((arg) => arg.slice(0, 4_000)) } : {}),
    scope,
  };
}

export interface ApprovalPolicyOptions {
  clock: Clock;
  /** Default length of an `approve_for` grant without `minutes`. */
  ttlMinutes: number;
  /** A reminder is emitted every this many minutes (by `clock`) while a request waits. */
  remindMinutes: number;
  /** How often (real ms) the reminder loop looks at the clock; tests shorten it. */
  pollMs?: number;
  onRequested(request: ApprovalRequest): void;
  onReminder(requestId: string): void;
  onResolved(decision: ApprovalDecision, request: ApprovalRequest): void;
  /**
   * The machine's grant book and whose this session is: an "approve for N minutes" then
   * covers this person's later sessions in the same repository too. Absent: the grants
   * live and die with this policy (one session).
   */
  grants?: { book: GrantBook; holder: GrantHolder };
  /** A grant let a call run without asking, the first time in this session for that grant. */
  onGranted?(request: ApprovalRequest, grant: Grant): void;
}

interface Pending {
  request: ApprovalRequest;
  nextReminderAt: number;
  settle: (verdict: ApprovalVerdict) => void;
}

/**
 * One session's approvals: the safe list, the grants people gave (scoped, expiring by
 * the injected clock, kept in the machine's grant book), and the requests waiting for an
 * answer. A waiting request never times out and is never approved by anything but a decision.
 * The book is read afresh at each check (a small file): another session's grant, or one
 * given before a restart, counts at once. Approval checks are per tool call, not per message.
 */
export class ApprovalPolicy implements ApprovalGate {
  private readonly book: GrantBook;
  private readonly holder: GrantHolder;
  /** Grants this session has been told of (or gave): an auto-approval is said once per grant. */
  private readonly told = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly resolved = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ApprovalPolicyOptions) {
    this.book = options.grants?.book ?? new GrantBook(options.clock);
    this.holder = options.grants?.holder ?? { person: 'this session', repo: 'this session' };
  }

  check(call: ToolCall, signal?: AbortSignal): Promise<ApprovalVerdict> {
    if (isSafeCall(call)) return Promise.resolve({ allowed: true, how: 'safe' });
    const scope = scopeOf(call).slice(0, 500); // the length a request's scope may have
    const grant = this.book.find(this.holder, scope);
    if (grant) {
      if (!this.told.has(grant.grantId)) {
        this.told.add(grant.grantId);
        this.options.onGranted?.(requestOf(call, scope), grant);
      }
      return Promise.resolve({ allowed: true, how: 'grant' });
    }
    if (signal?.aborted) return Promise.reject(new DispatchError('cancelled', 'Cancelled while asking for approval'));
    const request = requestOf(call, scope);
    return new Promise<ApprovalVerdict>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(request.requestId);
        this.resolved.add(request.requestId);
        this.syncTimer();
        reject(new DispatchError('cancelled', 'Cancelled while waiting for approval'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(request.requestId, {
        request,
        nextReminderAt: this.options.clock.now() + this.options.remindMinutes * MINUTE_MS,
        settle: (verdict) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(verdict);
        },
      });
      this.syncTimer();
      this.options.onRequested(request);
    });
  }

  /**
   * Applies a person's decision. `duplicate` for a request already answered (a second
   * button press), `unknown` for a request this session never made.
   */
  decide(decision: ApprovalDecision): 'resolved' | 'duplicate' | 'unknown' {
    const waiting = this.pending.get(decision.requestId);
    if (!waiting) return this.resolved.has(decision.requestId) ? 'duplicate' : 'unknown';
    this.pending.delete(decision.requestId);
    this.resolved.add(decision.requestId);
    this.syncTimer();
    if (decision.decision === 'approve_for') {
      const minutes = decision.minutes ?? this.options.ttlMinutes;
      const now = this.options.clock.now();
      const grantId = waiting.request.requestId;
      this.told.add(grantId);
      const by = decision.decidedBy ? { by: decision.decidedBy } : {};
      this.book.add(this.holder, { grantId, scope: waiting.request.scope, grantedAt: now, expiresAt: now + minutes * MINUTE_MS, ...by });
    }
    this.options.onResolved(decision, waiting.request);
    waiting.settle(
      decision.decision === 'deny'
        ? { allowed: false, reason: decision.reason?.trim() || 'Denied without a reason' }
        : { allowed: true, how: decision.decision === 'approve_for' ? 'grant' : 'once' },
    );
    return 'resolved';
  }

  /** Ends one of this session's person's grants early; the next such call asks again. */
  endGrant(grantId: string): Grant | undefined {
    return this.book.end(grantId, this.holder.person);
  }

  /** Requests waiting for a decision, oldest first. */
  waiting(): ApprovalRequest[] {
    return [...this.pending.values()].map((entry) => entry.request);
  }

  /** Emits the reminders that are due by the clock. Called by the poll loop; tests may call it. */
  tick(): void {
    const now = this.options.clock.now();
    const interval = this.options.remindMinutes * MINUTE_MS;
    for (const entry of this.pending.values()) {
      if (now < entry.nextReminderAt) continue;
      // One reminder per tick even if the clock jumped several intervals: no burst of pings.
      entry.nextReminderAt = now + interval;
      this.options.onReminder(entry.request.requestId);
    }
  }

  /** Stops the reminder loop. Waiting checks stay unresolved; their signals end them. */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private syncTimer(): void {
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setInterval(() => this.tick(), this.options.pollMs ?? 1_000);
      this.timer.unref();
    } else if (this.pending.size === 0) {
      this.dispose();
    }
  }
}
