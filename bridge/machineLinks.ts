import type { ApprovalDecision } from '../shared/sessions.js';
import type { JobRecord } from './store/store.js';

/** What the dispatcher needs from the machine link (the MachineHub implements it). Methods resolve false when the machine is offline. */
export interface MachineLinks {
  isOnline(machineId: string): boolean;
  offer(job: JobRecord): Promise<void>;
  decide(job: JobRecord, decision: ApprovalDecision): Promise<boolean>;
  cancel(job: JobRecord): Promise<boolean>;
  followUp(job: JobRecord, text: string): Promise<boolean>;
  /** Tells an online machine whether anyone is paired with it now. */
  pairingChanged(machineId: string): Promise<void>;
  /** Revokes a machine's credential (and pairings) and closes its live link; false when it was not registered or already revoked. */
  revoke(machineId: string): Promise<boolean>;
}
