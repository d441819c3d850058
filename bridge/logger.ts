import pino from 'pino';
import type { LogFields, Logger } from '../shared/logger.js';

/** Field names whose values are secrets: pino replaces them before anything is written. */
const SECRET_KEYS = ['token', 'authorization', 'cookie', 'apiKey', 'secret', 'password'];

/** Structured JSON logs (pino) to `destination` (default: stderr, so stdout stays for the user). */
export function createBridgeLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  const paths = SECRET_KEYS.flatMap((key) => [key, `*.${key}`]);
  return wrap(pino({ level, base: undefined, redact: { paths, censor: '[redacted]' } }, destination as pino.DestinationStream));
}

function wrap(log: pino.Logger): Logger {
  const at = (method: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: LogFields) =>
    fields ? log[method](fields, message) : log[method](message);
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(log.child(fields)),
  };
}
