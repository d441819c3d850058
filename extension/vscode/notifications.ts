import * as vscode from 'vscode';
import { isFinal } from '../../shared/sessions.js';
import { plainText, shortenTask, STATE_LABEL } from './model/format.js';
import type { SessionChange } from './runnerClient.js';
import { notificationLevel } from './settings.js';

/**
 * Tells the user when a session needs approval or finishes (dispatch.notifications:
 * all, approvals, off). Buttons run the same commands as the tree.
 */
export function notifyOnChange({ session, event }: SessionChange): void {
  const level = notificationLevel();
  if (level === 'off') return;
  const task = `"${shortenTask(session.job.task, 50)}"`;
  if (event.kind === 'approval_requested') {
    void vscode.window.showWarningMessage(`Dispatch: ${task} needs approval — ${plainText(event.request.summary)}`, 'Approve once', 'Deny', 'Open').then((choice) => {
      const command = choice === 'Approve once' ? 'dispatch.session.approve' : choice === 'Deny' ? 'dispatch.session.deny' : choice === 'Open' ? 'dispatch.session.open' : undefined;
      if (command) void vscode.commands.executeCommand(command, session.sessionId, event.request.requestId);
    });
    return;
  }
  if (level === 'all' && event.kind === 'state' && isFinal(event.state)) {
    // A session that ended because someone denied a request did what it was told: no red toast.
    const denied = event.state === 'failed' && /\bdenied\b/i.test(`${session.result?.error ?? ''} ${session.result?.summary ?? ''}`);
    const show = event.state === 'failed' && !denied ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    const ending = denied ? 'stopped: a request was denied' : STATE_LABEL[event.state];
    void show(`Dispatch: ${task} ${ending}.`, 'Open', 'Show Changes').then((choice) => {
      if (choice === 'Open') void vscode.commands.executeCommand('dispatch.session.open', session.sessionId);
      if (choice === 'Show Changes') void vscode.commands.executeCommand('dispatch.session.showChanges', session.sessionId);
    });
  }
}
