import { runAccountsCommand } from './admin/accountsCommand';
import { HELP, parseCli } from './cli';
import { jsonLogger } from './ops/jsonLogger';
import { PromMetrics } from './ops/PromMetrics';
import { startServer } from './startServer';

/**
 * CLI entry: `node dist/server.js --port 7420 --data DIR …`. Logs JSON lines, serves /metrics, and on
 * SIGTERM/SIGINT hands its clients to the other processes (they reconnect) before it exits 0.
 */
async function main(): Promise<void> {
  if (process.argv[2] === 'accounts') {
    process.exitCode = await runAccountsCommand(process.argv.slice(3), process.stdout, process.stderr);
    return;
  }
  let parsed;
  try {
    parsed = parseCli(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}\n`);
    process.exit(2);
  }
  if (parsed.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const logger = jsonLogger(parsed.verbose);
  const server = await startServer({ ...parsed.options, logger, metrics: new PromMetrics() });
  // one line on stdout so scripts and tests can find the address
  process.stdout.write(`${JSON.stringify({ listening: server.url, port: server.port })}\n`);
  const stop = (signal: string) => {
    logger.info(`${signal}: shutting down; clients are asked to reconnect`, { event: 'shutdown', signal, clients: server.connectionCount, graceMs: parsed.shutdownGraceMs });
    server.shutdown(parsed.shutdownGraceMs).then(
      async () => {
        logger.info('stopped', { event: 'stopped' });
        // the log is written asynchronously: every line reaches stderr before the exit
        await logger.flush();
        process.exit(0);
      },
      async (err: unknown) => {
        logger.error(`shutdown failed: ${err instanceof Error ? err.message : String(err)}`, { event: 'shutdown.failed' });
        await logger.flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
