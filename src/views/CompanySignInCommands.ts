/**
 * "Sign In with Company Account…" (the server's OpenID provider, in the browser or with a code on another
 * device) and the URI handler's /oidc path, where the browser comes back; "Administer Accounts…" for the
 * server's --admins.
 */
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import type { AccountSummary, AdminAction } from '../protocol/network';
import type { DeviceAuthorization } from '../network/oidc/CompanyIdentityProvider';
import type { AssistanceNetwork } from '../session/AssistanceNetwork';
import type { AssistSettings } from '../session/AssistSettings';
import { CompanySignIn } from '../session/CompanySignIn';
import { NetworkError } from '../network/NetworkError';
import { userMessage } from './userErrors';
import { registerCommand } from './registerCommand';

/** The path of the extension URI the identity provider redirects to (vscode://remote-assist.remote-assist/oidc). */
export const OIDC_CALLBACK_PATH = '/oidc';

export const CompanyTexts = {
  noServer: 'Set "Remote Assist: Server Url" to your company\'s assistance server first.',
  pickTitle: 'Sign In with Company Account',
  browser: 'Sign in in the browser',
  browserDetail: 'Opens your company\'s sign-in page; the browser brings you back to VS Code.',
  code: 'Sign in with a code on another device',
  codeDetail: 'For when this browser cannot come back to VS Code (a remote machine, a locked-down browser).',
  waitingBrowser: 'Waiting for the company sign-in in your browser…',
  deviceCode: (uri: string, code: string) => `Open ${uri} on any device and enter ${code} to sign in to Remote Assist.`,
  openPage: 'Open Sign-In Page',
  copyCode: 'Copy Code',
  waitingCode: (code: string) => `Waiting for the code ${code} to be entered…`,
  signedIn: (alias: string, server: string) => `Signed in to ${server} as ${alias} with your company account.`,
  adminTitle: 'Administer Accounts',
  confirm: (action: AdminAction, alias: string) =>
    action === 'remove' ? `Remove ${alias} for good, with its devices and contacts?` : action === 'disable' ? `Disable ${alias}? Its devices are disconnected at once and its invitations withdrawn.` : `Sign every device of ${alias} out and make a one-time code for them?`,
} as const;

const ACTIONS: { action: AdminAction; label: string; when: (a: AccountSummary) => boolean }[] = [
  { action: 'disable', label: 'Disable', when: (a) => a.disabledAt === null },
  { action: 'enable', label: 'Enable', when: (a) => a.disabledAt !== null },
  { action: 'reset-devices', label: 'Reset Devices (make a one-time code)', when: () => true },
  { action: 'remove', label: 'Remove…', when: () => true },
];

