import * as vscode from 'vscode';
import type { Container } from '../container.js';
import { guarded } from './guarded.js';

const DAY = 24 * 60 * 60 * 1000;

/** Prune Finished Worktrees, Show Logs, Refresh. */
export function registerMaintenanceCommands(container: Container): vscode.Disposable[] {
  const commands: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    'dispatch.worktrees.prune': async () => {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'Finished more than 7 days ago', olderThanMs: 7 * DAY },
          { label: 'Finished more than a day ago', olderThanMs: DAY },
          { label: 'Every finished session', olderThanMs: 0 },
        ],
        { placeHolder: 'Remove the worktrees of which finished sessions? (Branches are kept.)' },
      );
      if (!choice) return undefined;
      const { removed } = await container.client.request('worktrees/prune', { olderThanMs: choice.olderThanMs, branches: false });
      void vscode.window.showInformationMessage(removed.length ? `Dispatch: removed ${removed.length} worktree${removed.length === 1 ? '' : 's'}.` : 'Dispatch: no worktree to remove.');
      return removed;
    },
    'dispatch.logs.show': async () => container.channel.show(),
    'dispatch.sessions.refresh': () => container.refresh(),
  };
  return Object.entries(commands).map(([id, body]) => vscode.commands.registerCommand(id, guarded(container, id, body)));
}
