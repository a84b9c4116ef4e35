/**
 * Invitation links that need no outside server: the sharer's extension runs the assistance server embedded
 * on a port of this machine and the link names that address. Either side signs in with a throwaway account
 * carrying only a display name; the server's random join password travels in the link, so only link holders
 * can create accounts on it (it listens on the LAN). Links from a team server work the same way through its
 * address.
 */
import { randomBytes } from 'crypto';
import { AddressInfo, createServer } from 'net';
import { networkInterfaces } from 'os';
import { NetworkClient } from '../network/NetworkClient';
import type { Link } from '../protocol/network';
import { RunningServer, startEmbeddedServer } from './EmbeddedServer';
import { IDisposable, DisposableStore } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { formatInvitationLink, InvitationLink } from './InvitationLink';

export interface DirectLinkOptions {
  /** Port to listen on for direct links (0: any free port). */
  readonly port: number;
  /** Address helpers use to reach this machine; empty: its first non-internal IPv4 address. */
  readonly address: string;
}

/** A link to send, and the password to send apart from it (the link alone does not let anyone in). */
export interface CreatedLink {
  readonly link: string;
  readonly password: string;
  readonly expiresAt: number;
}

/** The first LAN address of this machine, or loopback when it has none. */
export function lanAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '0.0.0.0', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function throwawayAlias(): string {
  return `guest-${randomBytes(6).toString('hex')}`;
}

/** The link as shown to the user: the server's address, the link id and expiry, but not the secret. */
export function shareableLink(link: Link, join?: string): CreatedLink {
  const url = new URL(formatInvitationLink(link.url, link.expiresAt, join));
  url.searchParams.delete('secret');
  return { link: url.toString(), password: link.secret, expiresAt: link.expiresAt };
}

export class DirectLinks implements IDisposable {
  private server: RunningServer | undefined;
  private readonly joinKey = randomBytes(18).toString('base64url');
  private sharerClient: NetworkClient | undefined;
  private readonly store = new DisposableStore();

  constructor(
    private readonly watch: (client: NetworkClient) => IDisposable,
    private readonly log: Logger,
  ) {}

  /** Starts the embedded server if needed and creates a single-use link on it. */
  async create(displayName: string, expiresInMs: number, options: DirectLinkOptions): Promise<CreatedLink> {
    if (!this.server) {
      const address = options.address || lanAddress();
      // The link must name the port, so a free one is chosen before the server starts.
      const port = options.port || (await freePort());
      this.server = await startEmbeddedServer({ host: '0.0.0.0', port, publicUrl: `ws://${address}:${port}`, joinPassword: this.joinKey, logger: this.log });
      this.log.info(`direct invitation links served at ws://${address}:${port}`);
    }
    if (!this.sharerClient) {
      const client = new NetworkClient({ logger: this.log });
      await client.connect(`ws://127.0.0.1:${this.server.port}`, { alias: throwawayAlias(), displayName, joinPassword: this.joinKey });
      this.store.add(this.watch(client));
      this.store.add(client);
      this.sharerClient = client;
    }
    return shareableLink(await this.sharerClient.createLink(expiresInMs), this.joinKey);
  }

  /** Creates a link on an already signed-in client (a team server). */
  static async createOn(client: NetworkClient, expiresInMs: number): Promise<CreatedLink> {
    return shareableLink(await client.createLink(expiresInMs));
  }

  /** Joins through a link: connects to its server with a throwaway account and redeems it. */
  async join(link: InvitationLink, password: string, displayName: string): Promise<void> {
    const client = new NetworkClient({ logger: this.log });
    try {
      await client.connect(link.server, { alias: throwawayAlias(), displayName, joinPassword: link.join });
      this.store.add(this.watch(client));
      this.store.add(client);
      await client.redeemLink(link.id, password);
    } catch (err) {
      client.dispose();
      throw err;
    }
  }

  dispose(): void {
    this.store.dispose();
    void this.server?.close();
    this.server = undefined;
  }
}