export class CompanySignInCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly company: CompanySignIn;

  constructor(
    private readonly network: AssistanceNetwork,
    private readonly settings: AssistSettings,
    private readonly log: Logger,
  ) {
    this.company = new CompanySignIn(network);
    this.disposables.push(this.company);
    const reg = (id: string, fn: () => Promise<void>) => this.disposables.push(registerCommand(id, fn, log, companyMessage));
    reg('signInWithCompany', () => this.signIn());
    reg('administerAccounts', () => this.administer());
  }

  /** The URI handler's part for OIDC_CALLBACK_PATH: the browser came back with the provider's answer. */
  handleCallback(query: string): void {
    this.company.callbacks.deliver(query);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async signIn(): Promise<void> {
    const serverUrl = this.settings.serverUrl();
    if (!serverUrl) {
      void vscode.window.showWarningMessage(CompanyTexts.noServer);
      return;
    }
    const idp = await this.company.provider(serverUrl);
    const choices: { label: string; detail: string; device: boolean }[] = [];
    // a browser-based workbench (code-server) comes back through an address that changes with every sign-in
    // (…/callback?vscode-reqid=N…), which no provider accepts as a registered redirect URI: the code only
    if (vscode.env.uiKind !== vscode.UIKind.Web || !idp.offersDeviceFlow) choices.push({ label: CompanyTexts.browser, detail: CompanyTexts.browserDetail, device: false });
    if (idp.offersDeviceFlow) choices.push({ label: CompanyTexts.code, detail: CompanyTexts.codeDetail, device: true });
    const picked = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: CompanyTexts.pickTitle });
    if (!picked) return;
    const progress = { location: vscode.ProgressLocation.Notification, cancellable: true };
    let cancelled = false;
    const abortOn = (token: vscode.CancellationToken): AbortSignal => {
      const controller = new AbortController();
      token.onCancellationRequested(() => {
        cancelled = true;
        controller.abort();
      });
      return controller.signal;
    };
    try {
      if (picked.device) {
        await vscode.window.withProgress({ ...progress, title: CompanyTexts.pickTitle }, (report, token) =>
          this.company.withDeviceCode(
            serverUrl,
            idp,
            (device) => {
              report.report({ message: CompanyTexts.waitingCode(device.userCode) });
              void this.showDeviceCode(device);
            },
            abortOn(token),
          ),
        );
      } else {
        const redirect = await vscode.env.asExternalUri(vscode.Uri.parse(`${vscode.env.uriScheme}://remote-assist.remote-assist${OIDC_CALLBACK_PATH}`));
        await vscode.window.withProgress({ ...progress, title: CompanyTexts.waitingBrowser }, (_report, token) =>
          this.company.withBrowser(serverUrl, idp, redirect.toString(true), (url) => Promise.resolve(vscode.env.openExternal(vscode.Uri.parse(url, true))), abortOn(token)),
        );
      }
    } catch (err) {
      // the person pressed Cancel: nothing to report
      if (cancelled) return;
      throw err;
    }
    const alias = this.network.client.account?.alias;
    this.log.info(`company sign-in: signed in as ${alias}`);
    if (alias) void vscode.window.showInformationMessage(CompanyTexts.signedIn(alias, serverUrl));
  }

  private async showDeviceCode(device: DeviceAuthorization): Promise<void> {
    const choice = await vscode.window.showInformationMessage(CompanyTexts.deviceCode(device.verificationUri, device.userCode), CompanyTexts.openPage, CompanyTexts.copyCode);
    if (choice === CompanyTexts.openPage) await vscode.env.openExternal(vscode.Uri.parse(device.verificationUriComplete ?? device.verificationUri, true));
    if (choice === CompanyTexts.copyCode) await vscode.env.clipboard.writeText(device.userCode);
  }

  private async administer(): Promise<void> {
    const accounts = await this.network.client.adminListAccounts();
    const account = await vscode.window.showQuickPick(
      accounts.map((a) => ({ label: a.alias, description: a.displayName, detail: `${a.disabledAt === null ? 'enabled' : 'disabled'} · ${a.devices} device(s)`, account: a })),
      { title: CompanyTexts.adminTitle, placeHolder: 'Choose an account' },
    );
    if (!account) return;
    const action = await vscode.window.showQuickPick(
      ACTIONS.filter((a) => a.when(account.account)).map((a) => ({ label: a.label, action: a.action })),
      { title: `${CompanyTexts.adminTitle}: ${account.label}` },
    );
    if (!action) return;
    if (action.action !== 'enable') {
      const yes = await vscode.window.showWarningMessage(CompanyTexts.confirm(action.action, account.label), { modal: true }, action.label.replace('…', ''));
      if (!yes) return;
    }
    const done = await this.network.client.adminAccount(action.action, account.label);
    this.log.info(`admin: ${action.action} ${account.label}: ${done.detail}`);
    if (!done.code) {
      void vscode.window.showInformationMessage(done.detail);
      return;
    }
    const copy = await vscode.window.showInformationMessage(`${done.detail} Code: ${done.code} (works once, for 30 minutes).`, { modal: true }, 'Copy Code');
    if (copy) await vscode.env.clipboard.writeText(done.code);
  }
}

/**
 * What the server says is more precise here than the general text for its code: an alias taken by an account
 * made without company sign-in, an administrator acting on their own account.
 */
function companyMessage(err: unknown): string {
  if (err instanceof NetworkError && (err.code === 'ERR_ALIAS_TAKEN' || err.code === 'ERR_SELF')) return err.message.charAt(0).toUpperCase() + err.message.slice(1) + '.';
  return userMessage(err);
}
