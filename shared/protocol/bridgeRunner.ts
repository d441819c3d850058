import { z } from 'zod';
import {
  ApprovalDecisionSchema,
  JobSpecSchema,
  SessionEventSchema,
  SessionSnapshotSchema,
  SessionStateSchema,
} from '../sessions.js';
import { RepoVocabularySchema } from '../routing/context.js';

/**
 * The machine link: a runner dials the bridge over WebSocket (`/runner`, token in the
 * `Authorization: Bearer` header of the upgrade) and both sides speak JSON-RPC 2.0.
 * Delivery is at-least-once; every receipt is idempotent (jobs by id, events by
 * session + seq).
 */
export const PROTOCOL_VERSION = 1;

/** Path of the WebSocket endpoint on the bridge's HTTP server. */
export const RUNNER_PATH = '/runner';

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
    /** `paired`: whether any chat user is paired with this machine yet. */
    result: z.object({ bridgeVersion: z.string(), protocolVersion: z.number().int(), paired: z.boolean() }),
  },
  /** After hello: what the runner has. The bridge answers with jobs it still has to take. */
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
    result: z.object({ accepted: z.boolean(), error: z.string().optional(), snapshot: SessionSnapshotSchema.optional() }),
  },
  'approval/decide': {
    params: z.object({ sessionId: z.string().min(1).max(100), decision: ApprovalDecisionSchema }),
    result: Ok,
  },
  'session/cancel': {
    params: z.object({ sessionId: z.string().min(1).max(100) }),
    result: Ok,
  },
  /** Someone paired with (or unpaired from) this machine in a chat. */
  'machine/didChange': {
    params: z.object({ paired: z.boolean() }),
    result: Ok,
  },
  'session/followUp': {
    params: z.object({ sessionId: z.string().min(1).max(100), text: z.string().min(1).max(20_000) }),
    result: Ok,
  },
} as const;

export type RunnerToBridge = typeof runnerToBridge;
export type BridgeToRunner = typeof bridgeToRunner;
