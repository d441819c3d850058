/** Structured fields attached to a log line. Never put a token in them. */
export type LogFields = Record<string, unknown>;

/**
 * The one logger interface. The bridge backs it with pino (JSON lines), the editor with
 * a LogOutputChannel, tests with `silentLogger`.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** A logger that drops everything (tests, libraries used without a host). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
