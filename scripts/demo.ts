/**
 * `npm run demo`: builds and packages the extension, then starts the embedded set-up — an assistance
 * server, a display to share (Xvfb unless $DISPLAY is set), and two VS Code workbenches (code-server)
 * for Alice and Bob — and prints the two addresses. Ctrl+C stops everything it started.
 */
import { execFileSync } from 'child_process';
import { join } from 'path';
import { ALICE, BOB, EmbeddedStack, REPO_ROOT } from './stack/EmbeddedStack';

const LOG_DIR = join(REPO_ROOT, 'test-results', 'demo');

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  say('Remote Assist demo: building and packaging the extension…');
  execFileSync('bash', [join(REPO_ROOT, 'scripts/package.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });

  const stack = new EmbeddedStack({ logDir: LOG_DIR, existingDisplay: process.env.DISPLAY || undefined, host: process.env.DEMO_HOST || undefined, signedIn: true });
  let stopping: Promise<void> | undefined;
  const stop = (why: string) => {
    stopping ??= (async () => {
      say(`\n${why}: stopping the demo…`);
      await stack.stop();
      say('Stopped. Nothing is left running.');
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('Ctrl+C'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGHUP', () => stop('SIGHUP'));

  say('Starting the assistance server, the shared display and two workbenches…');
  await stack.start();
  say('');
  say(`  Alice (asks for help, shares display ${stack.sharedDisplay.display}): ${stack.workbench(ALICE).url}`);
  say(`  Bob   (helps):                                 ${stack.workbench(BOB).url}`);
  say(`  assistance server: ${stack.assistServer.url}      logs: ${LOG_DIR}`);
  say('');
  say('Open both addresses in two browser tabs. Press Ctrl+C to stop.');
}

main().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
