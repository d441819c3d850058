import { readFileSync } from 'node:fs';
import { writeStateFileAtomic } from '../stateFiles.js';
import type WebSocket from 'ws';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { z } from 'zod';
import { DispatchError, asDispatchError } from '../../../shared/errors.js';
import { connectToBridge } from './bridgeClient.js';
import type { MachineIdentity } from './machineIdentity.js';

const CredentialFileSchema = z.object({ machineId: z.string(), credential: z.string().min(32) });

/**
 * The machine's own bridge credential. The bridge hands it over once, in the answer to
 * the hello that registered the machine with the shared registration token; from then
 * on the machine presents it instead. Kept 0600 next to machine.json, and in memory for
 * identities without a file (tests, a first run that cannot write).
 */
export class MachineCredential {
  private value: string | undefined;

  constructor(private readonly identity: MachineIdentity) {
    this.value = this.read();
  }

  get current(): string | undefined {
    return this.value;
  }

  keep(credential: string): void {
    this.value = credential;
    const file = this.identity.credentialFile;
    if (!file) return;
    // Fsynced before the rename: a credential the bridge has confirmed must survive a power cut.
    writeStateFileAtomic(file, JSON.stringify({ machineId: this.identity.machineId, credential }, null, 2));
  }

  private read(): string | undefined {
    const file = this.identity.credentialFile;
    if (!file) return undefined;
    try {
      const parsed = CredentialFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      // A credential saved for another identity (machine.json replaced) is not this machine's.
      return parsed.success && parsed.data.machineId === this.identity.machineId ? parsed.data.credential : undefined;
    } catch {
      return undefined;
    }
  }
}

/**
 * Dials the bridge as this machine: with its own credential when it has one, else (or
 * when the bridge does not know that credential — a new bridge database) with the
 * registration token. `registrationToken` is asked for only when needed.
 */
export async function dialAsMachine(
  bridgeUrl: string,
  credential: MachineCredential,
  registrationToken: () => string | undefined,
  options: { maxFrameBytes?: number } = {},
): Promise<{ socket: WebSocket; connection: MessageConnection; registering: boolean }> {
  const own = credential.current;
  if (own) {
    try {
      return { ...(await connectToBridge(bridgeUrl, own, options)), registering: false };
    } catch (error) {
      const refused = asDispatchError(error);
      if (refused.code !== 'unauthorized' || !registrationToken()) throw refused;
      // The bridge does not know this credential (its database is new): register again.
    }
  }
  const token = registrationToken();
  if (!token) throw new DispatchError('bad_config', 'This machine has no credential for the bridge yet: set DISPATCH_RUNNER_TOKEN to the bridge’s registration token once.');
  return { ...(await connectToBridge(bridgeUrl, token, options)), registering: true };
}
