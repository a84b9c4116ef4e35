/**
 * One person, several devices: "Add Another Device…" shows a one-time code, "Sign In with a Code from Another
 * Device…" enters it, "Signed-In Devices" lists the account's devices and signs any out, "Sign Out Everywhere".
 */
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { DeviceCode, type Device } from '../protocol/network';
import { AnsweredElsewhere } from '../network/AnsweredElsewhere';
import { plainTextWarning } from '../network/serverAddress';
import type { AssistanceNetwork } from '../session/AssistanceNetwork';
import type { AssistSettings } from '../session/AssistSettings';
import { userMessage } from './userErrors';
import { registerCommand } from './registerCommand';
import { askSafely } from './safeQuestion';

export const DeviceTexts = {
  codeShown: (code: string, minutes: number) =>
    `On your other device, run "Remote Assist: Sign In with a Code from Another Device…" and enter ${code}. The code works once, for ${minutes} minutes.`,
  copyCode: 'Copy Code',
  codePrompt: 'The code your signed-in device shows under "Add Another Device…" (like K7QD-3MXP).',
  codeInvalid: 'Enter the 8 letters and digits of the code, like K7QD-3MXP.',
  joined: (alias: string, server: string) => `This device is signed in to ${server} as ${alias}.`,
  thisDevice: 'this device',
  signOutDevice: (name: string) => `Sign out ${name}? It must be added again with a code from a signed-in device.`,
  signOutEverywhere: 'Sign out every device of your account, this one included? Each must sign in again with a code from a signed-in device or be reset by the server\'s administrator.',
  signedOutEverywhere: 'Every device of your account is signed out.',
  answeredElsewhere: (sharer: string, status: 'accepted' | 'declined') => `${sharer}'s invitation was ${status} on another of your devices.`,
} as const;

/** A device's name as listed: what it was called, or a neutral word. */
const deviceLabel = (d: Device) => d.name || 'Unnamed device';

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago". */
export function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export class DeviceCommands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly network: AssistanceNetwork,
    private readonly settings: AssistSettings,
    private readonly log: Logger,
  ) {
    const reg = (id: string, fn: () => Promise<void>) => this.disposables.push(registerCommand(id, fn, log));
    reg('addDevice', () => this.addDevice());
    reg('signInWithCode', () => this.signInWithCode());
    reg('showDevices', () => this.showDevices());
    reg('signOutEverywhere', () => this.signOutEverywhere());
    // without this the sidebar would just show "Sign In" again, and nobody would know why
    this.disposables.push(network.onDidLoseSignIn((refusal) => void vscode.window.showWarningMessage(userMessage(refusal))));
    // the invitation toast cannot be closed from code: a line under it says that another device answered
    const answered = new AnsweredElsewhere(network.client);
    this.disposables.push(
      answered,
      answered.onDidAnswerElsewhere((invitation) => {
        log.info(`invitation ${invitation.id} ${invitation.status} on another device`);
        void vscode.window.showInformationMessage(DeviceTexts.answeredElsewhere(invitation.from.displayName, invitation.status));
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private async addDevice(): Promise<void> {
    const { code, expiresInMs } = await this.network.client.createDeviceCode();
    const choice = await vscode.window.showInformationMessage(DeviceTexts.codeShown(code, Math.round(expiresInMs / 60_000)), { modal: true }, DeviceTexts.copyCode);
    if (choice === DeviceTexts.copyCode) await vscode.env.clipboard.writeText(code);
  }

  private async signInWithCode(): Promise<void> {
    const serverUrl = await this.serverUrl();
    if (!serverUrl) return;
    const code = await vscode.window.showInputBox({
      title: 'Sign In with a Code from Another Device',
      prompt: DeviceTexts.codePrompt,
      placeHolder: 'K7QD-3MXP',
      ignoreFocusOut: true,
      validateInput: (v) => (DeviceCode.safeParse(v.trim()).success ? undefined : DeviceTexts.codeInvalid),
    });
    if (!code) return;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Signing in to ${serverUrl}…` }, () =>
      this.network.signInWithCode(serverUrl, code.trim()),
    );
    const alias = this.network.client.account?.alias;
    if (alias) void vscode.window.showInformationMessage(DeviceTexts.joined(alias, serverUrl));
  }

  private async showDevices(): Promise<void> {
    const devices = await this.network.client.listDevices();
    const now = Date.now();
    const items = devices.map((d) => ({
      label: deviceLabel(d),
      description: d.current ? DeviceTexts.thisDevice : d.connected ? 'connected' : `last seen ${ago(now - d.lastSeenAt)}`,
      detail: `added ${new Date(d.createdAt).toLocaleString()}`,
      device: d,
    }));
    const picked = await vscode.window.showQuickPick(items, { title: 'Signed-In Devices', placeHolder: 'Choose a device to sign it out' });
    if (!picked) return;
    const yes = await vscode.window.showWarningMessage(DeviceTexts.signOutDevice(picked.label), { modal: true }, 'Sign Out');
    if (yes !== 'Sign Out') return;
    if (picked.device.current) await this.network.signOut();
    else await this.network.client.signOutDevice(picked.device.id);
    this.log.info(`signed out device ${picked.device.id}`);
  }

  private async signOutEverywhere(): Promise<void> {
    const yes = await vscode.window.showWarningMessage(DeviceTexts.signOutEverywhere, { modal: true }, 'Sign Out Everywhere');
    if (yes !== 'Sign Out Everywhere') return;
    await this.network.signOutEverywhere();
    void vscode.window.showInformationMessage(DeviceTexts.signedOutEverywhere);
  }

  /** The server from the settings, or one the user types (kept in the settings as Sign In does). */
  private async serverUrl(): Promise<string | undefined> {
    let serverUrl = this.settings.serverUrl();
    if (!serverUrl) {
      const entered = await vscode.window.showInputBox({
        title: 'Sign In with a Code from Another Device',
        prompt: 'Address of the assistance server your other device is signed in to (ws:// or wss://).',
        placeHolder: 'wss://192.168.1.20:7420',
        ignoreFocusOut: true,
        validateInput: (v) => (/^wss?:\/\/\S+$/.test(v.trim()) ? undefined : 'Enter a ws:// or wss:// address.'),
      });
      if (!entered) return undefined;
      serverUrl = entered.trim().replace(/\/+$/, '');
      await vscode.workspace.getConfiguration('remoteAssist').update('serverUrl', serverUrl, vscode.ConfigurationTarget.Global);
    }
    const warning = plainTextWarning(serverUrl);
    if (warning) {
      this.log.warn(warning);
      const go = await askSafely({ message: warning, safe: "Don't Sign In", risky: ['Sign In Anyway'] });
      if (go !== 'Sign In Anyway') return undefined;
    }
    return serverUrl;
  }
}
