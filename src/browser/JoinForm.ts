/**
 * The first thing a helper without VS Code sees: their name, the password (unless the link carries it) and
 * Connect. It says plainly why a link cannot be used (damaged, expired, wrong password) and stays until the
 * sharer's side has the helper's request.
 */
import { h } from '../webview/common/dom';
import type { JoinLink } from './joinLink';

export interface JoinAnswer {
  readonly name: string;
  readonly password: string;
}

export class JoinForm {
  readonly element: HTMLElement;
  private readonly nameField: HTMLInputElement;
  private readonly passwordField: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  private readonly problem: HTMLElement;

  constructor(link: JoinLink | undefined, onJoin: (answer: JoinAnswer) => void) {
    this.nameField = h('input', { class: 'join-name', name: 'name', autocomplete: 'name', maxlength: '64', required: true });
    this.passwordField = h('input', { class: 'join-password', name: 'password', type: 'password', autocomplete: 'off', maxlength: '256', required: true });
    this.button = h('button', { class: 'join-connect', type: 'submit' }, 'Connect');
    this.problem = h('p', { class: 'join-problem', role: 'alert' });
    const expiry = link?.expiresAt ? h('p', { class: 'join-expiry' }, `This invitation is valid until ${new Date(link.expiresAt).toLocaleString()}.`) : '';
    const form = h(
      'form',
      { class: 'join-form', 'aria-label': 'Join a Remote Assistance session' },
      h('h1', {}, 'Remote Assistance'),
      h('p', {}, 'Someone invited you to help them. Enter your name; they will be asked whether to let you see their screen.'),
      expiry,
      h('label', {}, 'Your name', this.nameField),
      link?.secret === undefined ? h('label', {}, 'Password (sent to you apart from the link)', this.passwordField) : '',
      this.button,
      this.problem,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const name = this.nameField.value.trim();
      const password = link?.secret ?? this.passwordField.value;
      if (!name) return this.fail('Enter your name.');
      if (!password) return this.fail('Enter the password.');
      this.busy('Connecting…');
      onJoin({ name, password });
    });
    this.element = h('div', { class: 'join-overlay' }, form);
    if (!link) this.button.disabled = true;
  }

  /** Says why joining failed and lets the helper try again. */
  fail(text: string): void {
    this.problem.textContent = text;
    this.button.disabled = false;
    this.button.textContent = 'Connect';
  }

  /** A problem nothing on this page can fix (a damaged or expired link). */
  block(text: string): void {
    this.problem.textContent = text;
    this.button.disabled = true;
  }

  busy(text: string): void {
    this.problem.textContent = '';
    this.button.disabled = true;
    this.button.textContent = text;
  }

  close(): void {
    this.element.remove();
  }
}
