import { DispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { bridgeToRunner } from '../../shared/protocol/bridgeRunner.js';
import type { ApprovalDecision } from '../../shared/sessions.js';
import type { MachineHub } from '../machineHub.js';
import type { MachineLinks, ShipAnswer, ShipParams } from '../machineLinks.js';
import type { JobRecord } from '../store/store.js';
import type { PgMachinePresence } from './machinePresence.js';
import { errorCodeOf, type MachineRequest, type PgMachineRequests, type RequestAnswer } from './machineRequests.js';
import type { WakeBus } from './wakeBus.js';

/** How long past its own link timeout the holder may take to write its answer (a database round trip or two). */
const ANSWER_SLACK_MS = 2_000;
/** The same ceiling a push and a pull request get on a local link (machineHub.ts). */
const SHIP_TIMEOUT_MS = 150_000;

export interface RemoteMachinesOptions {
  hub: MachineHub;
  presence: PgMachinePresence;
  requests: PgMachineRequests;
  wakeBus: WakeBus;
  logger: Logger;
  /** The link's request timeout: how long the holder waits on the machine. */
  requestTimeoutMs: number;
  /** While waiting for an answer, the row is read again this often (a lost wake-up costs at most this). */
  pollMs?: number;
}

/**
 * The machine links of the whole team, as the dispatcher sees them on PostgreSQL. A machine
 * linked to this bridge is served by the hub, as with one bridge. For a machine linked to
 * another bridge, jobs and decisions are already in the store, so the holder is only woken
 * (`machine`); cancels, follow-ups, ships and notes become `machine_requests` rows the holder
 * takes, performs and answers, and this bridge waits for the answer (`answered`, or the row
 * read again every `pollMs`) up to the request timeout.
 */
export class RemoteMachines implements MachineLinks {
  private readonly waiters = new Map<string, Set<() => void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: RemoteMachinesOptions) {}

  start(): void {
    this.unsubscribe = this.options.wakeBus.subscribe('answered', (wake) => {
      if (wake.resync) for (const set of this.waiters.values()) for (const wakeUp of set) wakeUp();
      else for (const wakeUp of this.waiters.get(wake.payload) ?? []) wakeUp();
    });
  }

  stop(): void {
    this.unsubscribe?.();
    for (const set of this.waiters.values()) for (const wakeUp of set) wakeUp();
  }

  async isOnline(machineId: string): Promise<boolean> {
    return this.options.hub.isOnline(machineId) || (await this.options.presence.holder(machineId)) !== undefined;
  }

  /** A job is in the store already: the bridge holding its machine is woken and offers it. */
  async offer(job: JobRecord): Promise<void> {
    if (this.options.hub.isOnline(job.machineId)) return this.options.hub.offer(job);
    await this.wake(job.machineId);
  }

  /** The decision is stored already (decideApproval): the holder is woken and redelivers it. */
  async decide(job: JobRecord, decision: ApprovalDecision): Promise<boolean> {
    if (this.options.hub.isOnline(job.machineId)) return this.options.hub.decide(job, decision);
    if ((await this.options.presence.holder(job.machineId)) === undefined) return false;
    await this.wake(job.machineId);
    return true;
  }

  async cancel(job: JobRecord): Promise<boolean> {
    if (this.options.hub.isOnline(job.machineId)) return this.options.hub.cancel(job);
    return (await this.ask(job.machineId, { kind: 'cancel', jobId: job.id, payload: {} })) === true;
  }

  async followUp(job: JobRecord, text: string): Promise<boolean> {
    if (this.options.hub.isOnline(job.machineId)) return this.options.hub.followUp(job, text);
    return (await this.ask(job.machineId, { kind: 'followUp', jobId: job.id, payload: { text } })) === true;
  }

  async endGrant(job: JobRecord, grantId: string): Promise<'ended' | 'gone' | 'offline'> {
    if (this.options.hub.isOnline(job.machineId)) return this.options.hub.endGrant(job, grantId);
    const value = await this.ask(job.machineId, { kind: 'endGrant', jobId: job.id, payload: { grantId } });
    return value === 'ended' || value === 'gone' ? value : 'offline';
  }

  async ship(job: JobRecord, params: ShipParams): Promise<ShipAnswer | false> {
    if (this.options.hub.isOnline(job.machineId)) return this.options.hub.ship(job, params);
    const value = await this.ask(job.machineId, { kind: 'ship', jobId: job.id, payload: params }, Math.max(this.options.requestTimeoutMs, SHIP_TIMEOUT_MS));
    if (value === undefined || value === false) return false;
    const parsed = bridgeToRunner['session/ship'].result.safeParse(value);
    if (!parsed.success) throw new DispatchError('internal', 'The bridge holding your machine answered the ship request with something unreadable.');
    return parsed.data;
  }

  async pairingChanged(machineId: string): Promise<void> {
    if (this.options.hub.isOnline(machineId)) return this.options.hub.pairingChanged(machineId);
    await this.ask(machineId, { kind: 'pairing', jobId: null, payload: {} }).catch((error) =>
      this.options.logger.warn('telling a machine on another bridge about pairing failed', { machineId, error: String(error) }),
    );
  }

  /** Revoked in the store here (which every bridge's link check reads); the holder is asked to close the link at once. */
  async revoke(machineId: string): Promise<boolean> {
    const revoked = await this.options.hub.revoke(machineId);
    if (!this.options.hub.isOnline(machineId) && (await this.options.presence.holder(machineId)) !== undefined) {
      await this.send(machineId, { kind: 'revoke', jobId: null, payload: {} });
    }
    return revoked;
  }

  /** A note for the owner of every online machine, on this bridge and the others (not waited for). */
  async tellAll(notice: string): Promise<void> {
    await this.options.hub.tellAll(notice);
    for (const machineId of await this.options.presence.linkedElsewhere()) {
      await this.send(machineId, { kind: 'tell', jobId: null, payload: { notice } }).catch((error) => this.options.logger.warn('telling a machine on another bridge failed', { machineId, error: String(error) }));
    }
  }

  private async wake(machineId: string): Promise<void> {
    await this.options.wakeBus.publish('machine', machineId).catch((error) =>
      // The sweep of the holder finds the work anyway, a few seconds later.
      this.options.logger.warn('waking the bridge of a machine failed; its sweep delivers the work', { machineId, error: String(error) }),
    );
  }

  /** A request nobody waits for (the holder answers it; the answered row is pruned later). */
  private async send(machineId: string, request: MachineRequest): Promise<void> {
    await this.options.requests.create(machineId, request);
    await this.wake(machineId);
  }

  /**
   * Asks the bridge holding the machine's link, and waits for its answer. Undefined means
   * offline: no live bridge holds the link, or it went away before taking the request.
   */
  private async ask(machineId: string, request: MachineRequest, timeoutMs = this.options.requestTimeoutMs): Promise<unknown> {
    const { presence, requests } = this.options;
    if ((await presence.holder(machineId)) === undefined) return undefined;
    const id = await requests.create(machineId, request);
    // A wake-up that arrives while the row is being read is kept, so the next wait is skipped.
    let signalled = false;
    let wakeUp: () => void = () => (signalled = true);
    const signal = (): void => wakeUp();
    const set = this.waiters.get(id) ?? new Set();
    set.add(signal);
    this.waiters.set(id, set);
    try {
      await this.wake(machineId);
      const deadline = Date.now() + timeoutMs + ANSWER_SLACK_MS;
      const pollMs = this.options.pollMs ?? 1_000;
      for (;;) {
        const state = await requests.answerOf(id);
        if (state.state === 'answered') {
          await requests.remove(id).catch(() => undefined);
          return valueOf(state.answer);
        }
        if (state.state === 'gone') return undefined;
        const left = deadline - Date.now();
        // Not taken and its holder gone (died, or the machine disconnected): offline, said now rather than at the timeout.
        const holderGone = !state.taken && !signalled && (await presence.holder(machineId)) === undefined;
        if (left <= 0 || holderGone) {
          if (await requests.withdraw(id)) {
            if (holderGone || (await presence.holder(machineId)) === undefined) return undefined;
            throw new DispatchError('offline', 'The bridge holding your machine’s link did not answer in time; nothing was sent. Try again in a moment.');
          }
          if (left <= 0) throw new DispatchError('offline', 'Your machine did not confirm in time; it may still act on it. Check `status` before trying again.');
          continue; // taken just now: its answer follows
        }
        if (!signalled) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(pollMs, left));
            wakeUp = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        signalled = false;
        wakeUp = () => (signalled = true);
      }
    } finally {
      set.delete(signal);
      if (set.size === 0) this.waiters.delete(id);
    }
  }
}

function valueOf(answer: RequestAnswer): unknown {
  if (!answer.ok) throw new DispatchError(errorCodeOf(answer.code), answer.message);
  return answer.value;
}
