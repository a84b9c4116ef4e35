/**
 * "Send Invitation by E-mail…": the mail a real direct link produces, read back as a mail program would
 * (RFC 6068 decoding), carries a link that works with the password sent apart, and never the password itself.
 */
import assert from 'assert';
import type { NetworkClient } from '../../src/network/NetworkClient';
import type { Session } from '../../src/protocol/network';
import { DirectLinks } from '../../src/session/DirectLinks';
import { parseInvitationLink } from '../../src/session/InvitationLink';
import { invitationMailto } from '../../src/session/InvitationMail';
import { waitFor } from '../server/support';

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

describe('invitation by e-mail (mailto:)', function () {
  this.timeout(30_000);
  const started: Session[] = [];
  const alice = new DirectLinks((client: NetworkClient) => client.onDidStartSession(() => undefined), quiet);
  const bob = new DirectLinks((client: NetworkClient) => client.onDidStartSession((s) => started.push(s)), quiet);
  after(() => {
    bob.dispose();
    alice.dispose();
  });

  it('composes a mail whose link lets the helper in with the password given another way, and leaves the password out', async () => {
    const created = await alice.create('Alice Ünal', 10 * 60_000, { port: 0, address: '127.0.0.1' });
    const mailto = invitationMailto({ sharerName: 'Alice Ünal', link: created.link, expiresAt: created.expiresAt });
    assert.ok(mailto.startsWith('mailto:?subject='));
    assert.doesNotMatch(mailto, /[ \n+]/, 'spaces and line breaks are percent-encoded, never "+" or raw');
    assert.ok(!mailto.includes(created.password) && !decodeURIComponent(mailto).includes(created.password), 'the password is not in the mail');

    const url = new URL(mailto);
    const subject = url.searchParams.get('subject');
    const body = url.searchParams.get('body') ?? '';
    assert.strictEqual(subject, 'Alice Ünal is inviting you to start using Remote Assistance');
    assert.match(body, /will give you the password another way/);
    assert.match(body, new RegExp(`until ${new Date(created.expiresAt).toUTCString()}`));
    const linkLine = body.split('\r\n').find((l) => l.startsWith('vscode://'));
    assert.strictEqual(linkLine, created.link);

    // the helper opens the mailed link and types the password they got by phone
    await bob.join(parseInvitationLink(linkLine!), created.password, 'Bob');
    const session = await waitFor('the helper\'s session', () => started[0]);
    assert.strictEqual(session.role, 'helper');
    assert.strictEqual(session.peer.displayName, 'Alice Ünal');
  });

  it('refuses to put a link that carries its password into a mail', () => {
    assert.throws(() => invitationMailto({ sharerName: 'Alice', link: 'vscode://remote-assist.remote-assist/redeem?server=ws%3A%2F%2Fh%3A1&id=abcdefgh12&secret=hunter2hunter2', expiresAt: Date.now() + 60_000 }), /must not carry the password/);
  });
});
