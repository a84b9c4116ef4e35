/**
 * Company sign-in and --admins in a real VS Code workbench (code-server) in headless Chromium, against a real
 * OpenID provider (oidc-provider) started here: "Sign In with Company Account…" with a code entered on another
 * device (the path a browser-based workbench takes), then "Administer Accounts…" disables another account.
 */
import assert from 'assert';
import { join } from 'path';
import { Browser, chromium } from 'playwright-core';
import { pollUntil } from '../../scripts/stack/poll';
import { ALICE, EmbeddedStack } from '../../scripts/stack/EmbeddedStack';
import { NetworkClient } from '../../src/network/NetworkClient';
import { signInAtBrowser, startProvider, type TestProvider } from '../server/oidcProvider';
import { CHROMIUM_ARGS, RESULTS_DIR } from './support/Scene';
import { UI_TIMEOUT_MS, Workbench } from './support/Workbench';

describe('Company sign-in and administration in a VS Code workbench', function () {
  let provider: TestProvider;
  let stack: EmbeddedStack;
  let browser: Browser;
  let alice: Workbench;
  const carol = new NetworkClient();
  let failed = false;

  before(async function () {
    this.timeout(600_000);
    provider = await startProvider(['remote-assist']);
    stack = new EmbeddedStack({ logDir: join(RESULTS_DIR, 'company-logs'), serverArgs: ['--oidc-issuer', provider.issuer, '--oidc-client-id', 'remote-assist', '--admins', 'alice'] });
    await stack.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    alice = await Workbench.open(browser, 'Alice', stack.workbench(ALICE).url);
    await carol.connect(stack.assistServer.url, { alias: 'carol', displayName: 'Carol' });
  });

  beforeEach(function () {
    if (failed) this.skip();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    await alice?.screenshot(join(RESULTS_DIR, 'company-alice.png')).catch(() => undefined);
  });

  after(async function () {
    this.timeout(120_000);
    carol.dispose();
    stack?.collectWorkbenchLogs();
    await alice?.close();
    await browser?.close().catch(() => undefined);
    await stack?.stop();
    await provider?.close();
  });

  it('1. "Sign In with Company Account…" with a code: the toast shows it, the person enters it at the provider, VS Code is signed in', async function () {
    // a browser-based workbench offers the code only (its way back from the browser changes with every sign-in)
    await alice.runCommand('Remote Assist: Sign In with Company Account…');
    const toast = await alice.toast(/and enter \S+ to sign in to Remote Assist/);
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    const [, page, code] = /Open (\S+) on any device and enter (\S+) to sign in/.exec(text) ?? [];
    assert.ok(page && code, text);
    await alice.screenshot(join(RESULTS_DIR, 'company-1-code.png'));
    // another device: the provider's page, the code typed in, then its login and consent
    const { page: done } = await signInAtBrowser(page, 'sub-alice', { user_code: code });
    assert.match(done, /success/i);
    await alice.toast(/Signed in to .* as alice with your company account\./);
    await alice.openActivity('Assistance');
    await alice.view('Contacts');
    await alice.screenshot(join(RESULTS_DIR, 'company-1-signed-in.png'));
  });

  it('2. "Administer Accounts…" (alice is named by --admins) disables carol: her client is disconnected', async function () {
    await alice.runCommand('Remote Assist: Administer Accounts…');
    await alice.pick('carol');
    await alice.pick('Disable');
    await alice.clickDialogButton('Disable carol?', 'Disable');
    await alice.toast('carol is disabled; its devices are being disconnected.');
    await pollUntil('carol to be disconnected', () => carol.connectionState === 'disconnected', { timeoutMs: UI_TIMEOUT_MS });
    assert.equal(carol.reconnectRefusal?.code, 'ERR_ACCOUNT_DISABLED');
    await alice.screenshot(join(RESULTS_DIR, 'company-2-disabled.png'));
  });
});
