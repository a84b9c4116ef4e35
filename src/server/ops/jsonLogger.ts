import pino from 'pino';
import type { Logger, LogFields } from '../../common/logger';

/**
 * The standalone server's log: one JSON line per event on stderr (pino), e.g.
 * `{"level":"info","time":"2026-…Z","pid":7,"event":"signIn.ok","alias":"alice","address":"10.0.0.7","msg":"alice signed in from 10.0.0.7"}`.
 * Written synchronously, so the last lines before an exit are never lost; stdout keeps the one "listening" line.
 */
export function jsonLogger(verbose: boolean, fd = 2): Logger {
  const log = pino(
    {
      level: verbose ? 'debug' : 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: fd, sync: true }),
  );
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (fields) log[level](fields, message);
      else log[level](message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
