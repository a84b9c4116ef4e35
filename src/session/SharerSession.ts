/**
 * The sharer's side of a session: asks consent (modal), and only on Yes starts the host process; relays its
 * signaling to the helper; decides control requests against the machine's setting and the sharer's answer;
 * records everything in the session's history. Security is enforced here and in the host, never trusted to
 * the helper or the server.
 */
import type { NetworkClient } from '../network/NetworkClient';
import type { Session } from '../protocol/network';
import type { RelayMessage } from '../protocol/relay';
import { HostVoiceEndpoint } from '../audio/HostVoiceEndpoint';
import type { TalkController, TalkFactory } from '../audio/TalkController';
import { HostFilesEndpoint } from '../files/FilesEndpoint';
import type { FilesFactory, SessionFiles } from '../files/SessionFiles';
import { settingsUrlFor } from '../host/capture/macPermissions';
import type { HostSupervisor } from '../host/supervisor';
import { Logger } from '../common/logger';
import { SessionError } from './AssistanceSession';
import type { ActiveSession, SessionContext } from './ActiveSession';
import { QualityPreset, qualityFor } from './QualityPresets';
import { SessionSide } from './SessionSide';
import { SessionTexts as T } from './SessionTexts';

/** Questions only the sharer answers (modal dialogs in VS Code). */
export interface SharerPrompts {
  askConsent(helperName: string): Promise<boolean>;
  askControl(helperName: string): Promise<boolean>;
  /** A permission the system withholds (macOS): the message, and a button to the System Settings page for it. */
  offerSystemSettings?(message: string, settingsUrl: string): Promise<void>;
}

/** The machine's rules, read fresh each time (the user may change them mid-session). */
export interface SharerPolicy {
  allowRemoteControl(): boolean;
  qualityPreset(): QualityPreset;
}

export class SharerSession extends SessionSide implements ActiveSession {
  private host: HostSupervisor | undefined;
  talk: TalkController | undefined;
  files: SessionFiles | undefined;

  constructor(
    session: Session,
    client: NetworkClient,
    ctx: SessionContext,
    private readonly prompts: SharerPrompts,
    private readonly policy: SharerPolicy,
    private readonly createHost: () => HostSupervisor,
    log: Logger,
    private readonly talkFactory?: TalkFactory,
    private readonly filesFactory?: FilesFactory,
  ) {
    super(session, client, 'sharer', ctx, log);
  }

  /** Asks the sharer; only on Yes is anything shared. */
  async start(): Promise<void> {
    const yes = await this.prompts.askConsent(this.model.peerName);
    if (this.model.phase !== 'consent') return; // the helper left while the question was open
    if (!yes) {
      this.model.consentRefused();
      await this.channel.end();
      this.release();
      return;
    }
    this.model.consentGiven();
    this.startHost();
  }

  async sendChat(text: string): Promise<void> {
    const entryText = text.trim();
    if (this.model.phase !== 'connected' || !this.host) throw new SessionError('ERR_ILLEGAL_TRANSITION', `You are not connected to ${this.model.peerName}.`);
    this.host.sendChat(entryText);
    this.model.chat('me', entryText, this.ctx.myName);
  }

  takeControl(): void {
    throw new SessionError('ERR_ILLEGAL_TRANSITION', 'Only the helper takes control; you share your screen.');
  }

  stopControl(): void {
    if (this.model.control !== 'granted') throw new SessionError('ERR_ILLEGAL_TRANSITION', `${this.model.peerName} is not in control.`);
    // The history records it when the host confirms (onControl), so it is true when written.
    this.host?.revokeControl();
  }

  async setQuality(preset: QualityPreset): Promise<void> {
    if (this.host?.state === 'running') this.host.setQuality(qualityFor(preset));
  }

