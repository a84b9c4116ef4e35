/** The extension's settings, read fresh on every use and checked: a bad value is reported and ignored. */
import { userInfo } from 'os';
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';
import { cleanDisplayName } from '../protocol/network';
import { StunUrl, TurnUrl } from '../protocol/ice';
import { DEFAULT_REDACT_WINDOWS, RedactRules } from '../protocol/host';
import type { IceOptions } from '../server/IceCredentials';
import { controlTimeLimits, DEFAULT_CONTROL_TIME_LIMITS } from './ControlTimeLimits';
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

  /**
   * Windows hidden from the helper. Machine-scoped like allowRemoteControl: a workspace must not be able to
   * reveal a password manager, so only the user's own value counts; a bad one falls back to the defaults.
   */
  redactWindows(): readonly string[] {
    const value = this.config.inspect<unknown>('privacy.redactWindows')?.globalValue;
    if (value === undefined) return DEFAULT_REDACT_WINDOWS;
    const parsed = RedactRules.safeParse(value);
    if (parsed.success) return parsed.data;
    this.log.warn(`setting remoteAssist.privacy.redactWindows ignored (${parsed.error.issues[0]?.message ?? 'invalid'}); hiding the default windows`);
    return DEFAULT_REDACT_WINDOWS;
  }

  /** Minutes offered for a timed grant of control. Machine scope like allowRemoteControl: only the user's own value counts. */
  controlTimeLimits(): readonly number[] {
    const { limits, problem } = controlTimeLimits(this.config.inspect<unknown>('controlTimeLimits')?.globalValue);
    if (problem) this.log.warn(`setting remoteAssist.controlTimeLimits ignored (${problem}); offering ${DEFAULT_CONTROL_TIME_LIMITS.join(', ')} minutes`);
    return limits;
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

  /** Minutes between "Continue sharing?" questions; 0 never asks. Machine scope: no workspace can change it. */
  continueSharingMinutes(): number {
    const minutes = this.config.get<number>('continueSharingMinutes', 30);
    return Number.isInteger(minutes) && minutes >= 0 && minutes <= 1440 ? minutes : 30;
  }

  directPort(): number {
    const port = this.config.get<number>('directPort', 0);
    return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : 0;
  }

  directAddress(): string {
    const value = this.config.get<string>('directAddress', '').trim();
    return /^[A-Za-z0-9.:[\]-]{0,253}$/.test(value) ? value : '';
  }

  /**
   * STUN/TURN for the servers this machine runs (direct links, team server). Application scope, so no
   * workspace can point a session at a relay of its choosing; each bad URL is reported and left out, and
   * TURN without a usable secret (kept in secret storage, not in settings) is left out as a whole.
   */
  iceOptions(storedTurnSecret: string | undefined): IceOptions {
    const valid = (key: string, schema: typeof StunUrl | typeof TurnUrl) => {
      const inspected = this.config.inspect<unknown>(key)?.globalValue;
      const list = Array.isArray(inspected) ? inspected.slice(0, 8) : [];
      return list.filter((url): url is string => {
        const ok = schema.safeParse(url).success;
        if (!ok) this.log.warn(`setting remoteAssist.${key}: ${JSON.stringify(url).slice(0, 120)} ignored: not a valid URL`);
        return ok;
      });
    };
    const stun = valid('network.stunServers', StunUrl);
    let turn = valid('network.turnServers', TurnUrl);
    const secret = storedTurnSecret;
    const turnSecret = typeof secret === 'string' && secret.length >= 16 && secret.length <= 256 ? secret : undefined;
    if (turn.length > 0 && !turnSecret) {
      this.log.warn('setting remoteAssist.network.turnServers ignored: no TURN secret (Remote Assist: Set TURN Secret…)');
      turn = [];
    }
    const hours = this.config.get<number>('network.turnCredentialHours', 12);
    const turnTtlMs = (Number.isFinite(hours) && hours >= 1 && hours <= 168 ? hours : 12) * 3_600_000;
    return { stun, turn, turnSecret: turn.length > 0 ? turnSecret : undefined, turnTtlMs };
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
