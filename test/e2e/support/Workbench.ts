/**
 * Drives one VS Code workbench (code-server) in headless Chromium the way a user does: the command
 * palette, quick picks and input boxes, notification toasts, modal dialogs, the activity bar and views,
 * and webviews (VS Code nests each webview's page in two iframes; we find the inner frame by content).
 */
import type { Browser, BrowserContext, Frame, Locator, Page } from 'playwright-core';
import { pollUntil } from '../../../scripts/stack/poll';

/** Generous: a 2-core machine shared by several engineers runs two workbenches, a host and Chromium. */
export const UI_TIMEOUT_MS = 60_000;

export class Workbench {
  private constructor(
    readonly name: string,
    private readonly context: BrowserContext,
    readonly page: Page,
  ) {}

  static async open(browser: Browser, name: string, url: string): Promise<Workbench> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(url, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: 120_000 });
    return new Workbench(name, context, page);
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, timeout: 20_000 });
  }

  /**
   * Runs a command by its palette title, e.g. "Remote Assist: Ask for Help…". The palette lists what was
   * registered when it opened, so while the extension host is still starting it is reopened until the
   * command shows.
   */
  async runCommand(title: string): Promise<void> {
    const row = this.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await pollUntil(`the command "${title}" in ${this.name}'s palette`, async () => {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      const input = this.quickInput().locator('.quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`);
      return row.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 500 });
    await row.click();
  }

  /** Picks the row of an open quick pick whose text contains `label`. */
  async pick(label: string | RegExp): Promise<void> {
    const row = this.quickInput().locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /**
   * Answers the input box showing `prompt`: types `value`, presses Enter, and waits until that box has
   * gone (the next box of a multi-step flow reuses the same widget, so typing too early lands in the old one).
   */
  async answerInput(prompt: string | RegExp, value: string): Promise<void> {
    const box = this.quickInput().filter({ hasText: prompt });
    await box.waitFor({ state: 'visible' });
    const input = box.locator('.quick-input-box input');
    await input.fill(value);
    await input.press('Enter');
    await box.waitFor({ state: 'hidden' });
  }

  /**
   * Answers VS Code's own file dialog (in the web workbench a quick input titled `title`, listing the
   * folder it opened in): clicks the row `fileName` when given, then the `okLabel` button.
   */
  async answerFileDialog(title: string, okLabel: string | RegExp, fileName?: string): Promise<void> {
    const box = this.quickInput().filter({ hasText: title });
    await box.waitFor({ state: 'visible' });
    // The listing shows once the dialog has read its folder; before that OK does not take a choice.
    await box.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible' });
    // Clicking a file's row may accept it at once; otherwise the OK button does.
    if (fileName) await box.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().click();
    const ok = box.getByRole('button', { name: okLabel, exact: true });
    await pollUntil(`${this.name}'s "${title}" dialog to close`, async () => {
      if (!(await box.isVisible())) return true;
      await ok.click({ timeout: 2_000 }).catch(() => undefined);
      return !(await box.isVisible());
    }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 500 });
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private async closeQuickInput(): Promise<void> {
    if (await this.quickInput().isVisible().catch(() => false)) await this.page.keyboard.press('Escape');
  }

  /** A notification toast containing `text` (waits for it). */
  async toast(text: string | RegExp): Promise<Locator> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
    await toast.waitFor({ state: 'visible' });
    return toast;
  }

  /** Clicks a button on the toast containing `text`. */
  async clickToastButton(text: string | RegExp, button: string): Promise<void> {
    const toast = await this.toast(text);
    await toast.getByRole('button', { name: button, exact: true }).click();
  }

  /** A modal dialog containing `text` (waits for it). */
  async dialog(text: string | RegExp): Promise<Locator> {
    const dialog = this.page.locator('.monaco-dialog-box', { hasText: text }).first();
    await dialog.waitFor({ state: 'visible' });
    return dialog;
  }

  async clickDialogButton(text: string | RegExp, button: string): Promise<void> {
    const dialog = await this.dialog(text);
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /** Opens a view container from the activity bar (e.g. "Assistance"), unless it is already shown. */
  async openActivity(name: string): Promise<void> {
    const item = this.page.locator('.part.activitybar .action-item', { has: this.page.locator(`[aria-label^="${name}"]`) }).first();
    await item.waitFor({ state: 'visible' });
    if ((await item.getAttribute('class'))?.includes('checked')) return;
    await item.locator('a, .action-label').first().click();
  }

  /** A view pane in the side bar by title (expands it if collapsed). */
  async view(title: string): Promise<Locator> {
    const pane = this.page.locator('.part.sidebar .pane', { has: this.page.locator(`.pane-header[aria-label="${title} Section"]`) }).first();
    const header = pane.locator('.pane-header').first();
    await header.waitFor({ state: 'visible' });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    return pane;
  }

  /** A tree row in a side bar view whose accessible label contains `label`. */
  async treeItem(viewTitle: string, label: string | RegExp): Promise<Locator> {
    const pane = await this.view(viewTitle);
    const row = pane.locator('.monaco-list-row', { hasText: label }).first();
    await row.waitFor({ state: 'visible' });
    return row;
  }

  /**
   * The inner frame of the webview whose page contains `selector` and not `without` (the panel and the
   * sidebar chat are two webviews, both in nested iframes, and share some markup).
   */
  async webviewFrame(selector: string, what: string, without?: string): Promise<Frame> {
    const has = async (frame: Frame, s: string) => (await frame.locator(s).count().catch(() => 0)) > 0;
    return pollUntil(`${this.name}'s ${what} webview`, async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || frame.isDetached()) continue;
        if ((await has(frame, selector)) && !(without && (await has(frame, without)))) return frame;
      }
      return undefined;
    }, { timeoutMs: UI_TIMEOUT_MS, intervalMs: 500 });
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
  }
}
