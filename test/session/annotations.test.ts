/**
 * Pointing and drawing as users do it, every part real (server, Alice's sharer session and host process on
 * Xvfb, Bob's panel in headless Chromium): Bob's Alt+click and a Pen drag on the desktop in his panel become
 * lines in Alice's history ("Bob pointed at the screen.", "Bob is drawing on your screen."); while Alice has
 * paused, Bob's mark is refused and his panel says so.
 */
import * as assert from 'assert';
import { until } from '../webview/support/WebviewHarness';
import { statuses, TwoParties } from './support/TwoParties';

describe('session: pointing and drawing on the sharer screen', function () {
  this.timeout(180_000);
  let t: TwoParties;
  const aliceLines = () => statuses(t.sharer.model.history).filter((l) => / (pointed at the screen|is drawing on your screen)\.$/.test(l));

  /** Page point of a point of Alice's 1280×720 screen in Bob's panel. */
  const at = async (sx: number, sy: number) => {
    const box = (await t.panel.page.locator('.ra-stage').boundingBox())!;
    return { x: box.x + ((sx + 0.5) / 1280) * box.width, y: box.y + ((sy + 0.5) / 720) * box.height };
  };
  const altClick = async (sx: number, sy: number) => {
    const p = await at(sx, sy);
    await t.panel.page.keyboard.down('Alt');
    await t.panel.page.mouse.click(p.x, p.y);
    await t.panel.page.keyboard.up('Alt');
  };

  before(async function () {
    t = await TwoParties.connect();
  });

  after(async function () {
    await t?.dispose();
  });

  it("Bob's Alt+click and drawing are lines in Alice's history", async function () {
    await altClick(640, 360);
    await until(() => aliceLines().length === 1, 'the pointing line at Alice');
    const bob = t.sharer.model.peerName;
    assert.deepStrictEqual(aliceLines(), [`${bob} pointed at the screen.`]);
    await t.panel.page.locator('vscode-button[data-annotate="pen"]').click();
    const from = await at(200, 200);
    const to = await at(600, 300);
    await t.panel.page.mouse.move(from.x, from.y);
    await t.panel.page.mouse.down();
    await t.panel.page.mouse.move(to.x, to.y, { steps: 10 });
    await t.panel.page.mouse.up();
    await until(() => aliceLines().length === 2, 'the drawing line at Alice');
    assert.deepStrictEqual(aliceLines(), [`${bob} pointed at the screen.`, `${bob} is drawing on your screen.`]);
    await t.panel.page.locator('vscode-button[data-annotate="pen"]').click();
  });

  it('while Alice has paused, a mark is refused and Bob reads why', async function () {
    t.sharer.setPaused(true);
    await until(() => t.helper.model.paused && t.sharer.model.paused, 'paused on both sides');
    await altClick(640, 360);
    await until(() => t.panel.page.locator('.notice').textContent().then((text) => text === "Not shown on the sharer's screen: The sharer paused sharing."), 'the refusal in Bob\'s panel');
    assert.strictEqual(aliceLines().length, 2, 'no new line while paused');
    t.sharer.setPaused(false);
    await until(() => !t.sharer.model.paused && !t.helper.model.paused, 'resumed');
  });
});
