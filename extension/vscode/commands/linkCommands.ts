import * as vscode from 'vscode';
import type { Container } from '../container.js';
import { TOKEN_SECRET } from '../runnerClient.js';
import { guarded } from './guarded.js';

/** Show Pairing Code, Connect, Disconnect, Set Runner Token. */
export function registerLinkCommands(container: Container): vscode.Disposable[] {
  const { client, context } = container;

  const setToken = async (): Promise<boolean> => {
    const token = await vscode.window.showInputBox({
      title: 'Dispatch runner token',
      prompt: "The bridge's runner token (DISPATCH_RUNNER_TOKEN). Stored in the editor's secret storage.",
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim().length >= 16 ? undefined : 'The token is at least 16 characters.'),
    });
    if (!token) return false;
    await context.secrets.store(TOKEN_SECRET, token.trim());
    await client.restart();
    return true;
  };

  const commands: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    'dispatch.pairing.show': async () => {
      const { code, expiresAt, machineName } = await client.request('pairing/create', {});
      const minutes = Math.max(1, Math.round((expiresAt - Date.now()) / 60_000));
      const choice = await vscode.window.showInformationMessage(`Dispatch: send the bot "pair ${code}" to pair with ${machineName} (valid ${minutes} min, once).`, 'Copy');
      if (choice) await vscode.env.clipboard.writeText(`pair ${code}`);
      return code;
    },
    'dispatch.link.connect': async () => {
      const link = client.link;
      if (link?.status === 'unauthorized') return setToken();
      if (link?.status === 'unconfigured') {
        if (!vscode.workspace.getConfiguration('dispatch').get<string>('bridgeUrl')) {
          await vscode.commands.executeCommand('workbench.action.openSettings', 'dispatch.bridgeUrl');
          return undefined;
        }
        return setToken();
      }
      return client.request('link/connect', {});
    },
    'dispatch.link.disconnect': () => client.request('link/disconnect', {}),
    'dispatch.link.setToken': setToken,
  };
  return Object.entries(commands).map(([id, body]) => vscode.commands.registerCommand(id, guarded(container, id, body)));
}
