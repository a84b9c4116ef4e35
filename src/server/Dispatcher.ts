import type { ClientMessage, ServerReply } from '../protocol/network';
import type { Accounts } from './Accounts';
import { AdmissionQueue } from './AdmissionQueue';
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
  private readonly signIns: AdmissionQueue;

  constructor(
    private readonly accounts: Accounts,
    private readonly contacts: Contacts,
    private readonly presence: Presence,
    private readonly invitations: Invitations,
    private readonly links: Links,
    private readonly relay: SessionRelay,
    private readonly devices: Devices,
    private readonly admin: AdminRequests,
    maxConcurrentSignIns: number,
  ) {
    this.signIns = new AdmissionQueue(maxConcurrentSignIns);
  }

  async handle(connection: ClientConnection, message: ClientMessage): Promise<ServerReply> {
    const { id } = message;
    if (message.type === 'oidcChallenge') return { type: 'oidcChallenge', id, ...(await this.accounts.oidcChallenge(connection)) };
    if (message.type === 'signIn' || message.type === 'signInWithToken' || message.type === 'signInWithCode' || message.type === 'signInWithIdToken') {
      // a second sign-in racing the first would bind one socket to two accounts
      if (connection.identity || connection.signingIn) throw new ServiceError('ERR_ALREADY_SIGNED_IN', 'this connection is already signed in');
      connection.signingIn = true;
      try {
        return await this.signIns.run(async () => {
          // one that gave up while it waited its turn costs nothing more
          if (!connection.open) throw new ServiceError('ERR_INTERNAL', 'the connection closed during sign-in');
          if (message.type === 'signInWithIdToken') return await this.accounts.signInWithIdToken(connection, id, message.idToken, message.deviceName, message.clientId);
          if (message.type === 'signInWithCode') return await this.accounts.signInWithCode(connection, id, message.code, message.deviceName, message.clientId);
          return await (message.type === 'signIn'
            ? this.accounts.signIn(connection, id, message.alias, message.displayName, message.joinPassword, message.clientId, message.deviceName)
            : this.accounts.signInWithToken(connection, id, message.token, message.clientId));
        });
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
        await this.accounts.signOut(connection);
        return ok;
      case 'setPresence':
        connection.presence = message.status;
        await this.presence.changed(me.alias);
        return ok;
      case 'invite':
        return { type: 'invitation', id, invitation: await this.invitations.invite(me, message.alias, message.note, message.expiresInMs, message.problem) };
      case 'getProblem':
        return { type: 'problem', id, problem: await this.invitations.problem(me, message.invitationId) };
      case 'acceptInvitation':
        return { type: 'session', id, session: await this.invitations.accept(me, message.invitationId) };
      case 'declineInvitation':
        await this.invitations.decline(me, message.invitationId);
        return ok;
      case 'cancelInvitation':
        await this.invitations.cancel(me, message.invitationId);
        return ok;
      case 'listInvitations':
        return { type: 'invitations', id, invitations: await this.invitations.list(me.alias) };
      case 'createLink':
        return { type: 'link', id, link: await this.links.create(me, message.expiresInMs) };
      case 'redeemLink':
        return { type: 'session', id, session: await this.links.redeem(me, connection.remoteAddress, message.linkId, message.secret) };
      case 'createDeviceCode':
        return { type: 'deviceCode', id, ...(await this.devices.createCode(me)) };
      case 'listDevices':
        return { type: 'devices', id, devices: await this.devices.list(me) };
      case 'signOutDevice':
        await this.devices.signOutDevice(me, message.deviceId);
        return ok;
      case 'signOutEverywhere':
        await this.devices.signOutEverywhere(me);
        return ok;
      case 'adminListAccounts':
        return { type: 'adminAccounts', id, accounts: await this.admin.list(me) };
      case 'adminAccount':
        return { type: 'adminDone', id, ...(await this.admin.act(me, message.action, message.alias)) };
      case 'signal':
        await this.relay.signal(me, message.sessionId, message.payload);
        return ok;
      case 'endSession':
        await this.relay.end(me, message.sessionId);
        return ok;
    }
  }
}
