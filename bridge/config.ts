import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';
import { DispatchError } from '../shared/errors.js';

const port = z.coerce.number().int('must be a whole number').min(0).max(65_535, 'must be a port number (0–65535)');
const list = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);
const url = z.url('must be a URL');
/** Only PostgreSQL: a mistyped scheme (mysql://, a bare host) must not fall back to SQLite silently. */
const postgresUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/[^/?#\s]/i.test(value) && URL.canParse(value), 'must be a PostgreSQL URL (postgres://user:password@host:5432/database or postgresql://…)');

/** A timing in whole milliseconds, within bounds that keep a cluster sane. */
const ms = (min: number, max: number) =>
  z.coerce.number().int('must be a whole number of milliseconds').min(min, `must be at least ${min} ms`).max(max, `must be at most ${max} ms`);

/** The bridge's environment variables (see .env.example for what each means). */
export const BridgeEnvSchema = z.object({
  DISPATCH_HOME: z.string().default(join(homedir(), '.dispatch')),
  DISPATCH_HOST: z.string().default('127.0.0.1'),
  DISPATCH_PORT: port.default(7878),
  DISPATCH_DB: z.string().optional(),
  /** Selects the PostgreSQL store (teams, several bridges); without it the bridge keeps its SQLite file. */
  DISPATCH_DATABASE_URL: postgresUrl.optional(),
  DISPATCH_RUNNER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DISPATCH_WEB_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  DISPATCH_WEB: z.enum(['on', 'off']).default('on'),
  DISPATCH_ALLOWED_USERS: list.optional(),
  DISPATCH_ADMINS: list.optional(),
  DISPATCH_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  ANTHROPIC_API_KEY: z.string().optional(),
  ANTHROPIC_BASE_URL: url.optional(),
  DISPATCH_COWORK_MODEL: z.string().default('claude-sonnet-4-5'),
  /** With ANTHROPIC_API_KEY: the small fast model that routes messages (the local router is the fallback). */
  DISPATCH_ROUTER_MODEL: z.string().min(1).default('claude-haiku-4-5'),
  /** How long routing waits for that model before the local router decides alone. */
  DISPATCH_ROUTER_TIMEOUT_MS: z.coerce.number().int('must be a whole number').min(100, 'must be at least 100 ms').max(30_000, 'must be at most 30000 ms').default(1_500),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  DISPATCH_SLACK_API_URL: url.optional(),
  /** HTTP mode only: where Slack's event requests arrive (Bolt's own server). */
  DISPATCH_SLACK_PORT: port.default(3000),
  // Several bridges on PostgreSQL (README, "For a team"); ignored on SQLite. Defaults as before.
  /** How often a bridge writes its presence row and looks for dead peers. */
  DISPATCH_CLUSTER_BEAT_MS: ms(50, 60_000).default(5_000),
  /** A bridge not heard from for this long is gone (kill -9 shows sooner: its session lock goes). */
  DISPATCH_CLUSTER_STALE_MS: ms(150, 600_000).default(15_000),
  /** How long a bridge's claim on telling a job lasts unless renewed (a dead bridge's threads resume after it). */
  DISPATCH_NOTIFY_LEASE_MS: ms(300, 600_000).default(15_000),
  /** How often held claims are renewed (default a third of the lease). */
  DISPATCH_NOTIFY_RENEW_MS: ms(50, 600_000).optional(),
  /** How often a bridge looks for untold events without a wake-up. */
  DISPATCH_NOTIFY_SWEEP_MS: ms(50, 600_000).default(5_000),
  /** How often a bridge looks for work for its machines without a wake-up. */
  DISPATCH_MACHINE_SWEEP_MS: ms(50, 600_000).default(3_000),
  /** How often one of the bridges removes stale rows (old event ids, ended claims, long-dead bridges). */
  DISPATCH_PRUNE_EVERY_MS: ms(1_000, 24 * 60 * 60_000).default(10 * 60_000),
  DISCORD_BOT_TOKEN: z.string().optional(),
  DISCORD_GUILD_ID: z.string().optional(),
  DISPATCH_DISCORD_API_URL: url.optional(),
});
export type BridgeEnv = z.infer<typeof BridgeEnvSchema>;

/** Reads and validates the bridge's settings; a bad variable throws a message naming it. */
export function loadBridgeEnv(env: Record<string, string | undefined>): BridgeEnv {
  const config = parseEnv(BridgeEnvSchema, env);
  const problems = clusterTimingProblems(config);
  if (problems.length > 0) throw new DispatchError('bad_config', `Invalid configuration — ${problems.join('; ')}`);
  return config;
}

/** Timings that are each fine but wrong together: a peer taken for dead between two beats, a claim lost between renewals. */
function clusterTimingProblems(config: BridgeEnv): string[] {
  const problems: string[] = [];
  if (config.DISPATCH_CLUSTER_STALE_MS < 2 * config.DISPATCH_CLUSTER_BEAT_MS) {
    problems.push(`DISPATCH_CLUSTER_STALE_MS: must be at least twice DISPATCH_CLUSTER_BEAT_MS (${config.DISPATCH_CLUSTER_BEAT_MS} ms), or a live bridge is taken for dead between two beats`);
  }
  if (config.DISPATCH_NOTIFY_RENEW_MS !== undefined && config.DISPATCH_NOTIFY_RENEW_MS * 2 > config.DISPATCH_NOTIFY_LEASE_MS) {
    problems.push(`DISPATCH_NOTIFY_RENEW_MS: must be at most half of DISPATCH_NOTIFY_LEASE_MS (${config.DISPATCH_NOTIFY_LEASE_MS} ms), or a claim lapses before it is renewed`);
  }
  return problems;
}

/** The timings of a bridge beside others, from the environment (tests may override them in Bridge.start). */
export interface ClusterTimings {
  heartbeatMs: number;
  freshMs: number;
  notifyLeaseMs: number;
  notifyRenewMs: number;
  notifySweepMs: number;
  sweepMs: number;
  pruneEveryMs: number;
}

export function clusterTimingsOf(config: BridgeEnv): ClusterTimings {
  return {
    heartbeatMs: config.DISPATCH_CLUSTER_BEAT_MS,
    freshMs: config.DISPATCH_CLUSTER_STALE_MS,
    notifyLeaseMs: config.DISPATCH_NOTIFY_LEASE_MS,
    notifyRenewMs: config.DISPATCH_NOTIFY_RENEW_MS ?? Math.max(50, Math.floor(config.DISPATCH_NOTIFY_LEASE_MS / 3)),
    notifySweepMs: config.DISPATCH_NOTIFY_SWEEP_MS,
    sweepMs: config.DISPATCH_MACHINE_SWEEP_MS,
    pruneEveryMs: config.DISPATCH_PRUNE_EVERY_MS,
  };
}

/** The SQLite file: DISPATCH_DB, else bridge.db under DISPATCH_HOME. */
export function databasePath(config: BridgeEnv): string {
  return config.DISPATCH_DB ?? join(config.DISPATCH_HOME, 'bridge.db');
}
