import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { DispatchError } from '../shared/errors.js';
import type { Store } from './store/store.js';

/** Who an upgrade's token says the connection is. */
export type LinkAuth = { kind: 'registration' } | { kind: 'machine'; machineId: string } | { kind: 'revoked'; machineId: string } | { kind: 'unknown' };

/**
 * Per-machine credentials, the way self-hosted CI runners get theirs: the shared
 * registration token (DISPATCH_RUNNER_TOKEN) only lets a machine that has no credential
 * yet register once; it then gets its own secret, which the bridge keeps as a SHA-256
 * hash. From then on only that secret speaks for the machine.
 */
export class MachineCredentials {
  private readonly registrationDigest: Buffer;

  constructor(
    private readonly store: Store,
    registrationToken: string,
    private readonly clock: Clock,
  ) {
    this.registrationDigest = digest(registrationToken);
  }

  /** Classifies a bearer token from a runner's upgrade request. */
  async authenticate(token: string): Promise<LinkAuth> {
    if (token === '') return { kind: 'unknown' };
    const tokenDigest = digest(token);
    if (timingSafeEqual(tokenDigest, this.registrationDigest)) return { kind: 'registration' };
    const found = await this.store.credentials.find(tokenDigest.toString('hex'));
    if (!found) return { kind: 'unknown' };
    if (found.revoked) return { kind: 'revoked', machineId: found.machineId };
    await this.store.credentials.confirm(found.machineId, this.clock.now());
    return { kind: 'machine', machineId: found.machineId };
  }

  /**
   * Registers a machine that came with the registration token and returns its new
   * credential; refuses an id that already has (or had) one, so the shared token can
   * never take over a registered machine. The one exception is a credential the machine
   * never confirmed: the answer that carried it was lost, so it gets a new one.
   */
  async register(machineId: string, machineName: string): Promise<string> {
    const state = await this.store.credentials.state(machineId);
    if (state === 'revoked') throw revokedError(machineName);
    if (state === 'active') {
      throw new DispatchError(
        'forbidden',
        `Machine "${machineName}" (${machineId}) is already registered with its own credential, and this connection brought only the registration token. ` +
          'A machine can only speak for itself. If this is that machine and it lost its credential file, revoke it on the bridge (`dispatch machines revoke NAME`) and delete machine.json on the machine so it registers as a new machine.',
      );
    }
    const credential = `dmc_${randomBytes(32).toString('base64url')}`;
    // issue() is the atomic step: of two registrations at once, one wins and the other is told.
    if (!(await this.store.credentials.issue(machineId, digest(credential).toString('hex'), this.clock.now()))) {
      // Confirmed by another connection in the meantime.
      throw new DispatchError('conflict', `Machine ${machineId} registered from another connection at the same moment; try again.`);
    }
    return credential;
  }

  /** The registering connection spoke again after the hello that carried the credential: the machine has it. */
  async confirm(machineId: string): Promise<void> {
    await this.store.credentials.confirm(machineId, this.clock.now());
  }
}

/** What a revoked machine is told, on the link and at the next connection attempt. */
export function revokedError(machineName: string): DispatchError {
  return new DispatchError(
    'forbidden',
    `Machine "${machineName}" was revoked on the bridge, so its credential no longer connects. To connect it again as a new machine, delete machine.json and machine-credential.json in its DISPATCH_HOME and restart it.`,
  );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
