/** The extension's settings, read fresh on every use and checked: a bad value is reported and ignored. */
import { userInfo } from 'os';
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { cleanDisplayName } from '../protocol/network';
import { QUALITY_PRESETS, QualityPreset } from './QualityPresets';
import type { SharerPolicy } from './SharerSession';

const SECTION = 'remoteAssist';

export class AssistSettings implements SharerPolicy {
  constructor(private readonly log: Logger) {}

  private get config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  /** ws:// or wss:// address of the team server; empty means direct invitation links only. */
  serverUrl(): string {
    const value = this.config.get<string>('serverUrl', '').trim();
    if (value === '') return '';
    if (!/^wss?:\/\/[^\s]+$/.test(value)) {
      this.log.warn(`setting remoteAssist.serverUrl ignored: "${value.slice(0, 80)}" is not a ws:// or wss:// address`);
      return '';
    }
    return value.replace(/\/+$/, '');
  }

  /** The name contacts see; the OS user name when the setting is empty. */
  displayName(): string {
    const raw = this.config.get<string>('displayName', '') || safeUserName();
    const clean = cleanDisplayName(raw);
    return clean || 'Remote Assist user';
  }

  /**
   * Only a user-level (or remote machine) value counts: the setting is machine-scoped so workspaces cannot
   * set it, and a workspace value that got there anyway is ignored here too.
   */
  allowRemoteControl(): boolean {
    const inspected = this.config.inspect<boolean>('allowRemoteControl');
    return inspected?.globalValue === true;
  }

  invitationExpiryMs(): number {
    const minutes = this.config.get<number>('invitationExpiryMinutes', 60);
    const valid = Number.isFinite(minutes) && minutes >= 1 && minutes <= 10080;
    return (valid ? Math.round(minutes) : 60) * 60_000;
  }

  qualityPreset(): QualityPreset {
    const value = this.config.get<string>('quality', 'Auto');
    return (QUALITY_PRESETS as readonly string[]).includes(value) ? (value as QualityPreset) : 'Auto';
  }

  async setQualityPreset(preset: QualityPreset): Promise<void> {
    await this.config.update('quality', preset, vscode.ConfigurationTarget.Global);
  }

  directPort(): number {
    const port = this.config.get<number>('directPort', 0);
    return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0;
  }

  directAddress(): string {
    const value = this.config.get<string>('directAddress', '').trim();
    return /^[A-Za-z0-9.:[\]-]{0,253}$/.test(value) ? value : '';
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SECTION)) listener();
    });
  }
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}
