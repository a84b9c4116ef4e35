/**
 * The assistance network server the extension runs itself (direct invitation links, Start a Team Server), loaded
 * on first use: the server, its SQLite and Redis code are a bundle of their own (dist/embedded-server.js, see
 * esbuild.js), so activating the extension does not load them.
 */
import type { RunningServer, ServerOptions } from '../server/startServer';

export type { RunningServer };

export async function startEmbeddedServer(options: ServerOptions): Promise<RunningServer> {
  // a require inside the function: the bundle turns it into require('./embedded-server.js'), run on first use
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startServer } = require('../server/startServer') as typeof import('../server/startServer');
  return startServer(options);
}
