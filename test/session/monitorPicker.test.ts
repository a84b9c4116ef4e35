/**
 * The sharer's monitor picker in a live session (real server, real host process, Bob's real panel): Alice
 * picks one of her two monitors right after her Yes, Bob sees only that one; mid-session she switches to
 * all monitors and Bob's picture follows at the new size; cancelling the picker mid-session changes nothing.
 */
import * as assert from 'assert';
import type { MonitorInfo, ScreenChoice } from '../../src/protocol/host';
import { samplePicture } from '../webview/support/helperPicture';
import { until } from '../webview/support/WebviewHarness';
import { statuses, TwoParties } from './support/TwoParties';

describe('session: the sharer chooses the monitor', function () {
  this.timeout(180_000);
  let t: TwoParties | undefined;
  const asked: { names: string[]; current: ScreenChoice; midSession: boolean }[] = [];
  let answer: ScreenChoice | undefined = { monitor: 'RIGHT' };
  const pictureWidth = async () => (await samplePicture(t!.panel.page))?.width;

  before(async function () {
    t = await TwoParties.connect({
      monitors: [
        ['LEFT', '640/170x720/190+0+0'],
        ['RIGHT', '640/170x720/190+640+0'],
      ],
      pickScreen: async (monitors: readonly MonitorInfo[], current, midSession) => {
        asked.push({ names: monitors.map((m) => m.name), current, midSession });
        return answer;
      },
    });
  });

  after(async function () {
    await t?.dispose();
  });

  it('asks after the Yes, with the monitors of the display; the helper sees only the one picked', async function () {
    assert.strictEqual(asked.length, 1);
    assert.ok(asked[0].names.includes('LEFT') && asked[0].names.includes('RIGHT'), asked[0].names.join());
    assert.deepStrictEqual([asked[0].current, asked[0].midSession], ['all', false]);
    await until(async () => (await pictureWidth()) === 640, 'a 640-wide picture in Bob\'s panel', 30_000);
  });

  it('switches to all monitors mid-session: Bob\'s picture follows, Alice\'s history says so', async function () {
    answer = 'all';
    await t!.sharer.chooseScreen();
    assert.deepStrictEqual([asked[1].current, asked[1].midSession], [{ monitor: 'RIGHT' }, true]);
    await until(async () => (await pictureWidth()) === 1280, 'a 1280-wide picture in Bob\'s panel', 30_000);
    await until(() => statuses(t!.sharer.model.history).includes('You are now sharing all monitors (1280×720).'), 'the line in Alice\'s history');
  });

  it('keeps what is shared when the sharer cancels the picker', async function () {
    answer = undefined;
    const lines = t!.sharer.model.history.length;
    await t!.sharer.chooseScreen();
    assert.strictEqual(asked.length, 3);
    assert.strictEqual(t!.sharer.model.history.length, lines);
    assert.strictEqual(await pictureWidth(), 1280);
  });
});
