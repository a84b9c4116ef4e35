import assert from 'assert';
import { parseJoinFragment } from '../../src/browser/joinLink';
import { browserLink, formatInvitationLink, isExpired, parseInvitationLink, parseInvitationUri, timeLeft } from '../../src/session/InvitationLink';

const good = 'vscode://remote-assist.remote-assist/redeem?server=ws%3A%2F%2F192.168.1.20%3A7420&id=AbCdEf123456&secret=s3cr3t';

describe('InvitationLink', () => {
  it('parses the server\'s link and the expiry the extension adds', () => {
    const withExpiry = formatInvitationLink(good, 1_900_000_000_000);
    assert.deepStrictEqual(parseInvitationLink(withExpiry), { server: 'ws://192.168.1.20:7420', id: 'AbCdEf123456', secret: 's3cr3t', expiresAt: 1_900_000_000_000 });
    assert.deepStrictEqual(parseInvitationLink(`  ${good}\n`), { server: 'ws://192.168.1.20:7420', id: 'AbCdEf123456', secret: 's3cr3t' });
    const direct = formatInvitationLink(good, 1_900_000_000_000, 'k3y_of-the-sharers-server');
    assert.strictEqual(parseInvitationLink(direct).join, 'k3y_of-the-sharers-server');
  });

  it('parses a link without its password (the password travels apart)', () => {
    assert.deepStrictEqual(parseInvitationLink('vscode://remote-assist.remote-assist/redeem?server=ws%3A%2F%2Fa%3A1&id=AbCdEf123456&expires=9'), { server: 'ws://a:1', id: 'AbCdEf123456', expiresAt: 9 });
  });

  it('parses what the URI handler receives', () => {
    const link = parseInvitationUri('/join', 'server=wss%3A%2F%2Fassist.example.com&id=AbCdEf123456&secret=x&expires=5');
    assert.strictEqual(link.server, 'wss://assist.example.com');
    assert.strictEqual(link.expiresAt, 5);
  });

  it('refuses anything else with a clear message', () => {
    const bad: [string, RegExp][] = [
      ['', /whole invitation link/],
      ['hello', /not an invitation link/],
      ['https://evil.example/redeem?server=ws://a&id=AbCdEf123456&secret=x', /not a Remote Assist/],
      ['vscode://other.ext/redeem?server=ws://a&id=AbCdEf123456&secret=x', /not a Remote Assist/],
      ['vscode://remote-assist.remote-assist/redeem?server=http%3A%2F%2Fa&id=AbCdEf123456&secret=x', /ws:\/\/ or wss:\/\//],
      ['vscode://remote-assist.remote-assist/redeem?server=ws%3A%2F%2Fa&id=../../x&secret=x', /malformed link id/],
      ['vscode://remote-assist.remote-assist/redeem?server=ws%3A%2F%2Fa&id=AbCdEf123456&secret=', /damaged/],
      ['vscode://remote-assist.remote-assist/redeem?server=ws%3A%2F%2Fa&id=AbCdEf123456&secret=x&expires=soon', /damaged/],
      ['vscode://remote-assist.remote-assist/redeem?server=ws%3A%2F%2Fa&id=AbCdEf123456&join=short', /malformed join key/],
    ];
    for (const [text, message] of bad) {
      assert.throws(() => parseInvitationLink(text), (e: Error & { code?: string }) => e.code === 'ERR_BAD_LINK' && message.test(e.message), text);
    }
  });

  it('knows when a link has expired and says how long is left', () => {
    assert.strictEqual(isExpired({ server: 'ws://a', id: 'AbCdEf123456', secret: 'x', expiresAt: 10 }, 11), true);
    assert.strictEqual(isExpired({ server: 'ws://a', id: 'AbCdEf123456', secret: 'x' }, 11), false);
    assert.strictEqual(timeLeft(0, 1), 'expired');
    assert.strictEqual(timeLeft(12 * 60_000 - 5, 0), '12 min left');
    assert.strictEqual(timeLeft(125 * 60_000, 0), '2 h 5 min left');
    assert.strictEqual(timeLeft(120 * 60_000, 0), '2 h left');
  });

  it('as a web address for a browser, keeps the id, expiry and join key in the fragment and the password out', () => {
    const direct = parseInvitationLink(formatInvitationLink(good.replace('ws%3A', 'wss%3A'), 1_900_000_000_000, 'k3y_of-the-sharers-server'));
    const web = browserLink(direct);
    assert.strictEqual(web, 'https://192.168.1.20:7420/join#id=AbCdEf123456&expires=1900000000000&join=k3y_of-the-sharers-server');
    assert.ok(!web.includes('s3cr3t'));
    assert.strictEqual(browserLink(parseInvitationLink(good), true), 'http://192.168.1.20:7420/join#id=AbCdEf123456&secret=s3cr3t');
    // what the page reads back
    assert.deepStrictEqual(parseJoinFragment(new URL(web).hash), { link: { id: 'AbCdEf123456', expiresAt: 1_900_000_000_000, join: 'k3y_of-the-sharers-server' } });
    assert.deepStrictEqual(parseJoinFragment(''), { problem: 'This page needs the whole invitation link. Open the link you were sent, or paste it into the address bar.' });
    assert.deepStrictEqual(parseJoinFragment('#id=short'), { problem: 'The invitation link is damaged: malformed link id.' });
  });
});
