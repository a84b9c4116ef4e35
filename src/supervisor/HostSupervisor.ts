/**
 * HostSupervisor: the extension's handle on the host process. It forks dist/host.js with an IPC channel,
 * sends typed commands and re-exposes the host's validated events. No `vscode` import, so it runs in plain
 * Node tests too. The host exits on its own when this process (its parent) goes away.
 */
import { ChildProcess, fork } from 'child_process';
import * as path from 'path';
import type { IceServer } from '../protocol/ice';
import { ControlReason, HostCommand, HostErrorCode, HostEvent, HostStats, MonitorInfo, MonitorList, Quality, ScreenChoice, SignalPayload, WindowInfo } from '../protocol/host';
import { parseMessage, ProtocolError } from '../protocol/validate';
import { IDisposable, Emitter } from '../common/lifecycle';
import { Logger, silentLogger } from '../common/logger';

export interface HostSupervisorOptions {
  /** Path of the bundled host (default: dist/host.js next to the running bundle). */
  readonly hostScript?: string;
  /** Node binary that runs the host; it must match @roamhq/wrtc's ABI (not Electron). Default: process.execPath. */
  readonly nodePath?: string;
  /** Environment for the host (DISPLAY, WAYLAND_DISPLAY, …); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  readonly logger?: Logger;
}

export interface StartOptions {
  readonly quality: Quality;
  readonly screen?: ScreenChoice;
  readonly iceServers?: IceServer[];
  /** Windows hidden from the helper (remoteAssist.privacy.redactWindows). */
  readonly redactWindows?: readonly string[];
  /** Show only this window from the start. */
  readonly shareWindow?: number;
  /** Start paused (a new connection while the sharer has sharing paused): nothing is sent until resumed. */
  readonly paused?: boolean;
}

export interface HostError {
  readonly code: HostErrorCode | 'ERR_HOST_EXITED' | 'ERR_HOST_PROTOCOL';
  readonly message: string;
  readonly fatal: boolean;
}

export type SupervisorState = 'idle' | 'running' | 'exited';

export class HostSupervisor implements IDisposable {
  private readonly _onSignal = new Emitter<SignalPayload>();
  /** A simple-peer signal object to relay to the helper's viewer. */
  readonly onSignal = this._onSignal.event;
  private readonly _onConnected = new Emitter<{ width: number; height: number }>();
  readonly onConnected = this._onConnected.event;
  private readonly _onDisconnected = new Emitter<string>();
  readonly onDisconnected = this._onDisconnected.event;
  private readonly _onLink = new Emitter<'interrupted' | 'restored'>();
  /** The peer connection stopped answering (control already revoked in the host) or answers again. */
  readonly onLink = this._onLink.event;
  private readonly _onControl = new Emitter<{ granted: boolean; reason: ControlReason; remainingMs?: number }>();
  /** Control state changes, including `{ granted: false, reason: 'localEscape' }`. */
  readonly onControl = this._onControl.event;
  private readonly _onControlRefused = new Emitter<{ code: string; message: string }>();
  /** grantControl could not be honoured here (no XTEST, a withheld permission): the request ends. */
  readonly onControlRefused = this._onControlRefused.event;
  private readonly _onVerification = new Emitter<string>();
  /** The live peer connection's verification code ("123 456"). */
  readonly onVerification = this._onVerification.event;
  private readonly _onPaused = new Emitter<boolean>();
  /** Sharing was paused or resumed in the host. */
  readonly onPaused = this._onPaused.event;
  private readonly _onScreenHidden = new Emitter<boolean>();
  /** A Windows security prompt (the secure desktop) hides the screen from capture, or it is back. */
  readonly onScreenHidden = this._onScreenHidden.event;
  private readonly _onControlRequested = new Emitter<void>();
  /** The helper asked for control; ask the sharer, then call grantControl() or not. */
  readonly onControlRequested = this._onControlRequested.event;
  private readonly _onChat = new Emitter<string>();
  readonly onChat = this._onChat.event;
  private readonly _onStats = new Emitter<HostStats>();
  readonly onStats = this._onStats.event;
  private readonly _onError = new Emitter<HostError>();
  readonly onError = this._onError.event;
  private readonly _onService = new Emitter<{ service: string; message: unknown }>();
  /** Messages from host services registered by other features (files, voice). */
  readonly onService = this._onService.event;
  private readonly _onWindows = new Emitter<WindowInfo[]>();
  /** The answer to listWindows(). */
  readonly onWindows = this._onWindows.event;
  private readonly _onScreen = new Emitter<{ screen: ScreenChoice; width: number; height: number }>();
  /** What is shared changed: another monitor was chosen, or the resolution changed (RANDR). */
  readonly onScreen = this._onScreen.event;
  private readonly _onExit = new Emitter<{ code: number | null; signal: NodeJS.Signals | null }>();
  readonly onExit = this._onExit.event;

