import { strict as assert } from 'assert';
import { generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { CompanyIdentityProvider } from '../../src/network/oidc/CompanyIdentityProvider';
import type { NetworkClient } from '../../src/network/NetworkClient';
import { aliasFromClaims } from '../../src/server/oidc/CompanySignIn';
import { Fixture, waitFor } from './support';
import { REDIRECT_URI, signInAtBrowser, startProvider, type TestProvider } from './oidcProvider';
import { NetworkError } from '../../src/network/NetworkError';

const CLIENT_ID = 'remote-assist';

/** The refusal a promise ends in: its code and message. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof NetworkError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('server: company sign-in (OpenID Connect) against a real OpenID provider', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  let provider: TestProvider;
  let url: string;
  let ops: NetworkClient;
  const aliases = async () => (await ops.adminListAccounts()).map((a) => a.alias);

  before(async () => {
    provider = await startProvider([CLIENT_ID, 'other-app']);
    url = (await fx.server({ oidc: { issuer: provider.issuer, clientId: CLIENT_ID, clockToleranceS: 0 }, admins: ['ops'] })).url;
    // an administrator's list shows which accounts exist
    ops = fx.client();
    await ops.connect(url, { alias: 'ops', displayName: 'Operations' });
  });
  after(async () => {
    await fx.dispose();
    await provider?.close();
  });

  /** A connected client and the provider it was told about, with the server's nonce. */
  async function challenged(): Promise<{ client: NetworkClient; idp: CompanyIdentityProvider }> {
    const client = fx.client();
    await client.connect(url);
    return { client, idp: await CompanyIdentityProvider.discover(await client.oidcChallenge()) };
  }

  /** An ID token through the browser flow (authorization code + PKCE, callback to the vscode:// URI). */
  async function browserIdToken(idp: CompanyIdentityProvider, login: string): Promise<string> {
    const pending = await idp.startAuthorization(REDIRECT_URI);
    const { stoppedAt } = await signInAtBrowser(pending.url.href, login);
    assert.ok(stoppedAt.startsWith(`${REDIRECT_URI}?`), `the browser ended at ${stoppedAt}`);
    return idp.finishAuthorization(pending, new URL(stoppedAt).search);
  }

  it('signs in through the browser (code + PKCE): the account comes from the claims; the same identity again is the same account', async () => {
    const { client, idp } = await challenged();
    assert.equal(idp.challenge.issuer, provider.issuer);
    assert.equal(idp.challenge.clientId, CLIENT_ID);
    const pending = await idp.startAuthorization(REDIRECT_URI);
    assert.equal(pending.url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(pending.url.searchParams.get('nonce'), idp.challenge.nonce);
    const token = await client.signInWithIdToken(await browserIdToken(idp, 'sub-alice'), 'laptop');
    assert.ok(token);
    assert.deepEqual(client.account, { alias: 'alice', displayName: 'Alice Liddell' });

    const second = await challenged();
    await second.client.signInWithIdToken(await browserIdToken(second.idp, 'sub-alice'), 'desktop');
    assert.equal(second.client.account?.alias, 'alice');
    assert.deepEqual((await second.client.listDevices()).map((d) => d.name).sort(), ['desktop', 'laptop']);
    // the device token works on its own afterwards, like any other
    const again = fx.client();
    await again.connect(url, { token });
    assert.equal(again.account?.alias, 'alice');
  });

  it('signs in with the device-code flow: the e-mail makes the alias', async () => {
    const { client, idp } = await challenged();
    client.disconnect(); // a person takes longer than a connection waits to sign in: the nonce is kept by the server
    const device = await idp.startDeviceFlow();
    assert.match(device.userCode, /\S{4,}/);
    const polling = device.idToken();
    const { page } = await signInAtBrowser(device.verificationUriComplete ?? device.verificationUri, 'sub-bob');
    assert.match(page, /Sign-in Success|success/i);
    const idToken = await polling;
    const fresh = fx.client();
    await fresh.connect(url);
    await fresh.signInWithIdToken(idToken);
    assert.deepEqual(fresh.account, { alias: 'bob.builder', displayName: 'Bob Builder' });
    // the device flow's token carries no nonce: it is good once
    const replay = fx.client();
    await replay.connect(url);
    assert.match((await refusal(replay.signInWithIdToken(idToken))).message, /used already/);
  });

  it('refuses a token for another application, an expired one, one with a wrong signature, and a nonce used twice; nothing changes', async () => {
    // wrong audience: a real token the provider issued to other-app
    const { client } = await challenged();
    const other = await CompanyIdentityProvider.discover({ ...(await client.oidcChallenge()), clientId: 'other-app' });
    const forOther = await browserIdToken(other, 'sub-mallory');
    let r = await refusal(client.signInWithIdToken(forOther));
    assert.equal(r.code, 'ERR_BAD_ID_TOKEN');
    assert.match(r.message, /another application/);

    // expired: the provider issues a token valid for one second; the server allows no clock tolerance here
    const a = await challenged();
    provider.idTokenTtlS = 1;
    const shortLived = await browserIdToken(a.idp, 'sub-mallory').finally(() => (provider.idTokenTtlS = 3600));
    const exp = decodeJwt(shortLived).exp as number;
    await waitFor('the ID token to expire', () => Date.now() / 1000 > exp + 1, 5_000);
    r = await refusal(a.client.signInWithIdToken(shortLived));
    assert.equal(r.code, 'ERR_BAD_ID_TOKEN');
    assert.match(r.message, /expired/);

    // wrong signature: the same claims and key id, signed with a key the provider never published
    const b = await challenged();
    const genuine = await browserIdToken(b.idp, 'sub-mallory');
    const { privateKey } = await generateKeyPair('RS256');
    const header = decodeProtectedHeader(genuine);
    const forged = await new SignJWT(decodeJwt(genuine)).setProtectedHeader({ alg: 'RS256', kid: header.kid }).sign(privateKey);
    r = await refusal(b.client.signInWithIdToken(forged));
    assert.equal(r.code, 'ERR_BAD_ID_TOKEN');
    assert.match(r.message, /signature/);
    // a genuine signature over changed claims is refused the same way
    const [h, , s] = genuine.split('.');
    const changed = Buffer.from(JSON.stringify({ ...decodeJwt(genuine), sub: 'sub-alice' })).toString('base64url');
    const c = fx.client();
    await c.connect(url);
    assert.match((await refusal(c.signInWithIdToken(`${h}.${changed}.${s}`))).message, /signature/);

    assert.ok(!(await aliases()).includes('mallory'), 'a refused token made an account');
    // the genuine token once is fine, a second time (a replay) is not
    const d = fx.client();
    await d.connect(url);
    await d.signInWithIdToken(genuine);
    assert.equal(d.account?.alias, 'mallory');
    const e = fx.client();
    await e.connect(url);
    r = await refusal(e.signInWithIdToken(genuine));
    assert.equal(r.code, 'ERR_BAD_ID_TOKEN');
    assert.match(r.message, /nonce/);
    assert.ok((await aliases()).includes('mallory'));

    // a disabled account stays out, whatever the provider says
    await ops.adminAccount('disable', 'mallory');
    const f = await challenged();
    r = await refusal(f.client.signInWithIdToken(await browserIdToken(f.idp, 'sub-mallory')));
    assert.equal(r.code, 'ERR_ACCOUNT_DISABLED');
  });

  it('does not hand an account made without the provider to an identity of the same name', async () => {
    const local = fx.client();
    await local.connect(url, { alias: 'carol', displayName: 'Carol' });
    const { client, idp } = await challenged();
    const r = await refusal(client.signInWithIdToken(await browserIdToken(idp, 'sub-carol')));
    assert.equal(r.code, 'ERR_ALIAS_TAKEN');
    assert.match(r.message, /not made by company sign-in/);
    assert.equal(aliasFromClaims({ preferredUsername: 'Carol@example.com' }), 'carol');
    assert.equal(aliasFromClaims({ preferredUsername: '!', email: 'xy@example.com' }), 'xy');
    assert.equal(aliasFromClaims({ preferredUsername: 'Jean Dupont' }), 'jean-dupont');
    assert.equal(aliasFromClaims({}), undefined);
  });

  it('bounds the company sign-ins one address may start (each keeps a nonce in the store)', async () => {
    const limited = await fx.server({ oidc: { issuer: provider.issuer, clientId: CLIENT_ID }, limits: { oidcChallengesPerAddress: 2 } });
    const client = fx.client();
    await client.connect(limited.url);
    await client.oidcChallenge();
    await client.oidcChallenge();
    const r = await refusal(client.oidcChallenge());
    assert.equal(r.code, 'ERR_RATE_LIMITED');
    assert.match(r.message, /too many company sign-ins/);
  });

  it('says clearly when the server offers no company sign-in', async () => {
    const plain = await fx.server();
    const client = fx.client();
    await client.connect(plain.url);
    const r = await refusal(client.oidcChallenge());
    assert.equal(r.code, 'ERR_OIDC_DISABLED');
    assert.match(r.message, /--oidc-issuer/);
  });
});
