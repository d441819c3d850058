import * as vscode from 'vscode';
import { asDispatchError } from '../../../shared/errors.js';
import type { Container } from '../container.js';

/** Runs a command body; a failure is logged and shown as something the user can act on. */
export function guarded(container: Container, name: string, body: (...args: unknown[]) => Promise<unknown>): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    try {
      return await body(...args);
    } catch (error) {
      const dispatchError = asDispatchError(error);
      container.logger.error(`${name} failed`, { code: dispatchError.code, error: dispatchError.message });
      void vscode.window.showErrorMessage(`Dispatch: ${dispatchError.message}`, 'Show Logs').then((choice) => {
        if (choice) container.channel.show();
      });
      return undefined;
    }
  };
}
