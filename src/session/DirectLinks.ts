/**
 * Invitation links that need no outside server: the sharer's extension runs the assistance server embedded
 * on a free port of this machine, bound to the address the link names, over TLS with a generated certificate
 * whose SHA-256 fingerprint travels in the link (the helper trusts that certificate and no other). Either side
 * signs in with a throwaway account carrying only a display name; the server's random join password travels
 * in the link, so only link holders can create accounts on it. Links from a team server work the same way
 * through its address.
 */
import { randomBytes } from 'crypto';
import { networkInterfaces } from 'os';
import { NetworkClient } from '../network/NetworkClient';
import type { Link } from '../protocol/network';
import { generateLanCertificate } from '../server/LanCertificate';
import type { IceOptions } from '../server/IceCredentials';
import { RunningServer, startEmbeddedServer } from './EmbeddedServer';
import { IDisposable, DisposableStore } from '../common/lifecycle';
import { Logger } from '../common/logger';
import { browserLink, formatInvitationLink, InvitationLink, parseInvitationLink } from './InvitationLink';

export interface DirectLinkOptions {
  /** Port to listen on for direct links (0: a free port). */
  readonly port: number;
  /** Address helpers use to reach this machine; empty: its first non-internal IPv4 address. */
  readonly address: string;
  /**
   * STUN/TURN from the sharer's settings: the embedded server hands them (TURN with per-session credentials)
   * to both parties when a link is redeemed, so the helper needs nothing but the link.
   */
  readonly ice?: IceOptions;
}

/** A link to send, and the password to send apart from it (the link alone does not let anyone in). */
export interface CreatedLink {
  readonly link: string;
  /** The same invitation for a helper without VS Code: the server's /join page (secrets in the fragment, no password). */
  readonly browserLink: string;
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

function throwawayAlias(): string {
  return `guest-${randomBytes(6).toString('hex')}`;
}

/** The link as shown to the user: the server's address, the link id and expiry, but not the secret. */
export function shareableLink(link: Link, join?: string, fingerprint?: string): CreatedLink {
  const url = new URL(formatInvitationLink(link.url, link.expiresAt, join, fingerprint));
  url.searchParams.delete('secret');
  return { link: url.toString(), browserLink: browserLink(parseInvitationLink(url.toString())), password: link.secret, expiresAt: link.expiresAt };
}

export class DirectLinks implements IDisposable {
  private server: { running: RunningServer; url: string; fingerprint: string } | undefined;
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
      const { cert, key, fingerprint } = await generateLanCertificate(address);
      // bound to the address the link names only, on the port asked for or a free one
      const running = await startEmbeddedServer({ host: address, port: options.port, tls: { cert, key }, joinPassword: this.joinKey, ...options.ice, logger: this.log });
      this.server = { running, url: running.url, fingerprint };
      this.log.info(`direct invitation links served at ${running.url} (certificate SHA-256 ${fingerprint})`);
    }
    if (!this.sharerClient) {
      const client = new NetworkClient({ logger: this.log, pinnedFingerprint: this.server.fingerprint });
      await client.connect(this.server.url, { alias: throwawayAlias(), displayName, joinPassword: this.joinKey });
      this.store.add(this.watch(client));
      this.store.add(client);
      this.sharerClient = client;
    }
    return shareableLink(await this.sharerClient.createLink(expiresInMs), this.joinKey, this.server.fingerprint);
  }

  /** Creates a link on an already signed-in client (a team server, whose certificate fingerprint the link carries when it is pinned). */
  static async createOn(client: NetworkClient, expiresInMs: number, fingerprint?: string): Promise<CreatedLink> {
    return shareableLink(await client.createLink(expiresInMs), undefined, fingerprint);
  }

  /** Joins through a link: connects to its server with a throwaway account and redeems it. */
  async join(link: InvitationLink, password: string, displayName: string): Promise<void> {
    const client = new NetworkClient({ logger: this.log, pinnedFingerprint: link.fp });
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
    void this.server?.running.close();
    this.server = undefined;
  }
}
