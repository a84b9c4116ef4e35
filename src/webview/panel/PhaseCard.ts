/**
 * What the helper's panel says where the remote desktop will be, so it never sits blank: what is happening
 * in this phase of the session and what the helper can do next, with a button for the likely next step.
 * While connected it shrinks to a one-line hint above the desktop (the toolbar holds the actions) and never
 * covers the picture.
 */
import type { SessionView, ToolbarAction } from '../../protocol/webview';
import { h, icon } from '../common/dom';

/** The phase as the helper sees it: the session's phase, with a refusal told apart from other endings. */
export type CardPhase = 'none' | 'waiting' | 'refused' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

export interface PhaseText {
  readonly codicon: string;
  readonly title: string;
  readonly detail: string;
  /** The toolbar action the card's button performs, and its label (none: nothing to do but read). */
  readonly action?: { readonly run: ToolbarAction; readonly label: string };
}

export function cardPhase(view: SessionView | null): CardPhase {
  if (!view) return 'none';
  switch (view.phase) {
    case 'consent':
      return 'waiting';
    case 'ended':
      return view.ending === 'refused' ? 'refused' : 'ended';
    default:
      return view.phase;
  }
}

/** Every sentence the card shows, per phase; `peer` is the sharer's name. */
export function phaseText(phase: CardPhase, peer: string, control: SessionView['control'] = 'viewOnly'): PhaseText {
  switch (phase) {
    case 'none':
      return {
        codicon: 'vm',
        title: 'No Remote Assistance session',
        detail: 'When a colleague invites you, accept the invitation and their screen appears here.',
      };
    case 'waiting':
      return {
        codicon: 'watch',
        title: `Waiting for ${peer} to say yes`,
        detail: `${peer} is being asked whether to let you view the screen and chat. Nothing is shown until ${peer} answers. You can wait here, or cancel.`,
        action: { run: 'disconnect', label: 'Cancel' },
      };
    case 'refused':
      return {
        codicon: 'circle-slash',
        title: `${peer} said no`,
        detail: `${peer} did not allow you to view the screen, and nothing was shared. If you still want to help, ask ${peer} to send you a new invitation; you can close this panel.`,
      };
    case 'connecting':
      return {
        codicon: 'loading',
        title: `Connecting to ${peer}…`,
        detail: `${peer} said yes. Your computers are connecting directly; ${peer}'s screen appears here in a moment. You can disconnect at any time.`,
        action: { run: 'disconnect', label: 'Disconnect' },
      };
    case 'connected':
      return control === 'granted'
        ? {
            codicon: 'remote',
            title: `You control ${peer}'s computer`,
            detail: `Click the desktop to type. ${peer} can stop it with ESC; Stop Control gives it back.`,
          }
        : {
            codicon: 'eye',
            title: `Connected to ${peer}: you see the screen`,
            detail:
              control === 'requested'
                ? `You asked to take control; ${peer} is deciding.`
                : `Chat on the left. To use the mouse and keyboard, choose Take Control; ${peer} is asked first.`,
          };
    case 'reconnecting':
      return {
        codicon: 'sync',
        title: 'Connection lost — reconnecting…',
        detail: `The picture below is the last one received. Control, if you had it, was taken back; Take Control again once ${peer} is back. You can wait, or disconnect.`,
        action: { run: 'disconnect', label: 'Disconnect' },
      };
    case 'ended':
      return {
        codicon: 'debug-disconnect',
        title: `Disconnected from ${peer}`,
        detail: `The session has ended; the chat stays on the left. To help ${peer} again, accept a new invitation from ${peer}.`,
      };
  }
}

export class PhaseCard {
  readonly element: HTMLElement;
  private readonly glyph: HTMLElement;
  private readonly title: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly button: HTMLElement;
  private action: ToolbarAction | undefined;

  constructor(private readonly press: (action: ToolbarAction) => void) {
    this.glyph = h('span', { class: 'phase-card-icon', 'aria-hidden': 'true' });
    this.title = h('h2', { class: 'phase-card-title' });
    this.detail = h('p', { class: 'phase-card-detail' });
    this.button = h('vscode-button', { class: 'phase-card-action', appearance: 'secondary' });
    this.button.addEventListener('click', () => this.action && this.press(this.action));
    this.element = h('section', { class: 'phase-card', role: 'status', 'aria-live': 'polite' }, this.glyph, h('div', { class: 'phase-card-text' }, this.title, this.detail, this.button));
    this.show(null);
  }

  show(view: SessionView | null): void {
    const phase = cardPhase(view);
    const text = phaseText(phase, view?.peerName ?? '', view?.control);
    this.element.dataset.phase = phase;
    this.glyph.replaceChildren(icon(phase === 'connecting' ? 'loading codicon-modifier-spin' : text.codicon));
    this.title.textContent = text.title;
    this.detail.textContent = text.detail;
    this.action = text.action?.run;
    this.button.hidden = !text.action;
    this.button.textContent = text.action?.label ?? '';
  }
}
