import { z } from 'zod';

/**
 * Button values travel through chat platforms and come back from anyone who can click,
 * so they are parsed and validated here, never trusted. Shape: `verb:jobId[:arg]`, or `code:replyId`.
 */
const id = z.string().regex(/^[A-Za-z0-9-]{1,100}$/);

export type ButtonAction =
  | { kind: 'approve_once'; jobId: string; requestId: string }
  | { kind: 'approve_for'; jobId: string; requestId: string; minutes: number }
  | { kind: 'deny'; jobId: string; requestId: string }
  | { kind: 'cancel'; jobId: string }
  /** "End grant": ends the standing grant `grantId` (the id of the request it was given on) early. */
  | { kind: 'end_grant'; jobId: string; grantId: string }
  | { kind: 'choose_repo'; jobId: string; repo: string }
  /** "Run as a Code session" on a Cowork reply: the stored reply's id (its text is too long for a button). */
  | { kind: 'run_as_code'; replyId: string }
  /** Runs a check in the same session instead of a refused task ("Run the tests instead"). */
  | { kind: 'instead'; jobId: string; check: 'test' | 'lint' | 'build' }
  /** Push branch / Open pull request on a finished session (the press is the approval). */
  | { kind: 'ship'; jobId: string; action: 'push' | 'pr'; draft: boolean };

/** Encodes an action as a button value (≤ 2,000 characters, Slack's and Discord's limits are 2,000 and 100). */
export function buttonValue(action: ButtonAction): string {
  switch (action.kind) {
    case 'approve_once':
      return `ok1:${action.jobId}:${action.requestId}`;
    case 'approve_for':
      return `okt${action.minutes}:${action.jobId}:${action.requestId}`;
    case 'deny':
      return `no:${action.jobId}:${action.requestId}`;
    case 'cancel':
      return `cancel:${action.jobId}`;
    case 'end_grant':
      return `endgrant:${action.jobId}:${action.grantId}`;
    case 'choose_repo':
      return `repo:${action.jobId}:${action.repo}`;
    case 'run_as_code':
      return `code:${action.replyId}`;
    case 'instead':
      return `instead:${action.jobId}:${action.check}`;
    case 'ship':
      return `${action.action === 'push' ? 'push' : action.draft ? 'prd' : 'pr'}:${action.jobId}`;
  }
}

/** Parses a pressed button's value; undefined when it is not one of ours. */
export function parseButtonValue(value: string): ButtonAction | undefined {
  if (value.length > 400) return undefined;
  const [verb, jobId, arg, extra] = value.split(':');
  if (extra !== undefined || !verb || !id.safeParse(jobId).success) return undefined;
  const job = jobId!;
  if (verb === 'code') return arg === undefined ? { kind: 'run_as_code', replyId: job } : undefined;
  if (verb === 'cancel') return arg === undefined ? { kind: 'cancel', jobId: job } : undefined;
  if (verb === 'instead') return arg === 'test' || arg === 'lint' || arg === 'build' ? { kind: 'instead', jobId: job, check: arg } : undefined;
  if (verb === 'push' || verb === 'pr' || verb === 'prd') {
    return arg === undefined ? { kind: 'ship', jobId: job, action: verb === 'push' ? 'push' : 'pr', draft: verb !== 'pr' } : undefined;
  }
  if (verb === 'repo') return arg && /^[\w.-]{1,200}$/.test(arg) ? { kind: 'choose_repo', jobId: job, repo: arg } : undefined;
  if (!id.safeParse(arg).success) return undefined;
  const requestId = arg!;
  if (verb === 'ok1') return { kind: 'approve_once', jobId: job, requestId };
  if (verb === 'no') return { kind: 'deny', jobId: job, requestId };
  if (verb === 'endgrant') return { kind: 'end_grant', jobId: job, grantId: requestId };
  const minutes = /^okt(\d{1,4})$/.exec(verb)?.[1];
  if (minutes && Number(minutes) >= 1 && Number(minutes) <= 1440) return { kind: 'approve_for', jobId: job, requestId, minutes: Number(minutes) };
  return undefined;
}
