import type * as vscode from 'vscode';
import type { LogFields, Logger } from '../../shared/logger.js';

/** The shared Logger interface over the "Dispatch" LogOutputChannel (levels are the channel's). */
export function channelLogger(channel: vscode.LogOutputChannel, base: LogFields = {}): Logger {
  const line = (message: string, fields?: LogFields): string => {
    const merged = { ...base, ...fields };
    return Object.keys(merged).length ? `${message} ${JSON.stringify(merged)}` : message;
  };
  return {
    debug: (message, fields) => channel.debug(line(message, fields)),
    info: (message, fields) => channel.info(line(message, fields)),
    warn: (message, fields) => channel.warn(line(message, fields)),
    error: (message, fields) => channel.error(line(message, fields)),
    child: (fields) => channelLogger(channel, { ...base, ...fields }),
  };
}
