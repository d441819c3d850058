import type { RepoVocabulary, RoutingRepo } from '../../shared/routing/context.js';
import type { ApprovalDecision, ApprovalRequest, JobSpec, SessionEvent, SessionResult, SessionState } from '../../shared/sessions.js';
import type { ChatUser, MessageRef, ThreadRef } from '../chat.js';
import type { WebChatHistory } from '../transports/web/webHistory.js';

/**
 * Everything the bridge must not lose, behind one interface: SQLite is the embedded
 * default; a PostgreSQL store can implement the same for teams. No SQL outside stores.
 * Every method is asynchronous (a networked database is), so a caller must not rely on
 * two calls happening in one tick: the operations that decide something once
 * (decideApproval, consumePairingCode, claimCoworkReply, recordEvents, credentials.issue)
 * are atomic in the store and say whether this caller won.
 */
export interface Store {
  readonly webMessages: WebChatHistory;
  /** Each machine's own credential (hashes only). */
  readonly credentials: CredentialStore;

  /** Stores a machine; its repositories' vocabularies are not part of it (see saveRepoVocabularies). */
  upsertMachine(machine: MachineRecord): Promise<void>;
  getMachine(id: string): Promise<MachineRecord | undefined>;
  /** Every machine the bridge knows, newest contact first, with its credential's state. */
  listMachines(): Promise<MachineListing[]>;
  touchMachine(id: string, lastSeenAt: number): Promise<void>;


  /**
   * Stores the vocabularies a runner sent (a repository sent without one keeps what is
   * stored) and drops those of repositories the machine no longer has.
   */
  saveRepoVocabularies(machineId: string, repos: ReadonlyArray<{ name: string; vocabulary?: RepoVocabulary }>, at: number): Promise<void>;
  /** The machine's repositories with their stored vocabularies: the router's context. */
  routingRepos(machineId: string): Promise<RoutingRepo[]>;

  /** Remembers a Cowork reply, so that "Run as a Code session" can start its text later (after a restart too). */
  saveCoworkReply(reply: CoworkReplyRecord): Promise<void>;
  getCoworkReply(id: string): Promise<CoworkReplyRecord | undefined>;
  /** Records that the reply was re-run as job `jobId`; false when it already was (as a job that exists). */
  claimCoworkReply(id: string, jobId: string): Promise<boolean>;

  createPairingCode(machineId: string, code: string, expiresAt: number): Promise<void>;
  /** Uses a code once: returns its machine if the code exists, is unused and unexpired. */
  consumePairingCode(code: string, now: number): Promise<string | undefined>;
  recordFailedPairing(user: ChatUser, at: number): Promise<void>;
  countFailedPairings(user: ChatUser, since: number): Promise<number>;
  /** When wrong codes were tried since `since`, by anyone, oldest first (the bridge-wide limit). */
  failedPairingTimes(since: number): Promise<number[]>;
  /** How many codes `machineId` has that expire at or after `expiringSince` (codes it made lately). */
  countPairingCodes(machineId: string, expiringSince: number): Promise<number>;

  /** Binds a chat identity to a machine; the first machine becomes the default. */
  addPairing(user: ChatUser, machineId: string, at: number): Promise<void>;
  removePairings(user: ChatUser): Promise<number>;
  pairings(user: ChatUser): Promise<PairingRecord[]>;
  /** How many chat identities are paired with a machine. */
  countPairings(machineId: string): Promise<number>;
  setDefaultMachine(user: ChatUser, machineId: string): Promise<void>;

  /** Writes a new job; durable when it returns. */
  createJob(job: JobRecord): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  findJobByThread(thread: ThreadRef): Promise<JobRecord | undefined>;
  /** Jobs of an owner whose id starts with `prefix` (what users type: "cancel 3f9a1c2e"). */
  findJobsByPrefix(owner: ChatUser, prefix: string): Promise<JobRecord[]>;
  listJobs(filter: JobFilter): Promise<JobRecord[]>;
  updateJob(id: string, patch: JobPatch): Promise<void>;

  /**
   * Stores session events once each (by job + seq) and folds them into the job's state,
   * in one transaction. Returns only the events that were new.
   */
  recordEvents(jobId: string, events: SessionEvent[]): Promise<SessionEvent[]>;
  /** Stored events not yet turned into chat messages (survives restarts). */
  unnotifiedEvents(limit: number): Promise<StoredEvent[]>;
  markNotified(jobId: string, seq: number): Promise<void>;
  /**
   * The notifier's claims, per job, so that with several bridges one tells a job's events,
   * in seq order, and edits its status message (bridge/notifyClaims.ts). A claim is a lease:
   * a dead bridge's claims expire and another takes them over. One bridge on SQLite holds
   * every claim, so these are trivial there.
   */
  claimJobsToNotify(bridgeId: string, limit: number, leaseMs: number, now: number): Promise<string[]>;
  holdNotifyClaim(bridgeId: string, jobId: string, leaseMs: number, now: number): Promise<boolean>;
  renewNotifyClaims(bridgeId: string, jobIds: string[], leaseMs: number, now: number): Promise<string[]>;
  releaseNotifyClaim(bridgeId: string, jobId: string): Promise<void>;
  /** A job's untold events, in seq order. */
  unnotifiedEventsOf(jobId: string, limit: number): Promise<SessionEvent[]>;
  events(jobId: string): Promise<SessionEvent[]>;

