import { randomInt } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import { DispatchError } from '../shared/errors.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import type { ChatUser } from './chat.js';
import type { Store } from './store/store.js';

const CODE_TTL_MS = 10 * 60_000;
const WINDOW_MS = 60 * 60_000;

/** How many wrong codes, codes and guesses an hour: one person, one machine, the whole bridge. */
export interface PairingLimits {
  wrongCodesPerUser: number;
  wrongCodesPerBridge: number;
  codesPerMachine: number;
}

export const DEFAULT_PAIRING_LIMITS: PairingLimits = { wrongCodesPerUser: 5, wrongCodesPerBridge: 30, codesPerMachine: 10 };

export interface PairingOptions {
  logger?: Logger;
  limits?: Partial<PairingLimits>;
  /**
   * Called once when the bridge-wide limit is reached and pairing pauses, with a note for
   * the machines' owners (the bridge logs it and tells every online machine).
   */
  onPause?: (notice: string, until: number) => void;
}

/**
 * Pairing binds a chat identity to a machine: the machine shows a 6-digit code (valid
 * 10 minutes, single use) and the user types `pair CODE` in the chat. A million codes
 * are few, so guessing is limited per person (5 wrong an hour) and, because accounts
 * are cheap, for the whole bridge (30 wrong an hour, then pairing pauses); a machine
 * may create 10 codes an hour.
 */
export class Pairing {
  private readonly limits: PairingLimits;
  private readonly logger: Logger;
  /** The end of the pause last announced, so one pause is announced once. */
  private announcedUntil = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly options: PairingOptions = {},
  ) {
    this.limits = { ...DEFAULT_PAIRING_LIMITS, ...options.limits };
    this.logger = options.logger ?? silentLogger;
  }

  /** A fresh code for `machineId`. */
  async createCode(machineId: string): Promise<{ code: string; expiresAt: number }> {
    const now = this.clock.now();
    await this.refuseWhilePaused(now);
    // Codes created in the window are those that expire after its start plus their lifetime.
    if (await this.store.countPairingCodes(machineId, now - WINDOW_MS + CODE_TTL_MS) >= this.limits.codesPerMachine) {
      throw new DispatchError('rate_limited', `This machine made ${this.limits.codesPerMachine} pairing codes in the last hour; wait a while, or use one of those.`);
    }
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = now + CODE_TTL_MS;
    await this.store.createPairingCode(machineId, code, expiresAt);
    return { code, expiresAt };
  }

  /** Pairs `user` with the code's machine; returns the machine id. */
  async redeem(user: ChatUser, rawCode: string): Promise<string> {
    const now = this.clock.now();
    await this.refuseWhilePaused(now);
    const failures = await this.store.countFailedPairings(user, now - WINDOW_MS);
    if (failures >= this.limits.wrongCodesPerUser) {
      throw new DispatchError('rate_limited', 'Too many wrong pairing codes. Wait an hour, then run `dispatch pair` on your machine for a new code.');
    }
    const code = rawCode.replace(/[\s-]+/g, '');
    if (!/^\d{6}$/.test(code)) throw new DispatchError('bad_input', 'Pairing codes have 6 digits, like `pair 123456`. Run `dispatch pair` on your machine to get one.');
    // The store uses a code once, also when two people (or two bridges) redeem it at the same moment.
    const machineId = await this.store.consumePairingCode(code, now);
    if (!machineId) {
      await this.store.recordFailedPairing(user, now);
      const left = this.limits.wrongCodesPerUser - failures - 1;
      // Expected (a typo, an old code): info, not an error. Never the code itself.
      this.logger.info('wrong pairing code', { user: `${user.platform}:${user.userId}`, wrongThisHour: failures + 1 });
      await this.announceIfPaused(now);
      throw new DispatchError(
        'bad_input',
        `That code is not valid (wrong, used or older than 10 minutes). Run \`dispatch pair\` on your machine for a new one.${left <= 2 ? ` ${left} attempt${left === 1 ? '' : 's'} left this hour.` : ''}`,
      );
    }
    await this.store.addPairing(user, machineId, now);
    await this.store.audit({ at: now, actor: `${user.platform}:${user.userId}`, action: 'pair', detail: { machineId } });
    return machineId;
  }

  /** When pairing resumes, or undefined when it is not paused. */
  async pausedUntil(now = this.clock.now()): Promise<number | undefined> {
    const times = await this.store.failedPairingTimes(now - WINDOW_MS);
    const limit = this.limits.wrongCodesPerBridge;
    if (times.length < limit) return undefined;
    // It resumes when enough of the window's wrong codes have aged out of it.
    return times[times.length - limit]! + WINDOW_MS;
  }

  private async refuseWhilePaused(now: number): Promise<void> {
    const until = await this.pausedUntil(now);
    if (until === undefined) return;
    await this.announceIfPaused(now);
    const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
    throw new DispatchError('rate_limited', `Pairing is paused on this bridge for about ${minutes} more minute${minutes === 1 ? '' : 's'}: too many wrong codes were tried. Try again later.`);
  }

  /** Tells the owners once per pause (a pause that a later guess extends is the same pause). */
  private async announceIfPaused(now: number): Promise<void> {
    const until = await this.pausedUntil(now);
    if (until === undefined) return;
    // Checked and set with no await in between, so two wrong codes at once announce one pause.
    const alreadyTold = this.announcedUntil >= now;
    this.announcedUntil = until;
    if (alreadyTold) return;
    const notice =
      `Pairing is paused on the bridge until ${new Date(until).toISOString()}: ${this.limits.wrongCodesPerBridge} wrong pairing codes ` +
      'were tried within an hour, which looks like someone guessing. Nobody can pair meanwhile; people already paired are not affected.';
    this.logger.warn('pairing paused: too many wrong codes on this bridge', { wrongCodesPerHour: this.limits.wrongCodesPerBridge, until });
    this.options.onPause?.(notice, until);
  }
}
