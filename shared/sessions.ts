import { z } from 'zod';

/**
 * A session's life: `queued → preparing → running ⇄ waiting_for_approval →
 * completed | failed | cancelled | interrupted`. A follow-up sends a finished session
 * back to `queued` in the same worktree.
 */
export const SESSION_STATES = [
  'queued',
  'preparing',
  'running',
  'waiting_for_approval',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export const SessionStateSchema = z.enum(SESSION_STATES);
/** One state of a session. */
export type SessionState = z.infer<typeof SessionStateSchema>;

/** States after which nothing runs until a follow-up. */
export const FINAL_STATES: readonly SessionState[] = ['completed', 'failed', 'cancelled', 'interrupted'];

/** True when the session has stopped running. */
export function isFinal(state: SessionState): boolean {
  return FINAL_STATES.includes(state);
}

const NEXT: Record<SessionState, readonly SessionState[]> = {
  queued: ['preparing', 'cancelled', 'interrupted', 'failed'],
  preparing: ['running', 'failed', 'cancelled', 'interrupted'],
  running: ['waiting_for_approval', 'completed', 'failed', 'cancelled', 'interrupted'],
  waiting_for_approval: ['running', 'failed', 'cancelled', 'interrupted'],
  completed: ['queued'],
  failed: ['queued'],
  cancelled: ['queued'],
  interrupted: ['queued'],
};

/** Whether the state machine allows `from → to`. */
export function canTransition(from: SessionState, to: SessionState): boolean {
  return NEXT[from].includes(to);
}

/** Who asked, from which chat. Platform + user id is the chat identity. */
export const RequesterSchema = z.object({
  platform: z.enum(['slack', 'discord', 'web', 'cli', 'editor']),
  userId: z.string().min(1).max(200),
  displayName: z.string().max(200).optional(),
});
export type Requester = z.infer<typeof RequesterSchema>;

/** The largest task text accepted anywhere (bytes of UTF-16 code units). */
export const MAX_TASK_LENGTH = 20_000;

/** A coding job as the bridge hands it to a runner. The session id is the job id. */
export const JobSpecSchema = z.object({
  jobId: z.string().min(1).max(100),
  task: z.string().min(1).max(MAX_TASK_LENGTH),
  repo: z.string().min(1).max(200).optional(),
  agent: z.string().min(1).max(50).optional(),
  requestedBy: RequesterSchema,
  createdAt: z.number().int().nonnegative(),
});
export type JobSpec = z.infer<typeof JobSpecSchema>;

/** What an agent asks permission for. `scope` is what a grant covers (tool + program + first argument). */
export const ApprovalRequestSchema = z.object({
  requestId: z.string().min(1).max(100),
  tool: z.string().min(1).max(200),
  summary: z.string().max(2_000),
  command: z.array(z.string().max(4_000)).max(200).optional(),
  scope: z.string().min(1).max(500),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;

/** A person's answer to an approval request. */
export const ApprovalDecisionSchema = z.object({
  requestId: z.string().min(1).max(100),
  decision: z.enum(['approve_once', 'approve_for', 'deny']),
  /** With `approve_for`: how long the grant lasts. */
  minutes: z.number().int().positive().max(24 * 60).optional(),
  reason: z.string().max(2_000).optional(),
  decidedBy: z.string().max(200).optional(),
});
export type ApprovalDecision = z.infer<typeof ApprovalDecisionSchema>;

/**
 * A standing "approve for N minutes" as the machine keeps it. It covers one kind of call
 * (`scope`), for the person who asked for the session it was given in, in that repository on
 * that machine, until `expiresAt`: later sessions of that person there use it too. Its id is
 * the id of the request it was given on, so a chat can offer "End grant" at once.
 */
export const GrantSchema = z.object({
  grantId: z.string().min(1).max(100),
  scope: z.string().min(1).max(500),
  grantedAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
  /** Who pressed, as the decision said (`slack:U1`). */
  by: z.string().max(200).optional(),
});
export type Grant = z.infer<typeof GrantSchema>;

export const FileChangeSchema = z.object({
  path: z.string(),
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
});
export type FileChange = z.infer<typeof FileChangeSchema>;

export const TestOutcomeSchema = z.object({
  command: z.string(),
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative().optional(),
  failures: z.array(z.string()).max(200),
});
export type TestOutcome = z.infer<typeof TestOutcomeSchema>;

/**
 * Whether a finished session's branch can be shipped: how many commits it has of its own
 * (ahead of its base), and the remote a push would go to (absent: the repository has none).
 */
export const ShipReadinessSchema = z.object({
  commits: z.number().int().nonnegative(),
  remote: z.string().min(1).max(200).optional(),
});
export type ShipReadiness = z.infer<typeof ShipReadinessSchema>;

/** A pull request (GitHub) or merge request (GitLab) a session's branch is in. */
export const PullRequestSchema = z.object({
  number: z.number().int().positive(),
  url: z.string().url().max(2_000),
  draft: z.boolean(),
  /** It existed already: the forge refused a second one for the branch, and this is that one. */
  existing: z.boolean(),
});
export type PullRequest = z.infer<typeof PullRequestSchema>;

/** What shipping did: the branch pushed (never forced) and, when asked and possible, the pull request. */
export const ShippedSchema = z.object({
  branch: z.string().min(1).max(300),
  remote: z.string().min(1).max(200),
  /** The commit the remote branch now points to. */
  commit: z.string().regex(/^[0-9a-f]{7,64}$/),
  at: z.number().int().nonnegative(),
  /** Who pressed (or asked), as the chat shows them. */
  by: z.string().max(200),
  /** `github:owner/name` or `gitlab:group/name`, when known. */
  forge: z.string().max(300).optional(),
  pullRequest: PullRequestSchema.optional(),
  /** The forge's page to open the pull request by hand (no token, or the API refused). */
  compareUrl: z.string().url().max(2_000).optional(),
});
export type Shipped = z.infer<typeof ShippedSchema>;

/** What a finished session reports. */
export const SessionResultSchema = z.object({
  summary: z.string().max(20_000),
  filesChanged: z.array(FileChangeSchema),
  diffstat: z.string().max(20_000),
  branch: z.string(),
  baseCommit: z.string(),
  worktree: z.string(),
  /** Working time of the turn: time spent waiting for a person is not in it (see `waitingMs`). */
  durationMs: z.number().nonnegative(),
  /** Time the turn spent waiting for a person's approval, when there was any to speak of. */
  waitingMs: z.number().nonnegative().optional(),
  tests: TestOutcomeSchema.optional(),
  costUsd: z.number().nonnegative().optional(),
  error: z.string().max(20_000).optional(),
  logFile: z.string().optional(),
  /** A check the agent can run instead of a task it refused; the chat offers it as a button. */
  instead: z.enum(['test', 'lint', 'build']).optional(),
  /** Commits of its own and a push remote: the chat offers Push branch / Open pull request. */
  ship: ShipReadinessSchema.optional(),
  /** The branch was pushed (and the pull request opened): the session keeps it across follow-ups. */
  shipped: ShippedSchema.optional(),
});
export type SessionResult = z.infer<typeof SessionResultSchema>;

const eventBase = {
  sessionId: z.string().min(1).max(100),
  /** Per-session sequence number, from 1, no gaps. */
  seq: z.number().int().positive(),
  at: z.number().int().nonnegative(),
};

/** Everything a session reports, in order. Receivers dedupe by (sessionId, seq). */
export const SessionEventSchema = z.discriminatedUnion('kind', [
  z.object({ ...eventBase, kind: z.literal('state'), state: SessionStateSchema, message: z.string().max(4_000).optional() }),
  z.object({
    ...eventBase,
    kind: z.literal('workspace'),
    repo: z.string(),
    branch: z.string(),
    worktree: z.string(),
    baseCommit: z.string(),
    agent: z.string(),
  }),
  z.object({ ...eventBase, kind: z.literal('progress'), text: z.string().max(4_000) }),
  z.object({ ...eventBase, kind: z.literal('approval_requested'), request: ApprovalRequestSchema }),
  z.object({ ...eventBase, kind: z.literal('approval_reminder'), requestId: z.string() }),
  z.object({ ...eventBase, kind: z.literal('approval_resolved'), decision: ApprovalDecisionSchema }),
  /** A call ran without asking because a grant covered it (told once per session and grant). */
  z.object({ ...eventBase, kind: z.literal('approval_granted'), request: ApprovalRequestSchema, grant: GrantSchema }),
  z.object({ ...eventBase, kind: z.literal('result'), result: SessionResultSchema }),
]);
export type SessionEvent = z.infer<typeof SessionEventSchema>;
export type SessionEventKind = SessionEvent['kind'];

/** A session as a runner currently sees it (for lists, resync and the editor). */
export const SessionSnapshotSchema = z.object({
  sessionId: z.string(),
  job: JobSpecSchema,
  state: SessionStateSchema,
  repo: z.string().optional(),
  branch: z.string().optional(),
  worktree: z.string().optional(),
  baseCommit: z.string().optional(),
  agent: z.string().optional(),
  lastSeq: z.number().int().nonnegative(),
  pendingApprovals: z.array(ApprovalRequestSchema),
  result: SessionResultSchema.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type SessionSnapshot = z.infer<typeof SessionSnapshotSchema>;
