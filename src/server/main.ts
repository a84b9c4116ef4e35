import { runAccountsCommand } from './admin/accountsCommand';
import { HELP, parseCli, stderrLogger } from './cli';
import { startServer } from './startServer';

/** CLI entry: `node dist/server.js --port 7420 --data DIR …`; stops cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  if (process.argv[2] === 'accounts') {
    process.exitCode = runAccountsCommand(process.argv.slice(3), process.stdout, process.stderr);
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
  const logger = stderrLogger(parsed.verbose);
  const server = await startServer({ ...parsed.options, logger });
  // one line on stdout so scripts and tests can find the address
  process.stdout.write(`${JSON.stringify({ listening: server.url, port: server.port })}\n`);
  const stop = (signal: string) => {
    logger.info(`${signal}: shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`server failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
