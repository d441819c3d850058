import { z } from 'zod';
import { DispatchError } from '../../../shared/errors.js';

const BRIDGE_PROTOCOLS = ['ws:', 'wss:', 'http:', 'https:'];

/** One bridge address: a URL the runner can dial (ws://, wss://, or the http(s):// of the same server). */
export const BridgeUrlSchema = z
  .string()
  .trim()
  .superRefine((text, context) => {
    if (!text) context.addIssue({ code: 'custom', message: 'empty (two commas in a row, or one at an end)' });
    else if (!URL.canParse(text)) context.addIssue({ code: 'custom', message: 'not a URL (write it like ws://host:7878)' });
    else if (!BRIDGE_PROTOCOLS.includes(new URL(text).protocol)) context.addIssue({ code: 'custom', message: 'not a ws://, wss://, http:// or https:// URL' });
  });

/**
 * The bridges a setting lists, in the order the runner tries them: one URL, or several
 * separated by commas (bridges that share one database, for failover). `setting` names
 * where the text came from, so a bad entry is reported where the user can fix it.
 */
export function parseBridgeUrls(text: string, setting = 'The bridge URL'): string[] {
  const entries = text.split(',');
  const urls: string[] = [];
  for (const entry of entries) {
    const parsed = BridgeUrlSchema.safeParse(entry);
    if (!parsed.success) {
      const why = parsed.error.issues.map((issue) => issue.message).join('; ');
      const named = entry.trim() ? `"${entry.trim()}"` : `entry ${urls.length + 1}`;
      throw new DispatchError('bad_config', `${setting} lists ${named}, which is ${why}.`);
    }
    urls.push(parsed.data);
  }
  return urls;
}

/**
 * A bridge URL as the status and logs show it: as written, unless it carries a user name,
 * password or query (where a token could hide) — then only its scheme, host and path.
 */
export function bridgeLabel(url: string): string {
  const parsed = new URL(url);
  if (!parsed.username && !parsed.password && !parsed.search && !parsed.hash) return url;
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}
