import { DispatchError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from './store/store.js';

/** Refuses, changing nothing, when any of these jobs belongs to another machine than the link's. */
export async function refuseForeignJobs(store: Store, logger: Logger, machineId: string, sessionIds: Iterable<string>): Promise<void> {
  const foreign: string[] = [];
  for (const sessionId of new Set(sessionIds)) {
    const job = await store.getJob(sessionId);
    if (job !== undefined && job.machineId !== machineId) foreign.push(sessionId);
  }
  if (foreign.length > 0) {
    logger.warn('runner spoke for another machine’s jobs; refused', { machineId, jobs: foreign.length });
    throw new DispatchError('forbidden', `Refused: ${foreign.length === 1 ? `session ${foreign[0]} belongs` : `${foreign.length} sessions belong`} to another machine. A machine can only speak for its own jobs; nothing was recorded.`);
  }
}
