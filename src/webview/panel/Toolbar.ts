/**
 * The panel's toolbar (Take Control · Send a File · Start Talking [· Mute · levels] · Settings · Disconnect · Help) as an ARIA
 * toolbar: Tab enters it, arrow keys move between buttons, Enter or Space presses. Every press is one
 * `toolbar` request; the extension decides what it does.
 */
import type { ControlPhase, SessionPhase, TalkState, ToolbarAction } from '../../protocol/webview';
import { h, icon } from '../common/dom';

type Button = HTMLElement & { disabled: boolean };

const BUTTONS: { action: ToolbarAction; label: string; codicon: string }[] = [
  { action: 'takeControl', label: 'Take Control', codicon: 'remote' },
  { action: 'sendFile', label: 'Send a File', codicon: 'file-add' },
  { action: 'startTalking', label: 'Start Talking', codicon: 'mic' },
  { action: 'toggleMute', label: 'Mute', codicon: 'mute' },
  { action: 'settings', label: 'Settings', codicon: 'settings-gear' },
  { action: 'disconnect', label: 'Disconnect', codicon: 'debug-disconnect' },
  { action: 'help', label: 'Help', codicon: 'question' },
];

/** Each button's tooltip by its current label, in the words of Windows Remote Assistance. */
export const TOOLTIPS: Readonly<Record<string, string>> = {
  'Take Control': 'Click this button to take control of the remote computer.',
  'Waiting for Permission…': 'You asked to take control; the other person is deciding.',
  'Stop Control': 'Click this button to stop controlling the remote computer.',
  'Send a File': 'Click this button to send a file to the remote computer.',
  'Start Talking': 'Click this button to start talking with the other person.',
  'Stop Talking': 'Click this button to stop talking with the other person.',
  Mute: 'Click this button to mute your microphone.',
  Unmute: 'Click this button to turn your microphone back on.',
  Settings: 'Click this button to change the picture quality for your connection speed.',
  Disconnect: 'Click this button to end the Remote Assistance session.',
  Help: 'Click this button to get help with Remote Assistance.',
};

/** Start Talking while the other side's question is open: the answer to it is where talking starts. */
export const talkAskedTooltip = (peer: string): string => `${peer} asked to talk with you: answer that question to start talking.`;

export class Toolbar {
  readonly element: HTMLElement;
  private readonly buttons = new Map<ToolbarAction, Button>();
  private readonly controlLabel: Text;
  private controlAction: ToolbarAction = 'takeControl';
  private readonly labels = new Map<ToolbarAction, Text>();
  private readonly levels: TalkLevels;
  private connected = false;
  private talk: TalkState | undefined;
  private peerName = '';

  constructor(private readonly press: (action: ToolbarAction) => void) {
    this.element = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Remote Assistance' });
    // A bare text node: the toolkit button sizes itself to text, not to a wrapped element.
    this.controlLabel = document.createTextNode('Take Control');
    this.levels = new TalkLevels();
    for (const { action, label, codicon } of BUTTONS) {
      const text = action === 'takeControl' ? this.controlLabel : document.createTextNode(label);
      this.labels.set(action, text);
      const button = h('vscode-button', { appearance: action === 'disconnect' ? 'primary' : 'secondary', 'aria-label': label, title: TOOLTIPS[label], 'data-action': action }, icon(codicon, 'start'), text) as Button;
      button.addEventListener('click', () => {
        if (!button.disabled) this.press(action === 'takeControl' ? this.controlAction : action);
      });
      this.buttons.set(action, button);
      this.element.append(button);
      if (action === 'toggleMute') this.element.append(this.levels.element);
    }
    this.element.addEventListener('keydown', (e) => this.roam(e));
    this.update('consent', 'viewOnly');
  }

  /** Reflects the session: control buttons follow the control phase; nothing works once disconnected. */
  update(phase: SessionPhase, control: ControlPhase): void {
    const connected = phase === 'connected';
    const controlButton = this.buttons.get('takeControl')!;
    this.controlAction = control === 'granted' ? 'stopControl' : 'takeControl';
    const label = control === 'granted' ? 'Stop Control' : control === 'requested' ? 'Waiting for Permission…' : 'Take Control';
    this.controlLabel.textContent = label;
    controlButton.setAttribute('aria-label', label);
    controlButton.title = TOOLTIPS[label];
    controlButton.disabled = !connected || control === 'requested';
    this.buttons.get('sendFile')!.disabled = !connected;
    this.buttons.get('disconnect')!.disabled = phase === 'ended';
    this.connected = connected;
    this.showTalk();
  }

