/**
 * The helper's page in a plain browser, served by the assistance server at /join (the team server, or the
 * sharer's direct-link server): the very panel of the extension (viewer, chat, toolbar), with the helper's
 * session running here instead of in an extension host.
 */
import '../webview/common/pageGlobals';
import { pageLog, router, showSession, talkPrompts } from './pageExtension';
import '../webview/panel/main';
import { BrowserHelperSession } from './BrowserHelperSession';
import { NetworkError } from '../network/NetworkError';
import { BrowserSignaling } from './BrowserSignaling';
import { JoinForm, type JoinAnswer } from './JoinForm';
import { parseJoinFragment, refusalText, type JoinLink } from './joinLink';

const parsed = parseJoinFragment(location.hash);
const link = 'link' in parsed ? parsed.link : undefined;
const form = new JoinForm(link, (answer) => void join(answer));
document.body.append(form.element);
if ('problem' in parsed) form.block(parsed.problem);
else if (link?.expiresAt !== undefined && link.expiresAt <= Date.now()) form.block('This invitation has expired. Ask for a new one.');
// The secret stays in this page only: out of the address bar, the history and anything copied from it.
if (location.hash) history.replaceState(null, '', location.pathname);

let signaling: BrowserSignaling | undefined;

async function join(answer: JoinAnswer): Promise<void> {
  const l = link as JoinLink;
  try {
    if (l.expiresAt !== undefined && l.expiresAt <= Date.now()) return form.block('This invitation has expired. Ask for a new one.');
    if (!signaling) {
      const opened = await BrowserSignaling.open(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`, pageLog);
      opened.onClosed(() => (signaling = undefined));
      try {
        await opened.signIn(answer.name, l.join);
      } catch (err) {
        opened.dispose();
        throw err;
      }
      signaling = opened;
    }
    const session = await signaling.redeemLink(l.id, answer.password);
    showSession(new BrowserHelperSession(session, signaling, answer.name, (m) => router.post(m), pageLog, talkPrompts));
    form.close();
  } catch (err) {
    if (err instanceof NetworkError) form.fail(refusalText(err.code, err.message));
    else form.fail(`Could not join: ${(err as Error).message}`);
  }
}
