import * as vscode from 'vscode';
import { isFinal } from '../../shared/sessions.js';
import { shortenTask, STATE_LABEL } from './model/format.js';
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
    void vscode.window.showWarningMessage(`Dispatch: ${task} needs approval — ${event.request.summary}`, 'Approve once', 'Deny', 'Open').then((choice) => {
      const command = choice === 'Approve once' ? 'dispatch.session.approve' : choice === 'Deny' ? 'dispatch.session.deny' : choice === 'Open' ? 'dispatch.session.open' : undefined;
      if (command) void vscode.commands.executeCommand(command, session.sessionId, event.request.requestId);
    });
    return;
  }
  if (level === 'all' && event.kind === 'state' && isFinal(event.state)) {
    const show = event.state === 'failed' ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
    void show(`Dispatch: ${task} ${STATE_LABEL[event.state]}.`, 'Open', 'Show Changes').then((choice) => {
      if (choice === 'Open') void vscode.commands.executeCommand('dispatch.session.open', session.sessionId);
      if (choice === 'Show Changes') void vscode.commands.executeCommand('dispatch.session.showChanges', session.sessionId);
    });
  }
}
