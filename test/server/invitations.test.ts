import { strict as assert } from 'assert';
import type { Session } from '../../src/protocol/network';
import { NetworkError } from '../../src/network/NetworkError';
import { userMessage } from '../../src/views/userErrors';
import { befriend, errorCode, Fixture, nextEvent, waitFor } from './support';

describe('server: invitations and the signaling relay', () => {
  const fx = new Fixture();
  after(() => fx.dispose());

  it('invite → accept starts a session on both sides, relays signals only between them, and either can end it', async () => {
    const server = await fx.server();
    const alice = await fx.user(server, 'alice');
    const bob = await fx.user(server, 'bob');
    await befriend(alice, bob);

    const received = nextEvent(bob.onDidReceiveInvitation);
    const sent = await alice.invite('bob', 'tests fail only on my machine');
    const invitation = await received;
    assert.equal(invitation.id, sent.id);
    assert.equal(invitation.note, 'tests fail only on my machine');
    assert.deepEqual(invitation.from, { alias: 'alice', displayName: 'Alice' });
    assert.ok(invitation.expiresInMs > 29 * 60_000 && invitation.expiresInMs <= 30 * 60_000, `remaining ${invitation.expiresInMs}`);
    assert.ok(bob.invitations.some((i) => i.id === sent.id && i.status === 'pending'));

    const aliceSession = nextEvent(alice.onDidStartSession);
    const aliceSeesAccepted = nextEvent(alice.onDidChangeInvitation, (i) => i.id === sent.id && i.status === 'accepted');
    const bobSession = await bob.acceptInvitation(sent.id);
    const sharerView: Session = await aliceSession;
    await aliceSeesAccepted;
    assert.equal(bobSession.role, 'helper');
    assert.deepEqual(bobSession.peer, { alias: 'alice', displayName: 'Alice' });
    assert.equal(sharerView.role, 'sharer');
    assert.equal(sharerView.id, bobSession.id);
    assert.deepEqual(sharerView.peer, { alias: 'bob', displayName: 'Bob' });

    // busy while in session
    await waitFor('alice busy for bob', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'busy');

    const offer = JSON.stringify({ type: 'offer', sdp: 'v=0 ...' });
    const atBob = nextEvent(bob.onDidReceiveSignal);
    await alice.sendSignal(sharerView.id, offer);
    assert.deepEqual(await atBob, { sessionId: sharerView.id, payload: offer });
    const atAlice = nextEvent(alice.onDidReceiveSignal);
    await bob.sendSignal(bobSession.id, 'answer');
    assert.equal((await atAlice).payload, 'answer');

    // the invitation was single use
    assert.equal(await errorCode(bob.acceptInvitation(sent.id)), 'ERR_INVITATION_CLOSED');

    const aliceEnded = nextEvent(alice.onDidEndSession);
    await bob.endSession(bobSession.id);
    assert.deepEqual(await aliceEnded, { sessionId: sharerView.id, reason: 'peerEnded' });
    assert.equal(alice.sessions.length, 0);
    assert.equal(await errorCode(alice.sendSignal(sharerView.id, 'late')), 'ERR_NO_SUCH_SESSION');
    await waitFor('alice online again', () => bob.contacts.find((c) => c.alias === 'alice')?.presence === 'online');
  });

  it('decline, cancel and expiry reach both sides; only the invitee answers and only the inviter cancels', async () => {
    const server = await fx.server({ inviteExpiryMs: 800 });
    const carol = await fx.user(server, 'carol');
    const dave = await fx.user(server, 'dave');
    await befriend(carol, dave);

    const declined = await carol.invite('dave');
    assert.equal(await errorCode(carol.acceptInvitation(declined.id)), 'ERR_NOT_INVITEE');
    assert.equal(await errorCode(dave.cancelInvitation(declined.id)), 'ERR_NOT_INVITER');
    const carolSees = nextEvent(carol.onDidChangeInvitation, (i) => i.id === declined.id);
    await dave.declineInvitation(declined.id);
    assert.equal((await carolSees).status, 'declined');
    assert.equal(carol.sessions.length + dave.sessions.length, 0);

    assert.equal(await errorCode(carol.invite('dave', undefined, 8 * 24 * 3600_000)), 'ERR_MALFORMED');
    const cancelled = await carol.invite('dave', 'never mind');
    const daveSees = nextEvent(dave.onDidChangeInvitation, (i) => i.id === cancelled.id);
    await carol.cancelInvitation(cancelled.id);
    assert.equal((await daveSees).status, 'cancelled');
    assert.equal(await errorCode(dave.acceptInvitation(cancelled.id)), 'ERR_INVITATION_CLOSED');

    const expiring = await carol.invite('dave', undefined, 300);
    assert.ok(expiring.expiresInMs <= 300, 'the inviter chose a shorter life than the server default');
    const expired = await nextEvent(dave.onDidChangeInvitation, (i) => i.id === expiring.id && i.status === 'expired', 5_000);
    assert.equal(expired.expiresInMs, 0);
    assert.equal(await errorCode(dave.acceptInvitation(expiring.id)), 'ERR_INVITATION_CLOSED');
    const listed = await carol.listInvitations();
    assert.deepEqual(
      listed.map((i) => i.status),
      ['declined', 'cancelled', 'expired'],
    );
  });

  it('refuses invitations to offline contacts and non-contacts, and reaches every device of the invitee', async () => {
    const server = await fx.server();
    const erin = await fx.user(server, 'erin');
    const frank = await fx.user(server, 'frank');
    await befriend(erin, frank);
    const stranger = await fx.user(server, 'grace');
    assert.equal(await errorCode(erin.invite('grace')), 'ERR_NOT_A_CONTACT');
    assert.equal(await errorCode(erin.invite('nobody-here')), 'ERR_NOT_A_CONTACT');
    assert.equal(await errorCode(erin.invite('erin')), 'ERR_SELF');
    assert.equal(await errorCode(stranger.invite('erin')), 'ERR_NOT_A_CONTACT');

    // frank's second device signs in with his token
    const frankLaptop = fx.client();
    await frankLaptop.connect(server.url, { token: frank.token! });
    const onDesk = nextEvent(frank.onDidReceiveInvitation);
    const onLaptop = nextEvent(frankLaptop.onDidReceiveInvitation);
    const invitation = await erin.invite('frank');
    assert.equal((await onDesk).id, invitation.id);
    assert.equal((await onLaptop).id, invitation.id);

    // the laptop accepts: the session is bound to the laptop, not the desk
    const deskSees = nextEvent(frank.onDidChangeInvitation, (i) => i.status === 'accepted');
    const session = await frankLaptop.acceptInvitation(invitation.id);
    await deskSees;
    assert.equal(await errorCode(frank.declineInvitation(invitation.id)), 'ERR_INVITATION_CLOSED');
    assert.equal(await errorCode(frank.sendSignal(session.id, 'from the desk')), 'ERR_NO_SUCH_SESSION');
    assert.equal(frank.sessions.length, 0);
    await frankLaptop.endSession(session.id);

    frank.disconnect();
    frankLaptop.disconnect();
    await waitFor('frank offline for erin', () => erin.contacts.find((c) => c.alias === 'frank')?.presence === 'offline', 2_000);
    assert.equal(await errorCode(erin.invite('frank')), 'ERR_CONTACT_OFFLINE');
  });

  it('a second invitation to a contact who is helping someone else is refused with ERR_CONTACT_BUSY, and reaches no toast', async () => {
    const server = await fx.server();
    const alice = await fx.user(server, 'alice2');
    const bob = await fx.user(server, 'bob2', 'Bob');
    const carol = await fx.user(server, 'carol2');
    await befriend(alice, bob);
    await befriend(carol, bob);
    await befriend(alice, carol);
    // alice's invitation arrived before bob got busy: it stays open while he is
    const early = await alice.invite('bob2', 'whenever you can');
    const first = await carol.invite('bob2');
    const session = await bob.acceptInvitation(first.id);
    assert.equal(await errorCode(bob.acceptInvitation(early.id)), 'ERR_IN_SESSION', 'one session at a time for the helper');
    assert.equal(await errorCode(carol.invite('alice2')), 'ERR_IN_SESSION', 'nor can carol, who is sharing, invite someone else');
    assert.equal((await bob.listInvitations()).find((i) => i.id === early.id)?.status, 'pending');
    await alice.cancelInvitation(early.id);
    await waitFor('bob busy for alice', () => alice.contacts.find((c) => c.alias === 'bob2')?.presence === 'busy');

    const toasts: string[] = [];
    const listener = bob.onDidReceiveInvitation((i) => toasts.push(i.id));
    let refusal: unknown;
    await alice.invite('bob2', 'are you free?').catch((err: unknown) => (refusal = err));
    assert.ok(refusal instanceof NetworkError, `expected a NetworkError, got ${String(refusal)}`);
    assert.equal(refusal.code, 'ERR_CONTACT_BUSY');
    assert.equal(userMessage(refusal, 'Bob'), 'Bob is helping someone else.');
    // nothing was created: bob's list and alice's open invitations stay as they were
    assert.equal((await alice.listInvitations()).filter((i) => i.status === 'pending').length, 0);
    assert.ok(!(await bob.listInvitations()).some((i) => i.from.alias === 'alice2' && i.id !== early.id));

    // once bob's session ends, alice's invitation goes through
    await bob.endSession(session.id);
    await waitFor('bob online for alice', () => alice.contacts.find((c) => c.alias === 'bob2')?.presence === 'online');
    const received = nextEvent(bob.onDidReceiveInvitation, (i) => i.from.alias === 'alice2');
    const sent = await alice.invite('bob2', 'are you free now?');
    assert.equal((await received).id, sent.id);
    listener.dispose();
    assert.deepEqual(toasts, [sent.id], 'bob heard only of the invitation sent once he was free');
  });

  it('a third user cannot answer someone else\'s invitation nor inject signals into their session', async () => {
    const server = await fx.server();
    const henry = await fx.user(server, 'henry');
    const iris = await fx.user(server, 'iris');
    const mallory = await fx.user(server, 'mallory');
    await befriend(henry, iris);
    await befriend(mallory, henry);
    await befriend(mallory, iris);

    const invitation = await henry.invite('iris');
    for (const attempt of [mallory.acceptInvitation(invitation.id), mallory.declineInvitation(invitation.id), mallory.cancelInvitation(invitation.id)]) {
      assert.equal(await errorCode(attempt), 'ERR_NO_SUCH_INVITATION');
    }
    assert.equal(henry.invitations.find((i) => i.id === invitation.id)?.status, 'pending');

    const session = await iris.acceptInvitation(invitation.id);
    let leaked = 0;
    henry.onDidReceiveSignal(() => leaked++);
    iris.onDidReceiveSignal(() => leaked++);
    assert.equal(await errorCode(mallory.sendSignal(session.id, 'evil')), 'ERR_NO_SUCH_SESSION');
    assert.equal(await errorCode(mallory.endSession(session.id)), 'ERR_NO_SUCH_SESSION');
    // a real signal afterwards arrives, and it is the only one
    const got = nextEvent(henry.onDidReceiveSignal);
    await iris.sendSignal(session.id, 'genuine');
    assert.equal((await got).payload, 'genuine');
    assert.equal(leaked, 1);
    assert.equal(henry.sessions.length, 1);
  });
});
