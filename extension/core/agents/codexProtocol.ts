import { z } from 'zod';

/**
 * The part of the `codex app-server` protocol (JSON-RPC v2 over JSONL stdio) this
 * runner speaks. Only the fields we read are described; everything else passes through,
 * so a newer codex that adds fields still validates.
 */
export const CodexMethod = {
  initialize: 'initialize',
  initialized: 'initialized',
  threadStart: 'thread/start',
  threadResume: 'thread/resume',
  turnStart: 'turn/start',
  turnInterrupt: 'turn/interrupt',
  turnSteer: 'turn/steer',
  itemStarted: 'item/started',
  itemCompleted: 'item/completed',
  turnCompleted: 'turn/completed',
  error: 'error',
  commandApproval: 'item/commandExecution/requestApproval',
  fileChangeApproval: 'item/fileChange/requestApproval',
} as const;

/**
 * Ask before anything but known read-only commands (`untrusted`), inside a sandbox that
 * may write only the session's worktree: the runner's policy then decides what it asks
 * a person (safe list, grants), the way it does for every backend.
 */
export const THREAD_POLICY = { approvalPolicy: 'untrusted', sandbox: 'workspace-write' } as const;

export const ThreadResponseSchema = z.looseObject({ thread: z.looseObject({ id: z.string().min(1) }) });
export const TurnResponseSchema = z.looseObject({ turn: z.looseObject({ id: z.string().min(1) }) });

export const ItemSchema = z.looseObject({ type: z.string(), id: z.string() });
export type CodexItem = z.infer<typeof ItemSchema>;
export const ItemNotificationSchema = z.looseObject({ item: ItemSchema });

export const TurnCompletedSchema = z.looseObject({
  turn: z.looseObject({
    id: z.string(),
    status: z.string(),
    error: z.looseObject({ message: z.string() }).nullish(),
  }),
});

export const ErrorNotificationSchema = z.looseObject({ error: z.looseObject({ message: z.string() }) });

export const CommandApprovalSchema = z.looseObject({
  threadId: z.string(),
  turnId: z.string(),
  itemId: z.string(),
  command: z.string().nullish(),
  cwd: z.string().nullish(),
  reason: z.string().nullish(),
});

export const FileChangeApprovalSchema = z.looseObject({
  threadId: z.string(),
  turnId: z.string(),
  itemId: z.string(),
  reason: z.string().nullish(),
  grantRoot: z.string().nullish(),
});

/** What an approval request is answered with. */
export type ApprovalAnswer = { decision: 'accept' | 'decline' | 'cancel' };
