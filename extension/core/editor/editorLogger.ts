import type { MessageConnection } from 'vscode-jsonrpc/node';
import type { LogFields, Logger } from '../../../shared/logger.js';

/** LSP `MessageType`: what the editor's output channel uses to pick a level. */
const LEVEL = { error: 1, warn: 2, info: 3, debug: 5 } as const;

/**
 * The runner's logger when the editor runs it: each line goes to the editor as LSP
 * `window/logMessage`, which vscode-languageclient writes to the "Dispatch" output
 * channel. Stdout carries the protocol, so nothing may print there.
 */
export function editorLogger(connection: MessageConnection, base: LogFields = {}): Logger {
  const send = (level: keyof typeof LEVEL, message: string, fields?: LogFields): void => {
    const merged = { ...base, ...fields };
    const suffix = Object.keys(merged).length ? ` ${JSON.stringify(merged)}` : '';
    // A closed connection (the editor went away) must not turn logging into a crash; it throws at once.
    try {
      connection.sendNotification('window/logMessage', { type: LEVEL[level], message: `${message}${suffix}` }).catch(() => undefined);
    } catch {
      // Nobody is listening any more.
    }
  };
  return {
    debug: (message, fields) => send('debug', message, fields),
    info: (message, fields) => send('info', message, fields),
    warn: (message, fields) => send('warn', message, fields),
    error: (message, fields) => send('error', message, fields),
    child: (fields) => editorLogger(connection, { ...base, ...fields }),
  };
}
