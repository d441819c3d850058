import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newLoginToken } from './transports/web/webAuth.js';

/** Tokens the bridge makes for itself when .env gives none, kept so restarts and runners agree. */
export interface BridgeSecrets {
  runnerToken: string;
  webToken: string;
}

/** Reads `<home>/secrets.json`, filling in and saving (mode 0600) whatever is missing. */
export function loadOrCreateSecrets(home: string, given: Partial<BridgeSecrets> = {}): BridgeSecrets {
  const file = join(home, 'secrets.json');
  let stored: Partial<BridgeSecrets> = {};
  try {
    stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<BridgeSecrets>;
  } catch {
    // None yet.
  }
  // Only generated tokens are saved; tokens given in .env stay there.
  const generated: BridgeSecrets = {
    runnerToken: stored.runnerToken ?? randomBytes(24).toString('base64url'),
    webToken: stored.webToken ?? newLoginToken(),
  };
  if (generated.runnerToken !== stored.runnerToken || generated.webToken !== stored.webToken) {
    mkdirSync(home, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(generated, null, 2), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    chmodSync(file, 0o600);
  }
  const secrets = { runnerToken: given.runnerToken ?? generated.runnerToken, webToken: given.webToken ?? generated.webToken };
  return secrets;
}
