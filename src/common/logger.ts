/** Structured fields of one log event (`{ event: 'connection.opened', address: '10.0.0.7' }`). */
export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * Log sink for code outside the extension host; a VS Code LogOutputChannel fits it (it appends the fields).
 * The standalone server writes each call as one JSON line with the fields as properties (see src/server/ops).
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
