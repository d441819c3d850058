import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../shared/config.js';

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
  DISCORD_BOT_TOKEN: z.string().optional(),
  DISCORD_GUILD_ID: z.string().optional(),
  DISPATCH_DISCORD_API_URL: url.optional(),
});
export type BridgeEnv = z.infer<typeof BridgeEnvSchema>;

/** Reads and validates the bridge's settings; a bad variable throws a message naming it. */
export function loadBridgeEnv(env: Record<string, string | undefined>): BridgeEnv {
  return parseEnv(BridgeEnvSchema, env);
}

/** The SQLite file: DISPATCH_DB, else bridge.db under DISPATCH_HOME. */
export function databasePath(config: BridgeEnv): string {
  return config.DISPATCH_DB ?? join(config.DISPATCH_HOME, 'bridge.db');
}
