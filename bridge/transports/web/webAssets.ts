import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { packageRoot } from '../../packageRoot.js';

/**
 * The chat page's files, read once at start from the source tree (compiled code runs
 * from dist/, the assets stay in public/). A fixed list, so no request path ever
 * reaches the file system.
 */
export interface Asset {
  body: Buffer;
  contentType: string;
}

const FILES: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'signin.html': 'text/html; charset=utf-8',
  'chat.js': 'text/javascript; charset=utf-8',
  'chatView.js': 'text/javascript; charset=utf-8',
  'chat.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

/** The URL paths served to anyone: code and styles only, never data. */
export const PUBLIC_PATHS: Record<string, string> = {
  '/chat.js': 'chat.js',
  '/chatView.js': 'chatView.js',
  '/chat.css': 'chat.css',
  '/icon.svg': 'icon.svg',
};

/**
 * No inline script or style, sockets to this origin only, not frameable. The page
 * builds every element with textContent, so even a slip would not run injected markup.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function loadAssets(folder = join(packageRoot(), 'bridge', 'transports', 'web', 'public')): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, contentType] of Object.entries(FILES)) {
    assets.set(name, { body: readFileSync(join(folder, name)), contentType });
  }
  return assets;
}

/** Headers every web chat response carries. */
export function setSecurityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  // The token URL must never travel onward in a Referer header.
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

export function sendAsset(response: ServerResponse, status: number, asset: Asset, headOnly: boolean): void {
  setSecurityHeaders(response);
  response.statusCode = status;
  response.setHeader('Content-Type', asset.contentType);
  response.setHeader('Content-Length', asset.body.length);
  // Small files, and a stale chat.js after an upgrade would be worse than a re-download.
  response.setHeader('Cache-Control', 'no-cache');
  response.end(headOnly ? undefined : asset.body);
}

export function sendStatus(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  setSecurityHeaders(response);
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.end(text);
}
