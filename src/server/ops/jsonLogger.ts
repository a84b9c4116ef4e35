import pino from 'pino';
import type { Logger, LogFields } from '../../common/logger';

/** The standalone server's log, and how to get every line written before the process exits. */
export interface JsonLogger extends Logger {
  /**
   * Resolves once every line logged so far is written (graceful shutdown, before process.exit); lines logged
   * after it are written synchronously.
   */
  flush(): Promise<void>;
}

/**
 * The standalone server's log: one JSON line per event on stderr (pino), e.g.
 * `{"level":"info","time":"2026-…Z","pid":7,"event":"signIn.ok","alias":"alice","address":"10.0.0.7","msg":"alice signed in from 10.0.0.7"}`.
 * Written asynchronously (pino's sonic-boom destination: lines logged while a write is in flight go out
 * together in the next one), so a busy server does not stop for each line; stdout keeps the one "listening"
 * line. Nothing is lost on the way out: a graceful shutdown awaits flush(), and any other exit (a crash, an
 * uncaught error, process.exit) writes what is still buffered synchronously in the 'exit' handler.
 */
export function jsonLogger(verbose: boolean, fd = 2): JsonLogger {
  const options: pino.LoggerOptions = {
    level: verbose ? 'debug' : 'info',
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const destination = pino.destination({ dest: fd, sync: false });
  let log = pino(options, destination);
  let ended = false;
  process.on('exit', () => {
    try {
      if (!ended) destination.flushSync();
    } catch {
      // the destination was never opened or is already closed: nothing buffered to write
    }
  });
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: LogFields): void => {
      if (fields) log[level](fields, message);
      else log[level](message);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    flush: async () => {
      if (ended) return;
      ended = true;
      // end() writes what is buffered, then reports 'close' (stderr itself stays open)
      const closed = new Promise<void>((resolve) => destination.once('close', () => resolve()));
      destination.end();
      await closed;
      log = pino(options, pino.destination({ dest: fd, sync: true }));
    },
  };
}
