import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import { DispatchError } from '../../../shared/errors.js';
import type { Logger } from '../../../shared/logger.js';

/** How the bridge reaches Slack and Slack reaches the bridge. */
export interface BoltSettings {
  botToken: string;
  /** Socket Mode (no public URL needed) when set. */
  appToken?: string;
  /** HTTP mode when set and there is no app token: Bolt verifies signatures and refuses stale requests. */
  signingSecret?: string;
  /** Slack's Web API base (a local fake in tests); `/api/` is added when missing. */
  apiUrl?: string;
  logger: Logger;
  /** Socket Mode: pong timeout and the wait before a reconnect (Bolt's default 5 s). */
  socketPingTimeoutMs?: number;
  /** Socket Mode: fields the receiver adds to each delivery's context (the envelope id). */
  customProperties?: (args: { envelope_id?: string }) => Record<string, unknown>;
}

export type BoltMode = 'socket' | 'http';

export interface BoltParts {
  app: App;
  mode: BoltMode;
  socket?: SocketModeReceiver;
  http?: HTTPReceiver;
}

/**
 * Builds the Bolt app with an explicit receiver: Socket Mode when an app token is
 * given, else the HTTP receiver with signature verification on. Nothing touches the
 * network until the caller runs `await app.init()` (one auth.test, cached for every
 * event) and then `app.start()`.
 */
export function createBoltApp(settings: BoltSettings): BoltParts {
  const logger = boltLogger(settings.logger);
  const clientOptions = { slackApiUrl: slackApiUrl(settings.apiUrl), logger };
  const common = {
    token: settings.botToken,
    logger,
    clientOptions,
    // Authorize once and cache: Bolt's single-token authorize, built without verification,
    // calls auth.test on every incoming event (215 calls for 213 events). With verification
    // and deferred initialization, `app.init()` (the caller's, at start) learns the bot's
    // ids with one auth.test, and every event reuses them. Nothing touches the network
    // before that. No conversation store is needed.
    tokenVerificationEnabled: true,
    deferInitialization: true,
    convoStore: false as const,
  };
  if (settings.appToken) {
    const socket = new SocketModeReceiver({
      appToken: settings.appToken,
      logger,
      // A custom receiver does not inherit the App's client options: the Socket Mode client
      // calls apps.connections.open with these. A copy, because it sets its own long retry
      // policy on the object it gets, which must not leak into the App's chat.* calls.
      installerOptions: { clientOptions: { ...clientOptions } },
      ...(settings.socketPingTimeoutMs ? { clientPingTimeout: settings.socketPingTimeoutMs } : {}),
      ...(settings.customProperties ? { customPropertiesExtractor: settings.customProperties } : {}),
    });
    return { app: new App({ ...common, receiver: socket }), mode: 'socket', socket };
  }
  if (settings.signingSecret) {
    const http = new HTTPReceiver({
      signingSecret: settings.signingSecret,
      signatureVerification: true,
      endpoints: '/slack/events',
      logger,
      // Acknowledge at once (Slack wants an answer within 3 s); listeners work afterwards.
      processBeforeResponse: false,
    });
    return { app: new App({ ...common, receiver: http }), mode: 'http', http };
  }
  throw new DispatchError('bad_config', 'Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) besides SLACK_BOT_TOKEN.');
}

/** Slack's Web API base URL, always ending in `/api/` (the WebClient appends method names). */
export function slackApiUrl(apiUrl: string | undefined): string {
  if (!apiUrl) return 'https://slack.com/api/';
  const url = new URL(apiUrl);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  if (!url.pathname.endsWith('/api/')) url.pathname += 'api/';
  return url.toString();
}

const TOKENS = /\b(xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)/g;

/** Bolt's logger interface over ours; anything shaped like a Slack token is blanked. */
export function boltLogger(logger: Logger): BoltLogger {
  const line = (parts: unknown[]): string =>
    parts
      .map((part) => (part instanceof Error ? part.message : typeof part === 'string' ? part : safeJson(part)))
      .join(' ')
      .replace(TOKENS, '[redacted]');
  return {
    debug: (...parts: unknown[]) => logger.debug(line(parts), { source: 'bolt' }),
    info: (...parts: unknown[]) => logger.info(line(parts), { source: 'bolt' }),
    warn: (...parts: unknown[]) => logger.warn(line(parts), { source: 'bolt' }),
    error: (...parts: unknown[]) => logger.error(line(parts), { source: 'bolt' }),
    setLevel: () => undefined,
    // Our logger filters by level itself; INFO keeps Bolt from building costly debug strings.
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
