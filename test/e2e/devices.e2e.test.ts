/**
 * One person, several devices, in two real VS Code workbenches (code-server) in headless Chromium: Alice signs
 * in on her first workbench, "Add Another Device…" shows a code, her second workbench signs in with it; Bob (a
 * real client of the same server) invites her, the toast appears on both, the second device accepts and the
 * first says so; "Signed-In Devices" lists both; "Sign Out Everywhere" signs both out.
 * The stack's second workbench ("bob") serves as Alice's second device: a device joining with a code takes
 * the account's name and ignores its own display-name setting.
 */
import assert from 'assert';
import { join } from 'path';
import { Browser, chromium } from 'playwright-core';
import { pollUntil } from '../../scripts/stack/poll';
import { ALICE, BOB, EmbeddedStack } from '../../scripts/stack/EmbeddedStack';
import { NetworkClient } from '../../src/network/NetworkClient';
import { CHROMIUM_ARGS, RESULTS_DIR } from './support/Scene';
import { UI_TIMEOUT_MS, Workbench } from './support/Workbench';

const TOAST = 'Bob is inviting you to start using Remote Assistance. Do you want to Accept (Alt+T) or Decline (Alt+D) the invitation?';

describe('One person, several devices, in two VS Code workbenches', function () {
  const stack = new EmbeddedStack({ logDir: join(RESULTS_DIR, 'devices-logs') });
  let browser: Browser;
  let laptop: Workbench;
  let desktop: Workbench;
  const bob = new NetworkClient();
  let failed = false;

  before(async function () {
    this.timeout(600_000);
    await stack.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    laptop = await Workbench.open(browser, 'Alice (laptop)', stack.workbench(ALICE).url);
    desktop = await Workbench.open(browser, 'Alice (desktop)', stack.workbench(BOB).url);
    await bob.connect(stack.assistServer.url, { alias: 'bob', displayName: 'Bob' });
  });

  beforeEach(function () {
    if (failed) this.skip();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    failed = true;
    for (const wb of [laptop, desktop]) await wb?.screenshot(join(RESULTS_DIR, `devices-${wb.name.replace(/\W+/g, '-')}.png`)).catch(() => undefined);
  });

  after(async function () {
    this.timeout(120_000);
    bob.dispose();
    stack.collectWorkbenchLogs();
    await laptop?.close();
    await desktop?.close();
    await browser?.close().catch(() => undefined);
    await stack.stop();
  });

  it('1. the laptop signs in and adds Bob; "Add Another Device…" shows a code the desktop signs in with', async function () {
    await laptop.runCommand('Remote Assist: Sign In…');
    await laptop.answerInput('Your alias on', 'alice');
    await laptop.openActivity('Assistance');
    await laptop.view('Contacts');
    await laptop.runCommand('Remote Assist: Add Contact…');
    await laptop.answerInput('Alias of the person to add', 'bob');
    await pollUntil('bob to see the request', () => bob.contacts.some((c) => c.alias === 'alice' && c.status === 'incoming'), { timeoutMs: UI_TIMEOUT_MS });
    await bob.acceptContact('alice');

    await laptop.runCommand('Remote Assist: Add Another Device…');
    const dialog = await laptop.dialog('Sign In with a Code from Another Device');
    const code = /([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(await dialog.innerText())?.[1];
    assert.ok(code, 'the dialog shows the code');
    // (Copy Code would need the browser's clipboard permission; the person reads the code off the screen)
    await laptop.clickDialogButton('Sign In with a Code from Another Device', 'Cancel');

    await desktop.runCommand('Remote Assist: Sign In with a Code from Another Device…');
    await desktop.answerInput('The code your signed-in device shows', code!.toLowerCase());
    await desktop.toast(/This device is signed in to .* as alice\./);
    await desktop.openActivity('Assistance');
    const row = await desktop.treeItem('Contacts', 'Bob');
    await pollUntil('the desktop to see Bob online', async () => /online/i.test((await row.getAttribute('aria-label')) ?? ''), { timeoutMs: UI_TIMEOUT_MS });
  });

  it('2. Bob invites Alice: both devices show the toast; the desktop accepts and the laptop is told', async function () {
    const invitation = await bob.invite('alice', 'my build fails');
    await laptop.toast(TOAST);
    await desktop.clickToastButton(TOAST, 'Accept');
    await laptop.toast("Bob's invitation was accepted on another of your devices.");
    await pollUntil('bob to have the session', () => bob.sessions.length === 1, { timeoutMs: UI_TIMEOUT_MS });
    assert.equal(bob.invitations.find((i) => i.id === invitation.id)?.status, 'accepted');
    await bob.endSession(bob.sessions[0].id);
  });

  it('3. "Signed-In Devices" lists both; "Sign Out Everywhere" signs both out', async function () {
    await laptop.runCommand('Remote Assist: Signed-In Devices');
    const list = laptop.quickInput().filter({ hasText: 'Signed-In Devices' });
    await list.waitFor({ state: 'visible' });
    await pollUntil('two devices listed', async () => (await list.locator('.monaco-list-row').count()) === 2, { timeoutMs: UI_TIMEOUT_MS });
    // the rows as read aloud: label and description (the web workbench renders their spaces as no-break spaces)
    const rows = await list.locator('.monaco-list-row').evaluateAll((els) => els.map((e) => (e.getAttribute('aria-label') || e.textContent || '').replace(/\s+/g, ' ')));
    assert.equal(rows.filter((r) => /this device/.test(r)).length, 1, rows.join(' | '));
    assert.equal(rows.filter((r) => /\bconnected/.test(r)).length, 1, rows.join(' | '));
    await laptop.page.keyboard.press('Escape');

    await laptop.runCommand('Remote Assist: Sign Out Everywhere');
    await laptop.clickDialogButton('Sign out every device of your account', 'Sign Out Everywhere');
    await laptop.toast('Every device of your account is signed out.');
    for (const wb of [laptop, desktop]) {
      const contacts = await wb.view('Contacts');
      await contacts.getByText('Sign in to an assistance network').first().waitFor({ timeout: UI_TIMEOUT_MS });
    }
  });
});
