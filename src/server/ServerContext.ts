import type { Logger } from '../common/logger';
import type { AccountStore } from './AccountStore';
import type { Cluster } from './Cluster';
import type { IceCredentials } from './IceCredentials';
import type { ConnectionRegistry } from './ConnectionRegistry';
import type { ContactStore } from './ContactStore';
import type { InvitationStore } from './InvitationStore';
import type { Limits } from './Limits';
import type { LinkStore } from './LinkStore';
import type { Presence } from './Presence';
import type { SessionStore } from './SessionStore';

/** What the services share: stores, the local registry, the cluster, presence and settings. */
export interface ServerContext {
  readonly accounts: AccountStore;
  readonly contacts: ContactStore;
  readonly invitations: InvitationStore;
  readonly links: LinkStore;
  readonly sessions: SessionStore;
  readonly registry: ConnectionRegistry;
  readonly cluster: Cluster;
  readonly presence: Presence;
  readonly limits: Limits;
  readonly logger: Logger;
  readonly inviteExpiryMs: number;
  readonly joinPassword: string | undefined;
  /** STUN/TURN servers and TURN credentials for sessions. */
  readonly ice: IceCredentials;
  /** Base of the links handed out by createLink. */
  readonly linkBase: string;
}
