/** A question in the browser page with two answers (an offered file, a voice conversation): one answer, once. */
import { h } from '../webview/common/dom';

export interface PageQuestion {
  readonly text: string;
  /** For screen readers ("Incoming file"). */
  readonly label: string;
  /** Class of the card, and of each button, for its kind of question. */
  readonly kind: string;
  readonly yes: { readonly text: string; readonly class: string };
  readonly no: { readonly text: string; readonly class: string };
}

export function askInPage(q: PageQuestion): Promise<boolean> {
  return new Promise((resolve) => {
    const yes = h('button', { class: `question-yes ${q.yes.class}`, type: 'button' }, q.yes.text);
    const no = h('button', { class: `question-no ${q.no.class}`, type: 'button' }, q.no.text);
    const card = h('div', { class: `page-question ${q.kind}`, role: 'alertdialog', 'aria-label': q.label }, h('p', {}, q.text), h('div', { class: 'page-question-buttons' }, yes, no));
    const answer = (accepted: boolean) => {
      card.remove();
      resolve(accepted);
    };
    yes.addEventListener('click', () => answer(true));
    no.addEventListener('click', () => answer(false));
    document.body.append(card);
    yes.focus();
  });
}