  private child: ChildProcess | undefined;
  private _state: SupervisorState = 'idle';
  private readonly log: Logger;

  constructor(private readonly options: HostSupervisorOptions = {}) {
    this.log = options.logger ?? silentLogger;
  }

  get state(): SupervisorState {
    return this._state;
  }

  /** Process id of the host, for diagnostics and tests. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Spawns the host and starts sharing. Throws if already started. */
  start(options: StartOptions): void {
    if (this._state !== 'idle') throw new Error(`HostSupervisor.start: illegal in state ${this._state}`);
    const script = this.options.hostScript ?? path.join(__dirname, 'host.js');
    const child = fork(script, [], {
      execPath: this.options.nodePath ?? process.execPath,
      execArgv: [],
      env: this.options.env ?? process.env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this._state = 'running';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => this.log.warn(`host stderr: ${text.trimEnd()}`));
    child.on('message', (raw) => this.receive(raw));
    child.on('error', (err) => this._onError.fire({ code: 'ERR_HOST_EXITED', message: err.message, fatal: true }));
    child.on('exit', (code, signal) => {
      this._state = 'exited';
      this.child = undefined;
      if (code === 0) {
        this._onExit.fire({ code, signal });
        return;
      }
      // Died without cleaning up (kill -9, a crash): the X server keeps what it held pressed; lift it first.
      void this.releaseHeldInput().then(() => {
        this._onError.fire({ code: 'ERR_HOST_EXITED', message: signal ? `killed by ${signal}` : `exit code ${code}`, fatal: true });
        this._onExit.fire({ code, signal });
      });
    });
    this.send({ type: 'start', quality: options.quality, screen: options.screen ?? 'all', iceServers: options.iceServers, redactWindows: [...(options.redactWindows ?? [])], shareWindow: options.shareWindow, paused: options.paused });
  }

  /**
   * Lifts every key and button held on the host's display (a short-lived host process in `--release-input`
   * mode); resolves either way within `timeoutMs`. Only X11 displays need it.
   */
  releaseHeldInput(timeoutMs = 5000): Promise<void> {
    const env = this.options.env ?? process.env;
    if (!env.DISPLAY || env.WAYLAND_DISPLAY) return Promise.resolve();
    const script = this.options.hostScript ?? path.join(__dirname, 'host.js');
    return new Promise<void>((resolve) => {
      const child = fork(script, ['--release-input'], { execPath: this.options.nodePath ?? process.execPath, execArgv: [], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (t: string) => (out += t));
      child.stderr?.setEncoding('utf8').on('data', (t: string) => this.log.warn(`host: ${t.trimEnd()}`));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.log.info(`released input left held by the host: ${out.trim() || 'nothing reported'}`);
        resolve();
      };
      child.once('exit', done);
      child.once('error', done);
    });
  }

  /**
   * The monitors of the host's display (a short-lived host process in `--list-monitors` mode), for the
   * sharer's picker; empty where monitors cannot be chosen (no X11 display). Rejects on a display error.
   */
  listMonitors(timeoutMs = 5000): Promise<MonitorInfo[]> {
    const env = this.options.env ?? process.env;
    if (!env.DISPLAY || env.WAYLAND_DISPLAY || process.platform === 'win32' || process.platform === 'darwin') return Promise.resolve([]);
    const script = this.options.hostScript ?? path.join(__dirname, 'host.js');
    return new Promise<MonitorInfo[]>((resolve, reject) => {
      const child = fork(script, ['--list-monitors'], { execPath: this.options.nodePath ?? process.execPath, execArgv: [], env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
      let out = '';
      let err = '';
      child.stdout?.setEncoding('utf8').on('data', (t: string) => (out += t));
      child.stderr?.setEncoding('utf8').on('data', (t: string) => (err += t));
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(err.trim() || `listing monitors failed (exit ${code})`));
        try {
          resolve(MonitorList.parse(JSON.parse(out)));
        } catch (e) {
          reject(new Error(`the host listed monitors badly: ${(e as Error).message}`));
        }
      });
    });
  }

  /** Shares another monitor (or all) from now on; onScreen confirms, onError(ERR_MONITOR_NOT_FOUND) refuses. */
  selectScreen(screen: ScreenChoice): void {
    this.send({ type: 'selectScreen', screen });
  }

  /** Passes the helper's simple-peer signal object in. */
  signal(payload: SignalPayload): void {
    this.send({ type: 'signal', payload });
  }

