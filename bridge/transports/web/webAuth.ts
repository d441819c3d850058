import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The web chat's login, the way Jupyter does it: the bridge prints a URL carrying a
 * token; opening it trades the token for an HttpOnly cookie, and the token leaves the
 * address bar at once (a redirect), so it stays out of history and Referer headers.
 */
export const SESSION_COOKIE = 'dispatch_session';

/** A cookie lives a month: the login URL is printed once, and re-opening it is a chore. */
const COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60;

/** A fresh login token for when none is configured (DISPATCH_WEB_TOKEN). */
export function newLoginToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The ready-to-open URL to print at start, e.g. `http://127.0.0.1:7878/?token=…`. */
export function loginUrl(baseUrl: string, token: string): string {
  const url = new URL('/', baseUrl);
  url.searchParams.set('token', token);
  return url.toString();
}

/** Checks the login token and the session cookie; holds no secret in a form a log could leak. */
export class WebAuth {
  private readonly tokenDigest: Buffer;
  /**
   * The cookie is derived from the token (not the token itself), so a leaked cookie does
   * not reveal the login URL, and a restart with the same DISPATCH_WEB_TOKEN keeps
   * everyone signed in.
   */
  private readonly sessionValue: string;

  constructor(loginToken: string) {
    this.tokenDigest = digest(loginToken);
    this.sessionValue = createHmac('sha256', loginToken).update('dispatch web session v1').digest('base64url');
  }

  /** Constant-time: hashing both sides first also hides the token's length. */
  tokenMatches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.tokenDigest);
  }

  /** The Set-Cookie header a correct token earns. */
  sessionCookie(): string {
    return `${SESSION_COOKIE}=${this.sessionValue}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_S}`;
  }

  hasSession(request: IncomingMessage): boolean {
    const value = readCookie(request.headers.cookie, SESSION_COOKIE);
    return value !== undefined && timingSafeEqual(digest(value), digest(this.sessionValue));
  }
}

/**
 * Cross-site WebSocket hijacking guard: browsers attach cookies to WebSocket requests
 * from any page, so the socket also requires the page's Origin to be this very host.
 */
export function originMatchesHost(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  const host = request.headers.host;
  if (origin === undefined || host === undefined) return false;
  try {
    const parsed = new URL(origin);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === host.toLowerCase();
  } catch {
    return false;
  }
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
