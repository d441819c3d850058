import type { Clock } from '../../shared/clock.js';
import { asDispatchError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { AttachWatch } from './attachWatch.js';
import type { SessionStore } from './sessionStore.js';

export interface AttachedSessionsContext {
  home: string;
  clock: Clock;
  store: SessionStore;
  logger: Logger;
  /** The runner's follow-up: a held one runs through it once the terminal gives the session back. */
  followUp: (sessionId: string, text: string) => Promise<void>;
}

/**
 * The runner's wiring of `dispatch attach` (another process may have a session in a
 * terminal; see attachWatch.ts): what the watch notices reaches the session's thread as
 * progress, and the follow-ups it held run as the session's next turn.
 */
export function watchAttachedSessions(context: AttachedSessionsContext): AttachWatch {
  const { home, clock, store, logger, followUp } = context;
  return new AttachWatch({
    home,
    now: () => clock.now(),
    note: (sessionId, text) => {
      const record = store.get(sessionId);
      if (record) store.emit(record, { kind: 'progress', text });
    },
    resume: (sessionId, text) =>
      void followUp(sessionId, text).catch((error: unknown) => logger.warn('a held follow-up could not run', { sessionId, error: asDispatchError(error).message })),
  });
}