  /** `limitMs`: a timed grant, ended by the host itself when it runs out; `window`: control only inside that top-level window (from listWindows), absent: the whole screen. */
  grantControl(scope: { readonly limitMs?: number; readonly window?: number } = {}): void {
    this.send({ type: 'grantControl', limitMs: scope.limitMs, window: scope.window });
  }

  /** Pauses or resumes sharing: nothing is captured or sent while paused. */
  setPaused(paused: boolean): void {
    this.send({ type: 'setPaused', paused });
  }

  /** Asks for the top-level windows; they come as onWindows. */
  listWindows(): void {
    this.send({ type: 'listWindows' });
  }

  /** Shows the helper only `window` (undefined: the whole screen again). */
  shareWindow(window: number | undefined): void {
    this.send({ type: 'shareWindow', window });
  }

  setRedaction(rules: readonly string[]): void {
    this.send({ type: 'setRedaction', rules: [...rules] });
  }

  /** The panic chord: control revoked and sharing paused in one step. */
  panic(): void {
    this.send({ type: 'panic' });
  }

  revokeControl(): void {
    this.send({ type: 'revokeControl' });
  }

  setQuality(quality: Quality): void {
    this.send({ type: 'setQuality', quality });
  }

  sendChat(text: string): void {
    this.send({ type: 'sendChat', text });
  }

  /** For host services added by other features: a message to service `service` in the host. */
  sendService(service: string, message: unknown): void {
    this.send({ type: 'service', service, message });
  }

  /** Stops sharing; resolves when the host has exited (killed after `graceMs`). */
  stop(graceMs = 2000): Promise<void> {
    const child = this.child;
    if (!child) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ type: 'stop' });
    });
  }

  dispose(): void {
    const child = this.child;
    if (child) {
      if (child.connected) child.send({ type: 'stop' } satisfies HostCommand);
      // The host releases input and exits on `stop` or on losing the channel; SIGKILL only if it hangs.
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      timer.unref();
      child.once('exit', () => clearTimeout(timer));
      child.disconnect?.();
    }
    for (const e of [this._onSignal, this._onConnected, this._onDisconnected, this._onLink, this._onControl, this._onControlRefused, this._onVerification, this._onPaused, this._onScreenHidden, this._onControlRequested, this._onChat, this._onStats, this._onError, this._onService, this._onWindows, this._onScreen, this._onExit]) {
      e.dispose();
    }
  }

  private send(command: HostCommand): void {
    const child = this.child;
    if (!child || !child.connected) {
      throw new Error(`HostSupervisor: host is not running (state ${this._state})`);
    }
    child.send(command);
  }

  private receive(raw: unknown): void {
    let event: HostEvent;
    try {
      event = parseMessage(HostEvent, raw);
    } catch (err) {
      const message = err instanceof ProtocolError ? err.message : String(err);
      this.log.error(`host sent an invalid event: ${message}`);
      this._onError.fire({ code: 'ERR_HOST_PROTOCOL', message, fatal: false });
      return;
    }
    switch (event.type) {
      case 'ready':
        this.log.info(`host ready on ${event.platform}`);
        break;
      case 'signal':
        this._onSignal.fire(event.payload);
        break;
      case 'connected':
        this._onConnected.fire({ width: event.width, height: event.height });
        break;
      case 'disconnected':
        this._onDisconnected.fire(event.reason);
        break;
      case 'link':
        this._onLink.fire(event.state);
        break;
      case 'control':
        this._onControl.fire({ granted: event.granted, reason: event.reason, remainingMs: event.remainingMs });
        break;
      case 'controlRefused':
        this._onControlRefused.fire({ code: event.code, message: event.message });
        break;
      case 'verification':
        this._onVerification.fire(event.code);
        break;
      case 'paused':
        this._onPaused.fire(event.paused);
        break;
      case 'screenHidden':
        this._onScreenHidden.fire(event.hidden);
        break;
      case 'controlRequested':
        this._onControlRequested.fire();
        break;
      case 'chat':
        this._onChat.fire(event.text);
        break;
      case 'stats':
        this._onStats.fire(event.stats);
        break;
      case 'error':
        this._onError.fire({ code: event.code, message: event.message, fatal: event.fatal });
        break;
      case 'service':
        this._onService.fire({ service: event.service, message: event.message });
        break;
      case 'windows':
        this._onWindows.fire(event.windows);
        break;
      case 'log':
        this.log[event.level](`host: ${event.message}`);
        break;
      case 'screen':
        this._onScreen.fire({ screen: event.screen, width: event.width, height: event.height });
        break;
      case 'stopped':
        break;
    }
  }
}
