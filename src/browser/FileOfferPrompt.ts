/** The browser page's question for an offered file ("Alice wants to send you …"): Save or Decline, never both. */
import { FileTexts } from '../common/files/FileTexts';
import type { IncomingOffer } from '../common/files/FileTransferEngine';
import { askInPage } from './PageQuestion';

export function askToSave(offer: IncomingOffer, peerName: string): Promise<boolean> {
  return askInPage({
    text: FileTexts.askSave(peerName, offer.name, offer.size),
    label: 'Incoming file',
    kind: 'file-offer',
    yes: { text: 'Save', class: 'offer-save' },
    no: { text: 'Decline', class: 'offer-decline' },
  });
}
