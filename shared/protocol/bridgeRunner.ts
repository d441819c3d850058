import { z } from 'zod';
import {
  ApprovalDecisionSchema,
  JobSpecSchema,
  SessionEventSchema,
  SessionSnapshotSchema,
  SessionStateSchema,
  ShippedSchema,
} from '../sessions.js';
import { RepoVocabularySchema } from '../routing/context.js';

/**
 * The machine link: a runner dials the bridge over WebSocket (`/runner`, a token in the
 * `Authorization: Bearer` header of the upgrade) and both sides speak JSON-RPC 2.0.
 * The token is the machine's own credential, or — the first time only — the shared
 * registration token (DISPATCH_RUNNER_TOKEN), in which case the hello's answer carries
 * the new machine's credential. A connection speaks only for its one machine.
 * Delivery is at-least-once; every receipt is idempotent (jobs by id, events by
 * session + seq). Both ends ping; a link silent past its dead time is closed.
 */
export const PROTOCOL_VERSION = 1;

/** Path of the WebSocket endpoint on the bridge's HTTP server. */
export const RUNNER_PATH = '/runner';

/** The largest frame either end takes; bigger ones close the link with a readable reason. */
export const MAX_LINK_FRAME_BYTES = 512 * 1024;

/** Liveness defaults: a ping this often, and a link that answered nothing for this long is dead. */
export const LINK_PING_MS = 15_000;
export const LINK_DEAD_MS = 30_000;

/** WebSocket close codes the bridge uses so the runner can tell people what happened. */
export const LinkClose = {
  /** A newer connection of the same machine took over. */
  replaced: 4000,
  /** The machine's credential was revoked on the bridge. */
  revoked: 4003,
  /** Nothing came back within the dead time. */
  silent: 4008,
} as const;

/** HTTP status of the upgrade when the credential was revoked (401 means an unknown token). */
export const REVOKED_STATUS = 403;

const RepoNameSchema = z.string().min(1).max(200);
/**
 * A repository of the machine. `vocabulary` (optional, bounded): the names in its code the
 * router leans on; absent means "unchanged" (the bridge keeps what it last stored).
 */
const RepoInfoSchema = z.object({ name: RepoNameSchema, default: z.boolean(), vocabulary: RepoVocabularySchema.optional() });
const SessionSummarySchema = z.object({
  sessionId: z.string().min(1).max(100),
  state: SessionStateSchema,
  lastSeq: z.number().int().nonnegative(),
});

const Ok = z.object({ ok: z.literal(true) });

/** Runner → bridge requests. */
export const runnerToBridge = {
  /** First message after the socket opens: who this machine is. */
  'machine/hello': {
    params: z.object({
      protocolVersion: z.number().int(),
      machineId: z.string().min(1).max(100),
      machineName: z.string().min(1).max(100),
      platform: z.string().max(50),
      agent: z.string().max(50),
      repos: z.array(RepoInfoSchema).max(200),
      /** `pairing`: a short-lived connection that only asks for a pairing code. */
      role: z.enum(['runner', 'pairing']).default('runner'),
    }),
    /**
     * `paired`: whether any chat user is paired with this machine yet. `credential`: given
     * once, when the machine registered with the registration token; keep it (0600) and
     * present it instead of the registration token from then on.
     */
    result: z.object({ bridgeVersion: z.string(), protocolVersion: z.number().int(), paired: z.boolean(), credential: z.string().min(32).max(200).optional() }),
  },
  /**
   * After hello: what the runner has. The bridge answers with jobs it still has to take
   * (current bridges answer none here and offer each with `job/offer`, so refusals get an answer).
   */
  'machine/resync': {
    params: z.object({ sessions: z.array(SessionSummarySchema).max(10_000) }),
    result: z.object({ offers: z.array(JobSpecSchema) }),
  },
  /** Session events in order; the answer acknowledges each session through a seq. */
  'session/events': {
    params: z.object({ events: z.array(SessionEventSchema).min(1).max(1_000) }),
    result: z.object({
      acked: z.array(z.object({ sessionId: z.string(), throughSeq: z.number().int().nonnegative() })),
    }),
  },
  /**
   * A repository's vocabulary changed (built after the hello, or rebuilt): each entry names
   * a repository of the last hello and carries its new vocabulary. Over-size or unknown
   * repositories are refused as a whole, and nothing is stored.
   */
  'machine/didUpdateRepos': {
    params: z.object({ repos: z.array(z.object({ name: RepoNameSchema, vocabulary: RepoVocabularySchema })).min(1).max(200) }),
    result: Ok,
  },
  /** A one-time pairing code for this machine (shown by `dispatch pair` and the editor). */
  'pairing/create': {
    params: z.object({}),
    result: z.object({ code: z.string().regex(/^\d{6}$/), expiresAt: z.number() }),
  },
} as const;

/** Bridge → runner requests. */
export const bridgeToRunner = {
  /** Take this job (idempotent per job id). */
  'job/offer': {
    params: z.object({ job: JobSpecSchema }),
    /** `code`: the DispatchError code of a refusal, so the bridge can say what to do. */
    result: z.object({ accepted: z.boolean(), error: z.string().optional(), code: z.string().max(50).optional(), snapshot: SessionSnapshotSchema.optional() }),
  },
  'approval/decide': {
    params: z.object({ sessionId: z.string().min(1).max(100), decision: ApprovalDecisionSchema }),
    result: Ok,
  },
  'session/cancel': {
    params: z.object({ sessionId: z.string().min(1).max(100) }),
    result: Ok,
  },
  /**
   * "End grant" pressed: the grant `grantId` of the person whose session this is ends now,
   * in every session it covered. `ended: false` when it had expired or was ended already.
   */
  'approval/endGrant': {
    params: z.object({ sessionId: z.string().min(1).max(100), grantId: z.string().min(1).max(100) }),
    result: z.object({ ended: z.boolean() }),
  },
  /** Someone paired with (or unpaired from) this machine in a chat. */
  'machine/didChange': {
    /** `notice`: something the machine's owner should know (pairing paused on the bridge); the runner logs it. */
    params: z.object({ paired: z.boolean(), notice: z.string().max(1_000).optional() }),
    result: Ok,
  },
  'session/followUp': {
    params: z.object({ sessionId: z.string().min(1).max(100), text: z.string().min(1).max(20_000) }),
    result: Ok,
  },
  /**
   * Ship a finished session's own `dispatch/*` branch: push it (never forced) and, with
   * `action: 'pr'`, open a pull request from it. The bridge sends this only after the
   * requester (or an admin) pressed a button: the press is the approval. The forge token
   * never leaves the machine; `threadUrl` and `requester` go into the pull request's body.
   * A failure (no remote, rejected push, API error) comes back as an error whose message
   * is for the thread; `shipped.compareUrl` without `pullRequest` means "open it by hand".
   */
  'session/ship': {
    params: z.object({
      sessionId: z.string().min(1).max(100),
      action: z.enum(['push', 'pr']),
      draft: z.boolean().default(true),
      threadUrl: z.string().url().max(2_000).optional(),
      /** Who asked and from where: "Dispatched from Slack by @name". */
      requester: z.object({ platform: z.string().max(20), name: z.string().max(200) }),
    }),
    result: z.object({
      shipped: ShippedSchema,
      /** Why no pull request was opened although one was asked for (no token, API refused), for the thread. */
      notice: z.string().max(2_000).optional(),
    }),
  },
} as const;

export type RunnerToBridge = typeof runnerToBridge;
export type BridgeToRunner = typeof bridgeToRunner;
