import type { Clock } from '../shared/clock.js';
import type { ButtonReply, ChatUser } from './chat.js';
import { grantEndedMessage } from './grantMessages.js';
import type { MachineLinks } from './machineLinks.js';
import type { JobRecord, Store } from './store/store.js';

export interface GrantButtonDeps {
  store: Store;
  clock: Clock;
  machines: MachineLinks;
}

/**
 * A press of "End grant", already checked to come from the session's requester (or an
 * admin). The grant lives on the machine (it covers that person's sessions there), so the
 * machine ends it; the pressed message then says so, and loses its button.
 */
export async function endGrantFromChat(deps: GrantButtonDeps, job: JobRecord, user: ChatUser, grantId: string): Promise<ButtonReply> {
  const { store, clock, machines } = deps;
  if (!machines.endGrant) return { ephemeral: 'This bridge cannot reach the machine to end the grant; it ends when it expires.' };
  await store.audit({ at: clock.now(), actor: `${user.platform}:${user.userId}`, action: 'end_grant', jobId: job.id, detail: { grantId } });
  const outcome = await machines.endGrant(job, grantId);
  if (outcome === 'offline') return { ephemeral: 'Your machine is offline, so the grant could not be ended. Press again when it is back.' };
  return { update: grantEndedMessage(outcome === 'ended', user.displayName ?? user.userId) };
}
