/**
 * "Start a Team Server on This Machine": the assistance server for a team on one LAN, bound to this machine's
 * LAN address, over TLS with a generated certificate that teammates pin by its fingerprint (carried in the
 * address they paste), and a random join password so only people given it can create accounts. Certificate,
 * password and port are kept in the data directory, so the address teammates saved keeps working.
 */
import type { IceOptions } from '../server/IceCredentials';
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { z } from 'zod';
import type { Logger } from '../common/logger';
import { pinnedServerAddress } from '../network/serverAddress';
import { generateLanCertificate } from '../server/LanCertificate';
import { RunningServer, startEmbeddedServer } from './EmbeddedServer';

const CERTIFICATE_DAYS = 365;

const Saved = z.object({
  address: z.string(),
  port: z.number().int().min(0).max(65535),
  cert: z.string(),
  key: z.string(),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  notAfter: z.number(),
  joinPassword: z.string().min(16),
});
type Saved = z.infer<typeof Saved>;

export interface TeamServer {
  readonly server: RunningServer;
  /** What teammates paste as their server address: `wss://address:port/#sha256=<fingerprint>`. */
  readonly address: string;
  readonly fingerprint: string;
  readonly joinPassword: string;
}

export async function startTeamServer(dataDir: string, address: string, inviteExpiryMs: number, ice: IceOptions, log: Logger): Promise<TeamServer> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'team-server.json');
  let saved = load(file, log);
  if (!saved || saved.address !== address || saved.notAfter < Date.now() + 7 * 86_400_000) {
    const certificate = await generateLanCertificate(address, CERTIFICATE_DAYS);
    saved = {
      address,
      port: 0,
      ...certificate,
      notAfter: Date.now() + CERTIFICATE_DAYS * 86_400_000,
      joinPassword: saved?.joinPassword ?? randomBytes(12).toString('base64url'),
    };
  }
  const options = { host: address, dataDir, tls: { cert: saved.cert, key: saved.key }, joinPassword: saved.joinPassword, inviteExpiryMs, ...ice, logger: log };
  let server: RunningServer;
  try {
    server = await startEmbeddedServer({ ...options, port: saved.port });
  } catch (err) {
    if (saved.port === 0) throw err;
    log.warn(`team server: port ${saved.port} is taken (${err instanceof Error ? err.message : String(err)}); picking a free one`);
    server = await startEmbeddedServer({ ...options, port: 0 });
  }
  saved = { ...saved, port: server.port };
  writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
  return { server, address: pinnedServerAddress(server.url, saved.fingerprint), fingerprint: saved.fingerprint, joinPassword: saved.joinPassword };
}

function load(file: string, log: Logger): Saved | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return Saved.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    log.warn(`team server: ignoring ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
