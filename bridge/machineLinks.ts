import type { ApprovalDecision } from '../shared/sessions.js';
import type { ParamsOf, ResultOf } from '../shared/protocol/rpc.js';
import type { BridgeToRunner } from '../shared/protocol/bridgeRunner.js';

/** What a ship request carries (the job's id is added by the link), and what the machine answers. */
export type ShipParams = Omit<ParamsOf<BridgeToRunner, 'session/ship'>, 'sessionId'>;
export type ShipAnswer = ResultOf<BridgeToRunner, 'session/ship'>;
import type { JobRecord } from './store/store.js';

/** What the dispatcher needs from the machine link (the MachineHub implements it). Methods resolve false when the machine is offline. */
export interface MachineLinks {
  /** Linked to this bridge, or (several bridges) to another live one. */
  isOnline(machineId: string): boolean | Promise<boolean>;
  offer(job: JobRecord): Promise<void>;
  decide(job: JobRecord, decision: ApprovalDecision): Promise<boolean>;
  cancel(job: JobRecord): Promise<boolean>;
  /** Ends a grant early on the job's machine: 'ended', 'gone' (expired or ended already), or 'offline'. */
  endGrant?(job: JobRecord, grantId: string): Promise<'ended' | 'gone' | 'offline'>;
  followUp(job: JobRecord, text: string): Promise<boolean>;
  /** Pushes the session's branch (and opens its pull request) on the machine; false when it is offline. */
  ship?(job: JobRecord, params: ShipParams): Promise<ShipAnswer | false>;
  /** Tells an online machine whether anyone is paired with it now. */
  pairingChanged(machineId: string): Promise<void>;
  /** Revokes a machine's credential (and pairings) and closes its live link; false when it was not registered or already revoked. */
  revoke(machineId: string): Promise<boolean>;
}
