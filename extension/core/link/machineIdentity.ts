import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeStateFileAtomic } from '../stateFiles.js';

/** Who this machine is to the bridge: a stable id (kept under DISPATCH_HOME) and a name people read. */
export interface MachineIdentity {
  machineId: string;
  machineName: string;
  /** Where the machine keeps the credential its bridge gave it (0600, next to machine.json); absent: kept in memory only. */
  credentialFile?: string;
}

/** The file, next to machine.json, that holds the machine's own bridge credential. */
export const CREDENTIAL_FILE = 'machine-credential.json';

/** Loads the machine id, creating it on first use; `name` overrides the host name. */
export function loadMachineIdentity(home: string, name?: string): MachineIdentity {
  const file = join(home, 'machine.json');
  let machineId: string | undefined;
  try {
    machineId = (JSON.parse(readFileSync(file, 'utf8')) as { machineId?: string }).machineId;
  } catch {
    // First run (or an unreadable file): a new identity is made below.
  }
  if (!machineId) {
    machineId = randomUUID();
    writeStateFileAtomic(file, JSON.stringify({ machineId }, null, 2));
  }
  const machineName = (name ?? hostname()).trim().replace(/\s+/g, '-').slice(0, 100) || 'machine';
  return { machineId, machineName, credentialFile: join(home, CREDENTIAL_FILE) };
}
