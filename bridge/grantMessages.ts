import type { ApprovalRequest, Grant } from '../shared/sessions.js';
import { buttonValue } from './buttons.js';
import type { Button, OutgoingMessage } from './chat.js';
import type { JobRecord } from './store/store.js';

/** What the bot says about standing grants ("Approve 30 min"), in platform-neutral form. */

const MINUTE_MS = 60_000;

/** "10:42": the bridge's local time of day, 24-hour (the bridge does not know each reader's zone). */
export function clockTime(at: number): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));
}

/** Whole minutes left, never "0 min left" while the grant still holds. */
function minutesLeft(grant: Grant, now: number): number {
  return Math.max(1, Math.ceil((grant.expiresAt - now) / MINUTE_MS));
}

/** What a grant covers, as a person reads it: "`npm test`", "`git commit`", or the tool ("`edit`"). */
export function grantCovers(request: ApprovalRequest): string {
  const [tool, ...rest] = request.scope.split(' ');
  return `\`${rest.length > 0 ? rest.join(' ') : tool}\``;
}

export function endGrantButton(job: JobRecord, grantId: string): Button {
  return { label: 'End grant', value: buttonValue({ kind: 'end_grant', jobId: job.id, grantId }), style: 'danger' };
}

/**
 * A call that ran without asking because of a grant: says which grant, since when and for
 * how long still, and offers to end it (the press asks again next time).
 */
export function grantedMessage(job: JobRecord, request: ApprovalRequest, grant: Grant, now: number): OutgoingMessage {
  const minutes = Math.round((grant.expiresAt - grant.grantedAt) / MINUTE_MS);
  const shown = request.command?.join(' ');
  const command = shown && !request.summary.includes(shown) ? `\n\`${shown}\`` : '';
  return {
    title: `Approved by your ${minutes}-minute grant from ${clockTime(grant.grantedAt)} (${minutesLeft(grant, now)} min left)`,
    text: `${request.summary}${command}\nThe grant covers ${grantCovers(request)} in your sessions in this repository on this machine.`,
    buttons: [endGrantButton(job, grant.grantId)],
    tone: 'info',
  };
}

/** The approval message once "Approve N min" was pressed: what the grant now covers, until when, and End grant. */
export function grantGivenMessage(job: JobRecord, request: ApprovalRequest, minutes: number, by: string, now: number): OutgoingMessage {
  const repo = job.repo ? `repository ${job.repo}` : 'this repository';
  return {
    title: `Approved for ${minutes} min by ${by}`,
    text: `${request.summary}\nUntil ${clockTime(now + minutes * MINUTE_MS)}, ${grantCovers(request)} runs without asking in your sessions in ${repo} on this machine.`,
    buttons: [endGrantButton(job, request.requestId)],
    tone: 'success',
  };
}

/** After End grant: the grant is gone (or had already gone). */
export function grantEndedMessage(ended: boolean, by: string): OutgoingMessage {
  return ended
    ? { title: `Grant ended by ${by}`, text: 'The next such step asks for approval again.', tone: 'info' }
    : { title: 'Grant already over', text: 'It had expired or was ended already: the next such step asks for approval.', tone: 'info' };
}
