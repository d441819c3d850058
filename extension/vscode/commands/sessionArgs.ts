import * as vscode from 'vscode';
import { shortId } from '../../../shared/ids.js';
import type { SessionSnapshot } from '../../../shared/sessions.js';
import { shortenTask, STATE_LABEL } from '../model/format.js';
import type { SessionModel } from '../model/sessionModel.js';
import type { SessionNode } from '../sessionTreeProvider.js';

/**
 * The session a command is about: a tree node (context menu, inline action), a session
 * id (notifications, panels, other commands), or — from the palette — the user's pick
 * among the sessions `eligible` allows. Undefined when there is none or the user backs out.
 */
export async function sessionFromArgument(model: SessionModel, argument: unknown, eligible: (session: SessionSnapshot) => boolean, placeHolder: string): Promise<SessionSnapshot | undefined> {
  if (typeof argument === 'string') return model.get(argument);
  if (isSessionNode(argument)) return model.get(argument.session.sessionId) ?? argument.session;
  const candidates = model.all().filter(eligible).sort((a, b) => b.updatedAt - a.updatedAt);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('Dispatch: no session to do that with.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((session) => ({
      label: shortenTask(session.job.task),
      description: `${shortId(session.sessionId)} · ${session.repo ?? ''} · ${STATE_LABEL[session.state]}`,
      session,
    })),
    { placeHolder },
  );
  return picked?.session;
}

function isSessionNode(value: unknown): value is Extract<SessionNode, { kind: 'session' }> {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'session' && typeof (value as { session?: { sessionId?: unknown } }).session?.sessionId === 'string';
}
