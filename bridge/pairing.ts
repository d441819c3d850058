import { randomInt } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { DispatchError } from '../shared/errors.js';
import type { ChatUser } from './chat.js';
import type { Store } from './store/store.js';

const CODE_TTL_MS = 10 * 60_000;
const FAILURE_WINDOW_MS = 60 * 60_000;
const MAX_FAILURES = 5;

/**
 * Pairing binds a chat identity to a machine: the machine shows a 6-digit code (valid
 * 10 minutes, single use) and the user types `pair CODE` in the chat. Wrong codes are
 * limited to 5 per user per hour.
 */
export class Pairing {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** A fresh code for `machineId`. */
  createCode(machineId: string): { code: string; expiresAt: number } {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = this.clock.now() + CODE_TTL_MS;
    this.store.createPairingCode(machineId, code, expiresAt);
    return { code, expiresAt };
  }

  /** Pairs `user` with the code's machine; returns the machine id. */
  redeem(user: ChatUser, rawCode: string): string {
    const now = this.clock.now();
    const failures = this.store.countFailedPairings(user, now - FAILURE_WINDOW_MS);
    if (failures >= MAX_FAILURES) {
      throw new DispatchError('rate_limited', 'Too many wrong pairing codes. Wait an hour, then run `dispatch pair` on your machine for a new code.');
    }
    const code = rawCode.replace(/[\s-]+/g, '');
    if (!/^\d{6}$/.test(code)) throw new DispatchError('bad_input', 'Pairing codes have 6 digits, like `pair 123456`. Run `dispatch pair` on your machine to get one.');
    const machineId = this.store.consumePairingCode(code, now);
    if (!machineId) {
      this.store.recordFailedPairing(user, now);
      const left = MAX_FAILURES - failures - 1;
      throw new DispatchError(
        'bad_input',
        `That code is not valid (wrong, used or older than 10 minutes). Run \`dispatch pair\` on your machine for a new one.${left <= 2 ? ` ${left} attempt${left === 1 ? '' : 's'} left this hour.` : ''}`,
      );
    }
    this.store.addPairing(user, machineId, now);
    this.store.audit({ at: now, actor: `${user.platform}:${user.userId}`, action: 'pair', detail: { machineId } });
    return machineId;
  }
}
