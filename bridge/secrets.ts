import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { restrictFile, writeStateFileAtomic } from '../extension/core/stateFiles.js';
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
    writeStateFileAtomic(file, JSON.stringify(generated, null, 2));
  }
  // A file made before modes were enforced (or copied in) is made owner-only too.
  restrictFile(file);
  const secrets = { runnerToken: given.runnerToken ?? generated.runnerToken, webToken: given.webToken ?? generated.webToken };
  return secrets;
}
