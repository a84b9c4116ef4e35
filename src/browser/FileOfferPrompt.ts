/** The browser page's question for an offered file ("Alice wants to send you …"): Save or Decline, never both. */
import { FileTexts } from '../common/files/FileTexts';
import type { IncomingOffer } from '../common/files/FileTransferEngine';
import { h } from '../webview/common/dom';

export function askToSave(offer: IncomingOffer, peerName: string): Promise<boolean> {
  return new Promise((resolve) => {
    const save = h('button', { class: 'offer-save', type: 'button' }, 'Save');
    const decline = h('button', { class: 'offer-decline', type: 'button' }, 'Decline');
    const card = h('div', { class: 'file-offer', role: 'alertdialog', 'aria-label': 'Incoming file' }, h('p', {}, FileTexts.askSave(peerName, offer.name, offer.size)), h('div', { class: 'file-offer-buttons' }, save, decline));
    const answer = (yes: boolean) => {
      card.remove();
      resolve(yes);
    };
    save.addEventListener('click', () => answer(true));
    decline.addEventListener('click', () => answer(false));
    document.body.append(card);
    save.focus();
  });
}
