/**
 * The one error type of Dispatch. Domain code throws it with a stable string code;
 * only boundaries (chat listeners, RPC handlers, CLI commands) catch, log and tell the
 * user `message`, which is written to be read by a person.
 */
export type ErrorCode =
  | 'bad_input'
  | 'bad_config'
  | 'not_found'
  | 'not_a_repository'
  | 'empty_repository'
  | 'unsupported_task'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'conflict'
  | 'offline'
  | 'cancelled'
  | 'agent_failed'
  | 'storage_full'
  | 'internal';

/** An error with a code a program can branch on and a message a person can act on. */
export class DispatchError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DispatchError';
  }
}

/** Wraps anything thrown into a DispatchError, keeping an existing one as it is. */
export function asDispatchError(thrown: unknown): DispatchError {
  if (thrown instanceof DispatchError) return thrown;
  if (thrown instanceof Error) return new DispatchError('internal', thrown.message);
  return new DispatchError('internal', String(thrown));
}
