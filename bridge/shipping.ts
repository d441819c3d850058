import type { Clock } from '../shared/clock.js';
import { asDispatchError } from '../shared/errors.js';
import { shortId } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { isFinal } from '../shared/sessions.js';
import type { ButtonReply, ChatUser } from './chat.js';
import type { MachineLinks } from './machineLinks.js';
import { note, shippedMessage } from './messages.js';
import type { Notifier } from './notifier.js';
import { threadUrl, type ThreadLinkOptions } from './shipLinks.js';
import type { JobRecord, Store } from './store/store.js';

export interface ShippingDeps {
  store: Store;
  machines: MachineLinks;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  threadLinks?: ThreadLinkOptions;
}

/**
 * A press of Push branch / Open pull request, already checked to come from the requester
 * or an admin: that press is the approval. It is audited with who pressed, sent to the
 * machine (which pushes with its own credentials; no forge token ever reaches the
 * bridge), and what happened — or why not — is said in the thread.
 */
export async function shipFromChat(deps: ShippingDeps, job: JobRecord, user: ChatUser, wanted: { action: 'push' | 'pr'; draft: boolean }): Promise<ButtonReply> {
  const { store, machines, notifier, clock, logger } = deps;
  const session = shortId(job.id);
  if (!isFinal(job.state)) return { ephemeral: `Session ${session} is still ${job.state.replace(/_/g, ' ')}; push it once it has finished.` };
  if (!job.result?.branch || !job.result.ship || job.result.ship.commits === 0) return { ephemeral: `Session ${session} has no commits of its own, so there is nothing to push.` };
  if (!machines.ship) return { ephemeral: 'This bridge cannot ship sessions.' };
  const by = user.displayName ?? user.userId;
  await store.audit({ at: clock.now(), actor: `${user.platform}:${user.userId}`, action: wanted.action === 'push' ? 'ship_push' : 'ship_pr', jobId: job.id, detail: { branch: job.result.branch, draft: wanted.draft } });
  const link = threadUrl(job.thread, deps.threadLinks);
  try {
    const answer = await machines.ship(job, { action: wanted.action, draft: wanted.draft, requester: { platform: job.thread.platform, name: by }, ...(link ? { threadUrl: link } : {}) });
    if (answer === false) return { ephemeral: 'Your machine is offline, so nothing was pushed. Press again when it is back.' };
    await notifier.post(job.thread, shippedMessage(job, answer.shipped, answer.notice, by));
    return {};
  } catch (thrown) {
    const error = asDispatchError(thrown);
    logger.info('shipping refused', { jobId: job.id, code: error.code, error: error.message });
    const what = wanted.action === 'push' ? 'push the branch' : 'open the pull request';
    await notifier.post(job.thread, { ...note(`Could not ${what}: ${error.message}`, 'error'), mention: job.owner });
    return {};
  }
}
