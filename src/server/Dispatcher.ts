import type { ClientMessage, ServerReply } from '../protocol/network';
import type { Accounts } from './Accounts';
import type { AdminRequests } from './admin/AdminRequests';
import type { ClientConnection, SignedInIdentity } from './ClientConnection';
import type { Contacts } from './Contacts';
import type { Devices } from './devices/Devices';
import type { Invitations } from './Invitations';
import type { Links } from './Links';
import type { Presence } from './Presence';
import { ServiceError } from './ServiceError';
import type { SessionRelay } from './SessionRelay';

/** Routes one validated request to the service that owns it and returns the reply. */
export class Dispatcher {
  constructor(
    private readonly accounts: Accounts,
    private readonly contacts: Contacts,
    private readonly presence: Presence,
    private readonly invitations: Invitations,
    private readonly links: Links,
    private readonly relay: SessionRelay,
    private readonly devices: Devices,
    private readonly admin: AdminRequests,
  ) {}

  async handle(connection: ClientConnection, message: ClientMessage): Promise<ServerReply> {
    const { id } = message;
    if (message.type === 'oidcChallenge') return { type: 'oidcChallenge', id, ...(await this.accounts.oidcChallenge(connection)) };
    if (message.type === 'signIn' || message.type === 'signInWithToken' || message.type === 'signInWithCode' || message.type === 'signInWithIdToken') {
      // a second sign-in racing the first would bind one socket to two accounts
      if (connection.identity || connection.signingIn) throw new ServiceError('ERR_ALREADY_SIGNED_IN', 'this connection is already signed in');
      connection.signingIn = true;
      try {
        if (message.type === 'signInWithIdToken') return await this.accounts.signInWithIdToken(connection, id, message.idToken, message.deviceName, message.clientId);
        if (message.type === 'signInWithCode') return await this.accounts.signInWithCode(connection, id, message.code, message.deviceName, message.clientId);
        return await (message.type === 'signIn'
          ? this.accounts.signIn(connection, id, message.alias, message.displayName, message.joinPassword, message.clientId, message.deviceName)
          : this.accounts.signInWithToken(connection, id, message.token, message.clientId));
      } finally {
        connection.signingIn = false;
      }
    }
    const me: SignedInIdentity | undefined = connection.identity;
    if (!me) throw new ServiceError('ERR_NOT_SIGNED_IN', 'sign in first');
    const ok = { type: 'ok', id } as const;
    switch (message.type) {
      case 'addContact':
        await this.contacts.add(me, message.alias);
        return ok;
      case 'acceptContact':
        await this.contacts.accept(me, message.alias);
        return ok;
      case 'declineContact':
        await this.contacts.decline(me, message.alias);
        return ok;
      case 'removeContact':
        await this.contacts.remove(me, message.alias);
        return ok;
      case 'blockContact':
        await this.contacts.block(me, message.alias);
        return ok;
      case 'signOut':
        // the connections close on the next turn: the reply goes out before the close frame
        this.accounts.signOut(connection);
        return ok;
      case 'setPresence':
        connection.presence = message.status;
        await this.presence.changed(me.alias);
        return ok;
      case 'invite':
        return { type: 'invitation', id, invitation: await this.invitations.invite(me, message.alias, message.note, message.expiresInMs, message.problem) };
      case 'getProblem':
        return { type: 'problem', id, problem: this.invitations.problem(me, message.invitationId) };
      case 'acceptInvitation':
        return { type: 'session', id, session: await this.invitations.accept(me, message.invitationId) };
      case 'declineInvitation':
        this.invitations.decline(me, message.invitationId);
        return ok;
      case 'cancelInvitation':
        this.invitations.cancel(me, message.invitationId);
        return ok;
      case 'listInvitations':
        return { type: 'invitations', id, invitations: this.invitations.list(me.alias) };
      case 'createLink':
        return { type: 'link', id, link: this.links.create(me, message.expiresInMs) };
      case 'redeemLink':
        return { type: 'session', id, session: await this.links.redeem(me, connection.remoteAddress, message.linkId, message.secret) };
      case 'createDeviceCode':
        return { type: 'deviceCode', id, ...this.devices.createCode(me) };
      case 'listDevices':
        return { type: 'devices', id, devices: this.devices.list(me) };
      case 'signOutDevice':
        this.devices.signOutDevice(me, message.deviceId);
        return ok;
      case 'signOutEverywhere':
        this.devices.signOutEverywhere(me);
        return ok;
      case 'adminListAccounts':
        return { type: 'adminAccounts', id, accounts: this.admin.list(me) };
      case 'adminAccount':
        return { type: 'adminDone', id, ...this.admin.act(me, message.action, message.alias) };
      case 'signal':
        this.relay.signal(me, message.sessionId, message.payload);
        return ok;
      case 'endSession':
        this.relay.end(me, message.sessionId);
        return ok;
    }
  }
}