  private startHost(): void {
    const host = (this.host = this.createHost());
    this.store.add(host);
    if (this.talkFactory) {
      const endpoint = this.store.add(new HostVoiceEndpoint(host, this.log));
      this.talk = this.store.add(this.talkFactory(this.model.peerName, endpoint, (line) => this.guard('voice', () => this.model.note(line))));
    }
    if (this.filesFactory) {
      this.files = this.store.add(this.filesFactory(this.model.peerName, new HostFilesEndpoint(host, this.log), (line) => this.guard('files', () => this.model.note(line))));
    }
    this.store.add(host.onSignal((payload) => void this.channel.send({ type: 'rtc', payload }).catch((err: Error) => this.log.warn(`signal not relayed: ${err.message}`))));
    this.store.add(
      host.onConnected(({ width, height }) => {
        this.log.info(`session ${this.model.sessionId}: ${this.model.peerName} connected, sharing ${width}x${height}`);
        if (this.model.phase === 'connecting') this.model.peerConnected();
      }),
    );
    this.store.add(host.onDisconnected((reason) => {
      this.log.info(`session ${this.model.sessionId}: peer connection closed (${reason})`);
      if (this.model.phase === 'connected') void this.disconnect();
    }));
    this.store.add(host.onChat((text) => this.guard('chat', () => this.model.chat('peer', text, this.ctx.myName))));
    this.store.add(host.onControlRequested(() => void this.onControlRequested()));
    this.store.add(
      host.onControl(({ granted, reason }) => {
        if (granted && this.model.control === 'requested') this.model.grantControl();
        else if (!granted && this.model.control === 'granted') {
          this.model.endControl(reason === 'localEscape' ? 'escape' : reason === 'helperReleased' ? 'peer' : 'me');
        }
      }),
    );
    this.store.add(
      host.onError((e) => {
        this.log.error(`host ${e.code}: ${e.message}`);
        const settingsUrl = settingsUrlFor(e.code);
        if (settingsUrl) void this.prompts.offerSystemSettings?.(e.message, settingsUrl);
        if (e.fatal) void this.fail(T.sharingFailed(e.message));
      }),
    );
    this.store.add(host.onExit(() => void this.fail(T.sharingFailed('the screen sharing process stopped'))));
    host.start({ quality: qualityFor(this.policy.qualityPreset()) });
  }

  private async onControlRequested(): Promise<void> {
    if (this.model.phase !== 'connected' || this.model.control !== 'viewOnly') {
      this.log.warn(`session ${this.model.sessionId}: control request ignored while ${this.model.phase}/${this.model.control}`);
      return;
    }
    this.model.requestControl();
    if (!this.policy.allowRemoteControl()) {
      this.model.refuseControl('notAllowed');
      await this.channel.send({ type: 'controlRefused', reason: 'notAllowed' });
      return;
    }
    const yes = await this.prompts.askControl(this.model.peerName);
    if (!this.stillAsking()) return;
    // The setting is read again: it may have been switched off while the question was open.
    if (yes && this.policy.allowRemoteControl() && this.host) {
      this.host.grantControl();
      return;
    }
    this.model.refuseControl(yes ? 'notAllowed' : 'declined');
    await this.channel.send({ type: 'controlRefused', reason: yes ? 'notAllowed' : 'declined' });
  }

  /** Read through a call so TypeScript does not narrow the state across the awaited question. */
  private stillAsking(): boolean {
    return this.model.phase === 'connected' && this.model.control === 'requested';
  }

  protected override onRelay(message: RelayMessage): void {
    switch (message.type) {
      case 'rtc':
        if (this.host?.state === 'running') this.host.signal(message.payload);
        else this.log.warn(`session ${this.model.sessionId}: signaling before the host started was dropped`);
        break;
      case 'qualityRequest':
        this.log.info(`session ${this.model.sessionId}: ${this.model.peerName} chose quality ${message.preset}`);
        void this.setQuality(message.preset);
        break;
      case 'controlRefused':
        this.log.warn(`session ${this.model.sessionId}: the helper sent a sharer-only message; dropped`);
        break;
    }
  }

  /** Sharing broke (unsupported platform, no display, the host died): say why, and end on both sides. */
  private async fail(problem: string): Promise<void> {
    if (this.finished) return;
    await this.channel.end();
    this.finish('error', problem);
  }

  protected override onRelease(): void {
    // Disposing the supervisor (in the store) sends `stop` at once and kills the process if it does not exit in time.
    this.host = undefined;
  }
}
