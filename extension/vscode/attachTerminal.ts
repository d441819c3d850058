import * as vscode from 'vscode';
import { DispatchError } from '../../shared/errors.js';
import { shortId } from '../../shared/ids.js';
import { isFinal, type SessionSnapshot } from '../../shared/sessions.js';

/** The terminal's name: the tab shows it, and a second press finds the open one by it. */
export function attachTerminalName(sessionId: string): string {
  return `Dispatch ${shortId(sessionId)}`;
}

/**
 * `dispatch attach <id>` in the session's worktree, as an integrated terminal. The CLI is
 * the bundled runner (`dist/runner.cjs attach`, in the dev checkout and the VSIX alike),
 * run by the Node the editor starts its runner with: the extension host's own executable
 * (Electron as Node in VS Code, where ELECTRON_RUN_AS_NODE makes it one). Not through the
 * user's shell: no quoting, and no `dispatch` on the PATH needed. DISPATCH_HOME is the
 * editor runner's, so attach reads the same journal.
 */
export function attachTerminalOptions(runnerModule: string, session: SessionSnapshot, home: string): vscode.TerminalOptions {
  if (!isFinal(session.state)) throw new DispatchError('conflict', `Session ${shortId(session.sessionId)} is ${session.state.replace(/_/g, ' ')}: cancel it first, or wait for it to finish.`);
  if (!session.worktree) throw new DispatchError('not_found', `Session ${shortId(session.sessionId)} has no worktree to continue in.`);
  return {
    name: attachTerminalName(session.sessionId),
    cwd: session.worktree,
    shellPath: process.execPath,
    shellArgs: [runnerModule, 'attach', session.sessionId],
    env: { DISPATCH_HOME: home, ELECTRON_RUN_AS_NODE: '1' },
    iconPath: new vscode.ThemeIcon('terminal'),
  };
}

/** Shows the session's attached terminal if one is open, else opens one. */
export function openAttachTerminal(options: vscode.TerminalOptions): vscode.Terminal {
  const open = vscode.window.terminals.find((terminal) => terminal.name === options.name && terminal.exitStatus === undefined);
  const terminal = open ?? vscode.window.createTerminal(options);
  terminal.show();
  return terminal;
}
