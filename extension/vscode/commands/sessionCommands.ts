import * as vscode from 'vscode';
import { shortId } from '../../../shared/ids.js';
import { isFinal, type ApprovalRequest, type SessionSnapshot } from '../../../shared/sessions.js';
import { attachTerminalOptions, openAttachTerminal } from '../attachTerminal.js';
import type { Container } from '../container.js';
import { guarded } from './guarded.js';
import { sessionFromArgument } from './sessionArgs.js';

/** Which pending request an approve/deny is about: the one named, the only one, or the user's pick. */
async function requestOf(session: SessionSnapshot, requestId: unknown): Promise<ApprovalRequest | undefined> {
  const pending = session.pendingApprovals;
  const named = typeof requestId === 'string' ? pending.find((request) => request.requestId === requestId) : undefined;
  if (named || pending.length <= 1) return named ?? pending[0];
  const picked = await vscode.window.showQuickPick(pending.map((request) => ({ label: request.summary, description: request.tool, request })), { placeHolder: 'Which request?' });
  return picked?.request;
}

/** Open, Approve, Deny, Cancel, Open Worktree, Show Changes, Continue in Terminal. */
export function registerSessionCommands(container: Container): vscode.Disposable[] {
  const { model, client } = container;
  const pick = (argument: unknown, eligible: (session: SessionSnapshot) => boolean, placeHolder: string) => sessionFromArgument(model, argument, eligible, placeHolder);
  const waiting = (session: SessionSnapshot) => session.pendingApprovals.length > 0;
  const withWorktree = (session: SessionSnapshot) => Boolean(session.worktree);

  const decide = async (argument: unknown, requestId: unknown, verdict: 'approve' | 'deny') => {
    const session = await pick(argument, waiting, verdict === 'approve' ? 'Approve which session?' : 'Deny which session?');
    if (!session) return;
    // A toast (or another window) names a request: if it was answered meanwhile, say so — never answer another one.
    const stale = typeof requestId === 'string' ? container.answered.staleness(model.get(session.sessionId), requestId) : undefined;
    if (stale) {
      void vscode.window.showInformationMessage(`Dispatch: ${stale}`);
      return;
    }
    const request = await requestOf(session, requestId);
    if (!request) {
      void vscode.window.showInformationMessage(`Dispatch: session ${shortId(session.sessionId)} is not waiting for approval.`);
      return;
    }
    await client.request('approval/decide', {
      sessionId: session.sessionId,
      decision: verdict === 'approve' ? { requestId: request.requestId, decision: 'approve_once' } : { requestId: request.requestId, decision: 'deny' },
    });
  };

  const commands: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    'dispatch.session.open': async (argument) => {
      const session = await pick(argument, () => true, 'Open which session?');
      if (session) return container.panels.createOrShow(session.sessionId);
      return undefined;
    },
    'dispatch.session.approve': (argument, requestId) => decide(argument, requestId, 'approve'),
    'dispatch.session.deny': (argument, requestId) => decide(argument, requestId, 'deny'),
    'dispatch.session.cancel': async (argument) => {
      const session = await pick(argument, (candidate) => !isFinal(candidate.state), 'Cancel which session?');
      if (!session) return;
      await client.request('session/cancel', { sessionId: session.sessionId });
      container.logger.info('session cancelled from the editor', { sessionId: session.sessionId });
    },
    'dispatch.session.openWorktree': async (argument) => {
      const session = await pick(argument, withWorktree, 'Open the worktree of which session?');
      if (!session?.worktree) return;
      await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(session.worktree), { forceNewWindow: true });
    },
    'dispatch.session.showChanges': async (argument) => {
      const session = await pick(argument, withWorktree, 'Show the changes of which session?');
      if (session) return container.changes.show(session.sessionId);
      return undefined;
    },
    // attach refuses a running session; the menu and the panel offer this only for finished ones.
    'dispatch.session.continueInTerminal': async (argument) => {
      const session = await pick(argument, (candidate) => isFinal(candidate.state) && withWorktree(candidate), 'Continue which session in a terminal?');
      if (!session) return undefined;
      const { home } = await client.request('runner/info', {});
      const terminal = openAttachTerminal(attachTerminalOptions(container.context.asAbsolutePath('dist/runner.cjs'), session, home));
      container.logger.info('session continued in a terminal', { sessionId: session.sessionId });
      return terminal;
    },
  };
  return Object.entries(commands).map(([id, body]) => vscode.commands.registerCommand(id, guarded(container, id, body)));
}