  /**
   * Reflects Start Talking: Stop Talking while asking or talking; while the other side asks, Start Talking waits
   * (disabled) for the user's answer to that question; Mute and the levels only while talking.
   */
  setTalk(talk: TalkState, peerName: string): void {
    this.talk = talk;
    this.peerName = peerName;
    this.levels.show(talk, peerName);
    this.showTalk();
  }

  private showTalk(): void {
    const talk = this.connected ? this.talk : undefined;
    const asked = talk?.phase === 'asked';
    const on = talk !== undefined && talk.phase !== 'idle' && !asked;
    this.setButton('startTalking', on ? 'Stop Talking' : 'Start Talking', on ? 'mic-filled' : 'mic', on);
    const start = this.buttons.get('startTalking')!;
    start.disabled = !this.connected || asked;
    if (asked) start.title = talkAskedTooltip(this.peerName);
    const talking = talk?.phase === 'talking';
    // Push-to-talk: the button presses and releases the talk key, so "muted" is the key being up.
    const silent = talking && (talk.micMode === 'pushToTalk' ? !talk.talkHeld : talk.muted);
    this.setButton('toggleMute', silent ? 'Unmute' : 'Mute', silent ? 'unmute' : 'mute', silent);
    const mute = this.buttons.get('toggleMute')!;
    if (!talking && mute.contains(document.activeElement)) this.buttons.get('startTalking')!.focus();
    mute.hidden = !talking;
    this.levels.element.hidden = !talking;
  }

  private setButton(action: ToolbarAction, label: string, codicon: string, pressed: boolean): void {
    const button = this.buttons.get(action)!;
    this.labels.get(action)!.textContent = label;
    button.setAttribute('aria-label', label);
    button.title = TOOLTIPS[label];
    button.setAttribute('aria-pressed', String(pressed));
    button.querySelector('.codicon')!.className = `codicon codicon-${codicon}`;
  }

  private roam(e: KeyboardEvent): void {
    const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
    if (!keys.includes(e.key)) return;
    const all = [...this.buttons.values()].filter((b) => !b.hidden);
    const current = all.findIndex((b) => b === document.activeElement || b.contains(document.activeElement));
    let next = current;
    if (e.key === 'ArrowRight') next = (current + 1) % all.length;
    else if (e.key === 'ArrowLeft') next = (current - 1 + all.length) % all.length;
    else if (e.key === 'Home') next = 0;
    else next = all.length - 1;
    e.preventDefault();
    all[next].focus();
  }
}

/** Two small level meters (own microphone, the other side), as ARIA meters with the theme's colours. */
class TalkLevels {
  readonly element: HTMLElement;
  private readonly local: HTMLElement;
  private readonly remote: HTMLElement;

  constructor() {
    this.local = h('div', { class: 'talk-meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'data-side': 'local' }, h('span', { class: 'talk-meter-fill' }));
    this.remote = h('div', { class: 'talk-meter', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100', 'data-side': 'remote' }, h('span', { class: 'talk-meter-fill' }));
    this.element = h('div', { class: 'talk-levels', role: 'group', 'aria-label': 'Voice levels', hidden: true }, icon('mic'), this.local, icon('person'), this.remote);
  }

  show(talk: TalkState, peerName: string): void {
    this.set(this.local, 'Your microphone', talk.muted ? undefined : talk.local);
    this.set(this.remote, peerName || 'The other side', talk.peerMuted ? undefined : talk.remote);
  }

  /** `level` undefined: that side is muted. */
  private set(meter: HTMLElement, who: string, level: number | undefined): void {
    const percent = Math.round((level ?? 0) * 100);
    meter.setAttribute('aria-label', who);
    meter.setAttribute('aria-valuenow', String(percent));
    meter.setAttribute('aria-valuetext', level === undefined ? 'muted' : `${percent}%`);
    meter.title = level === undefined ? `${who}: muted` : `${who}: ${percent}%`;
    meter.classList.toggle('muted', level === undefined);
    (meter.firstElementChild as HTMLElement).style.width = `${percent}%`;
  }
}
