import * as vscode from 'vscode';
import type { DispatchApi } from './api.js';
import { registerLinkCommands } from './commands/linkCommands.js';
import { registerMaintenanceCommands } from './commands/maintenanceCommands.js';
import { registerSessionCommands } from './commands/sessionCommands.js';
import { Container } from './container.js';
import { channelLogger } from './logger.js';

let current: Container | undefined;

export function activate(context: vscode.ExtensionContext): DispatchApi {
  const channel = vscode.window.createOutputChannel('Dispatch', { log: true });
  const container = new Container(context, channel, channelLogger(channel));
  current = container;
  context.subscriptions.push(
    channel,
    container,
    ...registerSessionCommands(container),
    ...registerLinkCommands(container),
    ...registerMaintenanceCommands(container),
  );
  container.start();
  return { container };
}

/** Waits for the runner to stop cleanly (it journals and winds sessions down) before the host exits. */
export async function deactivate(): Promise<void> {
  await current?.client.stop();
  current = undefined;
}