  /** Records a decision once; false when the request was already decided or is unknown. */
  decideApproval(jobId: string, requestId: string, decision: ApprovalDecision, at: number): Promise<boolean>;
  approval(jobId: string, requestId: string): Promise<ApprovalRecord | undefined>;
  /** Remembers the chat message that carries an approval request's buttons. */
  setApprovalMessage(jobId: string, requestId: string, messageId: string): Promise<void>;
  /** Requests of a job nobody has answered in the chat yet, with their messages. */
  unansweredApprovals(jobId: string): Promise<ApprovalRecord[]>;

  audit(entry: AuditEntry): Promise<void>;
  /** For /healthz: which engine, and whether a trivial query answers. */
  healthCheck(): Promise<{ engine: 'sqlite' | 'postgres'; ok: boolean }>;
  close(): Promise<void>;
}

export interface MachineRecord {
  id: string;
  name: string;
  platform: string;
  agent: string;
  repos: { name: string; default: boolean }[];
  lastSeenAt: number;
}

/** Machines' own credentials, kept as SHA-256 hashes. */
export interface CredentialStore {
  /**
   * Keeps a new machine's credential (its hash). A machine whose credential was issued but
   * never confirmed (the answer carrying it was lost) gets the new one instead; false when
   * the machine has a confirmed or revoked credential.
   */
  issue(machineId: string, secretHash: string, at: number): Promise<boolean>;
  /** The machine showed it holds its credential (used it, or spoke again after receiving it). */
  confirm(machineId: string, at: number): Promise<void>;
  /** The machine a credential hash belongs to, and whether it was revoked. */
  find(secretHash: string): Promise<{ machineId: string; revoked: boolean } | undefined>;
  state(machineId: string): Promise<CredentialState>;
  /** Revokes a machine's credential and drops its pairings; false when it had none to revoke. */
  revoke(machineId: string, at: number): Promise<boolean>;
}

/**
 * `none`: registered before credentials existed (or never); it registers once with the
 * registration token. `issued`: handed out, not yet confirmed by the machine.
 */
export type CredentialState = 'none' | 'issued' | 'active' | 'revoked';

export interface MachineListing extends MachineRecord {
  credential: CredentialState;
}

/** A message routed to Cowork and the answer it got, kept for the "Run as a Code session" button. */
export interface CoworkReplyRecord {
  id: string;
  owner: ChatUser;
  thread: ThreadRef;
  /** The message as the person wrote it (what a Code session would run). */
  text: string;
  /** What the bot answered (shown again when the button is pressed). */
  answer: string;
  /** The Code session it was re-run as, once pressed. */
  jobId?: string;
  createdAt: number;
}

export interface PairingRecord {
  machineId: string;
  isDefault: boolean;
  pairedAt: number;
}

/** Whether the runner has taken the job yet (`choosing_repo`: the user is picking a repository first). */
export type Delivery = 'choosing_repo' | 'waiting' | 'accepted' | 'rejected';

export interface JobRecord {
  id: string;
  owner: ChatUser;
  machineId: string;
  task: string;
  repo?: string;
  agent?: string;
  forced: boolean;
  routeReason: string;
  thread: ThreadRef;
  statusMessage?: MessageRef;
  delivery: Delivery;
  state: SessionState;
  branch?: string;
  worktree?: string;
  lastSeq: number;
  result?: SessionResult;
  pendingApprovals: ApprovalRequest[];
  createdAt: number;
  updatedAt: number;
}

export type JobPatch = Partial<Pick<JobRecord, 'statusMessage' | 'delivery' | 'state' | 'repo' | 'updatedAt'>>;

export interface JobFilter {
  owner?: ChatUser;
  machineId?: string;
  delivery?: Delivery;
  /** Only jobs whose session has not finished. */
  active?: boolean;
  limit?: number;
}

export interface StoredEvent {
  jobId: string;
  event: SessionEvent;
}

export interface ApprovalRecord {
  jobId: string;
  request: ApprovalRequest;
  decision?: ApprovalDecision;
  decidedAt?: number;
  /** The chat message with its buttons, once posted. */
  messageId?: string;
}

export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  jobId?: string;
  detail?: Record<string, unknown>;
}

/** The JobSpec a runner receives for a stored job. */
export function jobSpecOf(job: JobRecord): JobSpec {
  return {
    jobId: job.id,
    task: job.task,
    ...(job.repo ? { repo: job.repo } : {}),
    ...(job.agent ? { agent: job.agent } : {}),
    requestedBy: { platform: job.owner.platform, userId: job.owner.userId, ...(job.owner.displayName ? { displayName: job.owner.displayName } : {}) },
    createdAt: job.createdAt,
  };
}
