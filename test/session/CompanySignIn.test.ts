import { strict as assert } from 'assert';
import { silentLogger } from '../../src/common/logger';
import { CompanySignInError } from '../../src/network/oidc/CompanyIdentityProvider';
import { AssistanceNetwork } from '../../src/session/AssistanceNetwork';
import { CompanySignIn } from '../../src/session/CompanySignIn';
import { Fixture } from '../server/support';
import { REDIRECT_URI, signInAtBrowser, startProvider, type TestProvider } from '../server/oidcProvider';
import { MemoryTokens } from './support/MemoryTokens';

describe('CompanySignIn: the extension\'s company sign-in, with the real server and a real OpenID provider', function () {
  this.timeout(60_000);
  const fx = new Fixture();
  let provider: TestProvider;
  let url: string;
  const disposables: { dispose(): void }[] = [];
  before(async () => {
    provider = await startProvider(['remote-assist']);
    url = (await fx.server({ oidc: { issuer: provider.issuer, clientId: 'remote-assist' } })).url;
  });
  after(async () => {
    for (const d of disposables) d.dispose();
    await fx.dispose();
    await provider?.close();
  });
  const setUp = () => {
    const tokens = new MemoryTokens();
    const network = new AssistanceNetwork(tokens, silentLogger);
    const company = new CompanySignIn(network);
    disposables.push(network, company);
    return { tokens, network, company };
  };

  it('in the browser: the page opens, the answer comes back through the URI handler, the device token is kept', async () => {
    const { tokens, network, company } = setUp();
    const idp = await company.provider(url);
    let opened = '';
    // the URI handler's call is what a stray or forged callback meets: refused, nothing changes
    assert.throws(() => company.callbacks.deliver('code=abc&state=not-ours'), CompanySignInError);
    await company.withBrowser(url, idp, REDIRECT_URI, async (page) => {
      opened = page;
      // the person signs in at the provider; the browser hands vscode://…/oidc?code=…&state=… to VS Code
      const { stoppedAt } = await signInAtBrowser(page, 'sub-alice');
      const callback = new URL(stoppedAt);
      assert.equal(`${callback.protocol}//${callback.host}${callback.pathname}`, REDIRECT_URI);
      setImmediate(() => company.callbacks.deliver(callback.search.slice(1)));
    });
    assert.match(opened, /code_challenge=/);
    assert.deepEqual(network.client.account, { alias: 'alice', displayName: 'Alice Liddell' });
    assert.equal(tokens.map.get(url), network.client.token);
    // the kept token signs this device in again, as after a restart of VS Code
    network.client.disconnect();
    await network.resume(url);
    assert.equal(network.client.account?.alias, 'alice');
  });

  it('with a code on another device: shows the code, then signs in once it was entered', async () => {
    const { network, company } = setUp();
    const idp = await company.provider(url);
    assert.ok(idp.offersDeviceFlow);
    let shown = '';
    await company.withDeviceCode(url, idp, (device) => {
      shown = device.userCode;
      void signInAtBrowser(device.verificationUriComplete ?? device.verificationUri, 'sub-mallory');
    });
    assert.ok(shown);
    assert.equal(network.client.account?.alias, 'mallory');
  });

  it('gives up clearly when cancelled, and when the browser cannot be opened', async () => {
    const { network, company } = setUp();
    const idp = await company.provider(url);
    const cancel = new AbortController();
    const waiting = company.withBrowser(url, idp, REDIRECT_URI, async () => cancel.abort(), cancel.signal);
    await assert.rejects(waiting, /cancelled/);
    const again = await company.provider(url);
    await assert.rejects(
      company.withBrowser(url, again, REDIRECT_URI, async () => {
        throw new Error('no browser here');
      }),
      /no browser here/,
    );
    assert.equal(network.client.account, undefined);
  });
});
