/**
 * The panel's toolbar (Take Control · Send a File · Start Talking · Settings · Disconnect · Help) as an ARIA
 * toolbar: Tab enters it, arrow keys move between buttons, Enter or Space presses. Every press is one
 * `toolbar` request; the extension decides what it does.
 */
import type { ControlPhase, SessionPhase, ToolbarAction } from '../../protocol/webview';
import { h, icon } from '../common/dom';

type Button = HTMLElement & { disabled: boolean };

const BUTTONS: { action: ToolbarAction; label: string; codicon: string }[] = [
  { action: 'takeControl', label: 'Take Control', codicon: 'remote' },
  { action: 'sendFile', label: 'Send a File', codicon: 'file-add' },
  { action: 'startTalking', label: 'Start Talking', codicon: 'mic' },
  { action: 'settings', label: 'Settings', codicon: 'settings-gear' },
  { action: 'disconnect', label: 'Disconnect', codicon: 'debug-disconnect' },
  { action: 'help', label: 'Help', codicon: 'question' },
];

export class Toolbar {
  readonly element: HTMLElement;
  private readonly buttons = new Map<ToolbarAction, Button>();
  private readonly controlLabel: Text;
  private controlAction: ToolbarAction = 'takeControl';

  constructor(private readonly press: (action: ToolbarAction) => void) {
    this.element = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Remote Assistance' });
    // A bare text node: the toolkit button sizes itself to text, not to a wrapped element.
    this.controlLabel = document.createTextNode('Take Control');
    for (const { action, label, codicon } of BUTTONS) {
      const text = action === 'takeControl' ? this.controlLabel : label;
      const button = h('vscode-button', { appearance: action === 'disconnect' ? 'primary' : 'secondary', 'aria-label': label, 'data-action': action }, icon(codicon, 'start'), text) as Button;
      button.addEventListener('click', () => {
        if (!button.disabled) this.press(action === 'takeControl' ? this.controlAction : action);
      });
      this.buttons.set(action, button);
      this.element.append(button);
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
    controlButton.disabled = !connected || control === 'requested';
    this.buttons.get('sendFile')!.disabled = !connected;
    this.buttons.get('startTalking')!.disabled = !connected;
    this.buttons.get('disconnect')!.disabled = phase === 'ended';
  }

  private roam(e: KeyboardEvent): void {
    const keys = ['ArrowLeft', 'ArrowRight', 'Home', 'End'];
    if (!keys.includes(e.key)) return;
    const all = [...this.buttons.values()];
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
