import { z } from 'zod';
import { ApprovalDecisionSchema, SessionEventSchema, SessionSnapshotSchema, ShippedSchema } from '../sessions.js';

/**
 * The editor link: the VS Code extension starts the runner as a child process
 * (`dist/runner.cjs`, JSON-RPC over stdio, the way an editor starts a language server)
 * and speaks these custom methods only — no LSP features. The LSP `initialize`
 * handshake carries {@link RunnerInitOptions}; the runner token travels in the child's
 * environment (`DISPATCH_RUNNER_TOKEN`), never in settings or on the wire.
 */
export const EDITOR_PROTOCOL_VERSION = 1;

const SessionId = z.string().min(1).max(100);
const Ok = z.object({ ok: z.literal(true) });

/** A repository the editor asks the runner to serve; `name` defaults to the folder name. */
export const EditorRepositorySchema = z.object({
  name: z.string().min(1).max(200).optional(),
  path: z.string().min(1).max(4_096),
});
export type EditorRepository = z.infer<typeof EditorRepositorySchema>;

/** What the editor passes as `initializationOptions` (from the `dispatch.*` settings). */
export const RunnerInitOptionsSchema = z.object({
  protocolVersion: z.literal(EDITOR_PROTOCOL_VERSION),
  /** ws://, wss://, http:// or https://; empty means "no bridge" (the runner still serves the editor). */
  bridgeUrl: z.string().max(2_000).default(''),
  /** Overrides the host name the chat sees. */
  machineName: z.string().max(100).default(''),
  repositories: z.array(EditorRepositorySchema).max(200).default([]),
  /**
   * The repositories are the open workspace folders: folders that are not inside a git
   * repository are skipped (with a log line) instead of failing the runner.
   */
  repositoriesFromWorkspace: z.boolean().default(false),
  maxConcurrentSessions: z.number().int().min(1).max(64).default(2),
  approvalTtlMinutes: z.number().int().min(1).max(24 * 60).default(30),
  agent: z.string().regex(/^[a-z][a-z0-9_-]{0,49}$/).default('builtin'),
});
export type RunnerInitOptions = z.infer<typeof RunnerInitOptionsSchema>;

/**
 * The runner's link to the bridge as the editor shows it. `unconfigured`: no bridge URL
 * or no runner token; `unauthorized`: the bridge refused the token (the runner stops
 * retrying until it gets another); `disconnected`: the user chose Disconnect.
 */
export const LinkInfoSchema = z.object({
  status: z.enum(['online', 'connecting', 'offline', 'disconnected', 'unconfigured', 'unauthorized']),
  detail: z.string().max(2_000).optional(),
  machineId: z.string(),
  machineName: z.string(),
  bridgeUrl: z.string(),
  /** Whether any chat user is paired with this machine (known once online). */
  paired: z.boolean().optional(),
});
export type LinkInfo = z.infer<typeof LinkInfoSchema>;

/** One file that differs between a session's base commit and its worktree. */
export const ChangedFileSchema = z.object({
  path: z.string().min(1),
  status: z.enum(['added', 'modified', 'deleted']),
  added: z.number().int().nonnegative(),
  removed: z.number().int().nonnegative(),
});
export type ChangedFile = z.infer<typeof ChangedFileSchema>;

/** Editor → runner requests, as a map of `"area/verb"` to params and result. */
export const editorToRunner = {
  /** Every session the runner's journal knows, oldest first. */
  'sessions/list': {
    params: z.object({}),
    result: z.object({ sessions: z.array(SessionSnapshotSchema) }),
  },
  /** The events this runner has seen for a session (the panel's log), oldest first. */
  'session/history': {
    params: z.object({ sessionId: SessionId }),
    result: z.object({ events: z.array(SessionEventSchema) }),
  },
  /** Approve once, approve for N minutes, or deny a pending request. */
  'approval/decide': {
    params: z.object({ sessionId: SessionId, decision: ApprovalDecisionSchema }),
    result: Ok,
  },
  'session/cancel': {
    params: z.object({ sessionId: SessionId }),
    result: Ok,
  },
  /**
   * The session's worktree (committed and uncommitted work) against its base commit; once
   * the worktree was pruned, its branch against the base (`source: 'branch'`) while the
   * branch exists.
   */
  'session/changes': {
    params: z.object({ sessionId: SessionId }),
    result: z.object({ worktree: z.string(), baseCommit: z.string(), files: z.array(ChangedFileSchema).max(5_000), source: z.enum(['worktree', 'branch']).default('worktree') }),
  },
  /**
   * A file's content at the session's base commit (`ref: 'base'`) or at the tip of its
   * branch (`ref: 'branch'`); `null` when it did not exist there.
   */
  'session/baseFile': {
    params: z.object({ sessionId: SessionId, path: z.string().min(1).max(4_096), ref: z.enum(['base', 'branch']).optional() }),
    result: z.object({ content: z.string().nullable() }),
  },
  /**
   * Push a finished session's own `dispatch/*` branch (never forced) and, with
   * `action: 'pr'`, open its pull request — the runner's `ship`, as the bridge's
   * `session/ship` does. The press in the editor is the approval; the requester is the
   * local user of the editor. A refusal (no remote, rejected push) is an error whose
   * message is for the user; `notice` says why no pull request came of an `action: 'pr'`.
   */
  'session/ship': {
    params: z.object({ sessionId: SessionId, action: z.enum(['push', 'pr']), draft: z.boolean().default(true) }),
    result: z.object({ shipped: ShippedSchema, notice: z.string().max(2_000).optional() }),
  },
  /** Where the runner keeps its journal (DISPATCH_HOME): `dispatch attach` in a terminal reads the same. */
  'runner/info': {
    params: z.object({}),
    result: z.object({ home: z.string().min(1).max(4_096) }),
  },
  /** A one-time code to send the bot as `pair CODE` (needs the link online). */
  'pairing/create': {
    params: z.object({}),
    result: z.object({ code: z.string().regex(/^\d{6}$/), expiresAt: z.number(), machineName: z.string() }),
  },
  /** Removes finished sessions' worktrees older than `olderThanMs`; returns the removed folders. */
  'worktrees/prune': {
    params: z.object({ olderThanMs: z.number().int().nonnegative(), branches: z.boolean().default(false) }),
    result: z.object({ removed: z.array(z.string()) }),
  },
  'link/status': { params: z.object({}), result: LinkInfoSchema },
  /** (Re)connects to the bridge now, resetting the backoff. */
  'link/connect': { params: z.object({}), result: LinkInfoSchema },
  /** Drops the bridge link until `link/connect`; sessions keep running locally. */
  'link/disconnect': { params: z.object({}), result: LinkInfoSchema },
} as const;

/** Runner → editor notifications (past tense: something changed). */
export const runnerToEditorNotifications = {
  /** A session changed; `event` is what changed it. Receivers dedupe by (sessionId, seq). */
  'session/didChange': z.object({ session: SessionSnapshotSchema, event: SessionEventSchema }),
  'link/didChange': LinkInfoSchema,
} as const;

export type EditorToRunner = typeof editorToRunner;
export type RunnerToEditorNotifications = typeof runnerToEditorNotifications;
export type EditorNotification = keyof RunnerToEditorNotifications;
export type EditorNotificationParams<K extends EditorNotification> = z.infer<RunnerToEditorNotifications[K]>;
