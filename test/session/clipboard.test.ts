/**
 * Clipboard sync with consent, as users do it: Alice copies text in an xterm on her real X display (a
 * triple-click selects a line to the CLIPBOARD), Bob sends his with Send Clipboard Text; nothing moves in a
 * direction Alice has not turned on with Clipboard Sync…, text over the limit is refused with a coded error,
 * and every transfer is a line in both histories with its direction and size.
 */
import * as assert from 'assert';
import { spawn } from 'child_process';
import { CLIPBOARD_MAX_BYTES, ClipboardAllowed } from '../../src/protocol/clipboard';
import type { SystemClipboard } from '../../src/session/HelperClipboard';
import { until } from '../webview/support/WebviewHarness';
import { statuses, TwoParties } from './support/TwoParties';

/** Bob's system clipboard: what VS Code's clipboard holds, and every text written to it. */
class BobClipboard implements SystemClipboard {
  text = '';
  readonly written: string[] = [];
  async readText(): Promise<string> {
    return this.text;
  }
  async writeText(text: string): Promise<void> {
    this.text = text;
    this.written.push(text);
  }
}

describe('session: clipboard sync with consent', function () {
  this.timeout(180_000);
  let t: TwoParties | undefined;
  const bob = new BobClipboard();
  let answer: ClipboardAllowed = { toHelper: false, toSharer: false };
  const xterms: ReturnType<typeof spawn>[] = [];
  const TEXTS = ['FIRST-COPY', 'SECOND-COPY', 'THIRD-COPY'];

  const run = (cmd: string, args: string[], input?: string) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(cmd, args, { env: t!.env(), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'] });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}`))));
      if (input !== undefined) child.stdin!.end(input);
    });
  /**
   * Alice drags over the text of her xterm number `n`: xterm puts the selection on the CLIPBOARD (font
   * "fixed": 6x13 cells, 2 px border; xterm `n` is at 720, 400 + 50n and shows TEXTS[n] on its first line).
   */
  const aliceCopies = async (n: number) => {
    const y = String(400 + 50 * n + 2 + 6);
    await run('xdotool', ['mousemove', '723', y]);
    await run('xdotool', ['mousedown', '1']);
    await run('xdotool', ['mousemove', String(720 + 2 + TEXTS[n].length * 6 + 2), y]);
    await run('xdotool', ['mouseup', '1']);
  };
  const aliceClipboard = () => run('xclip', ['-o', '-selection', 'clipboard']);
  const aliceLines = () => statuses(t!.sharer.model.history).filter((l) => l.startsWith('Clipboard'));
  const bobLines = () => statuses(t!.helper.model.history).filter((l) => l.startsWith('Clipboard'));
  const setClipboard = async (allowed: ClipboardAllowed) => {
    answer = allowed;
    await t!.sharer.chooseClipboard();
  };

  before(async function () {
    t = await TwoParties.connect({ helperClipboard: bob, pickClipboard: async () => answer });
    for (const [n, text] of TEXTS.entries()) {
      xterms.push(spawn('xterm', ['-name', `copy${n}`, '-geometry', `30x2+720+${400 + 50 * n}`, '-fn', 'fixed', '-xrm', 'XTerm*selectToClipboard: true', '-e', 'sh', '-c', `printf ${text}; sleep 600`], { env: t.env(), stdio: 'ignore' }));
      await run('xdotool', ['search', '--sync', '--onlyvisible', '--classname', `copy${n}`]);
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log('histories when the test failed:', JSON.stringify({ alice: statuses(t!.sharer.model.history), bob: statuses(t!.helper.model.history), written: bob.written.map((w) => w.slice(0, 40)) }, null, 1));
  });

  after(async function () {
    for (const x of xterms) x.kill('SIGKILL');
    await t?.dispose();
  });

  it('sends nothing while off; a copy made after Alice turns sharer → helper on reaches Bob', async function () {
    // Copied while off: it stays on Alice's machine.
    await aliceCopies(0);
    await until(async () => (await aliceClipboard()) === 'FIRST-COPY', 'the first line on Alice\'s clipboard');
    await setClipboard({ toHelper: true, toSharer: false });
    await until(() => statuses(t!.helper.model.history).some((l) => l.startsWith('Alice set clipboard sync: Alice\'s copies come to you')), 'Bob told what Alice allows');
    await aliceCopies(1);
    await until(() => bob.text === 'SECOND-COPY', 'the second line on Bob\'s clipboard');
    // The channel is ordered: had the first copy been sent, Bob would have had it before the second.
    assert.deepStrictEqual(bob.written, ['SECOND-COPY']);
    await until(() => aliceLines().includes('Clipboard → Bob: your copied text (11 bytes) was sent.'), 'the transfer in Alice\'s history');
    await until(() => bobLines().includes('Clipboard ← Alice: text (11 bytes) was put on your clipboard.'), 'the transfer in Bob\'s history');
  });

  it('refuses Bob\'s text while helper → sharer is off, with a coded line on both sides', async function () {
    bob.text = 'FROM-BOB-1';
    await t!.helper.sendClipboard();
    await until(() => bobLines().includes('Clipboard → Alice: your text (10 bytes) was refused: clipboard sync in that direction is off (ERR_CLIPBOARD_OFF).'), 'the refusal in Bob\'s history');
    await until(() => aliceLines().includes('Clipboard ← Bob: text (10 bytes) was refused: clipboard sync in that direction is off (ERR_CLIPBOARD_OFF).'), 'the refusal in Alice\'s history');
    assert.strictEqual(await aliceClipboard(), 'SECOND-COPY');
  });

  it('puts Bob\'s text on Alice\'s X clipboard once she turns helper → sharer on', async function () {
    await setClipboard({ toHelper: true, toSharer: true });
    await until(() => statuses(t!.helper.model.history).some((l) => l.includes('your clipboard text may be sent to Alice')), 'Bob told he may send');
    bob.text = 'FROM-BOB-2 ünïcode';
    await t!.helper.sendClipboard();
    await until(() => bobLines().includes('Clipboard → Alice: your text (20 bytes) was put on Alice\'s clipboard.'), 'the acceptance in Bob\'s history');
    assert.strictEqual(await aliceClipboard(), 'FROM-BOB-2 ünïcode');
    await until(() => aliceLines().includes('Clipboard ← Bob: text (20 bytes) was put on your clipboard.'), 'the transfer in Alice\'s history');
  });

  it('refuses text over the limit in both directions, and sends the next copy', async function () {
    const big = 'x'.repeat(CLIPBOARD_MAX_BYTES + 1);
    bob.text = big;
    await t!.helper.sendClipboard();
    await until(() => bobLines().includes(`Clipboard → Alice: your text (${big.length} bytes) was refused: it is over the 32 KiB limit (ERR_CLIPBOARD_TOO_LARGE).`), 'the size refusal in Bob\'s history');
    await until(() => aliceLines().some((l) => l.endsWith('(ERR_CLIPBOARD_TOO_LARGE).') && l.startsWith('Clipboard ← Bob')), 'the size refusal in Alice\'s history');
    assert.strictEqual(await aliceClipboard(), 'FROM-BOB-2 ünïcode');
    // Alice copies too much (an X client taking the clipboard with 40 KiB): not sent.
    await run('xclip', ['-i', '-selection', 'clipboard'], 'y'.repeat(40 * 1024));
    await until(() => aliceLines().some((l) => l.startsWith('Clipboard → Bob: your copied text') && l.endsWith('(ERR_CLIPBOARD_TOO_LARGE).')), 'the size refusal of Alice\'s copy');
    await aliceCopies(2);
    await until(() => bob.text === 'THIRD-COPY', 'the third line on Bob\'s clipboard');
    // Neither Bob's own text (no echo) nor the oversized copy came back to Bob.
    assert.deepStrictEqual(bob.written, ['SECOND-COPY', 'THIRD-COPY']);
  });
});
