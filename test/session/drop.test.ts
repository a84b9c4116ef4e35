/**
 * Rejoin after a drop on a real link: Alice's host process and Bob's Chromium each run in their own network
 * namespace on one LAN (NetLab), so the lab can pull Alice's cable (every packet to and from her dropped)
 * while the signaling through the assistance server on loopback stays up, as it would for a Wi-Fi drop.
 * The cut lengths are the scenario (a 10 s outage, a 70 s outage), not waits for a result.
 */
import assert from 'assert';
import { NetLab, chromiumIn } from '../support/netlab';
import { XK } from '../host/support/xprobe';
import { until } from '../webview/support/WebviewHarness';
import { messages, statuses, TwoParties } from './support/TwoParties';

const outage = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Rejoin after a drop (host process and panel in NetLab namespaces, the link cut)', function () {
  this.timeout(180_000);
  let lab: NetLab;
  let t: TwoParties;

  before(async () => {
    lab = await NetLab.create({ prefix: 'rr' });
    await lab.addSite('office', { nat: 'endpointIndependent', hosts: ['alice', 'bob'] });
    t = await TwoParties.connect({ hostNodePath: lab.executable('alice', process.execPath), chromiumPath: chromiumIn(lab, 'bob') });
  });
  after(async () => {
    await t?.dispose();
    await lab?.dispose();
  });

  it('a 10 s cut mid-session: "Connection lost. Reconnecting…", held keys released, then the same session resumes with its history, control off', async () => {
    const sessionId = t.sharer.model.sessionId;
    await t.chatBothWays('before the cut', 'ok');
    await t.takeControl();
    await t.panel.page.keyboard.down('Shift');
    await until(async () => (await t.probe.keysDown()).includes(XK.Shift_L), 'Shift held on Alice\'s display');

    const cutAt = Date.now();
    await lab.cut('alice');
    try {
      await until(() => t.sharer.model.phase === 'reconnecting' && t.helper.model.phase === 'reconnecting', 'both sides reconnecting', 9_000);
      assert.deepStrictEqual(await t.probe.keysDown(), [], 'the host released what Bob held');
      assert.strictEqual(t.sharer.model.control, 'viewOnly');
      assert.strictEqual(t.helper.model.control, 'viewOnly');
      await until(() => t.panelStatus().then((s) => s === 'Connection lost. Reconnecting…'), 'Bob\'s status line');
      await t.panel.page.keyboard.up('Shift');
      await outage(10_000 - (Date.now() - cutAt));
    } finally {
      await lab.restore('alice');
    }
    await until(() => t.bothConnected(), 'both connected again', 30_000);
    await until(() => t.panelStatus().then((s) => s === 'Connected to Alice.'), 'Bob\'s status line');
    assert.strictEqual(t.sharer.model.sessionId, sessionId, 'the same session');
    for (const side of [t.sharer.model, t.helper.model]) {
      assert.ok(messages(side.history).includes('before the cut'), 'history kept');
      assert.strictEqual(side.control, 'viewOnly', 'control needs a new grant');
      const lines = statuses(side.history);
      const lost = lines.lastIndexOf('Connection lost. Reconnecting…');
      assert.ok(lost >= 0 && lines.slice(lost).includes(`Connected to ${side.peerName}.`), lines.join(' | '));
    }
    assert.deepStrictEqual(await t.probe.keysDown(), []);
    await until(() => t.seesDesktop(), 'Alice\'s desktop again', 20_000);
    await t.chatBothWays('after the cut', 'welcome back');
  });

  it('a 70 s cut: the session ends cleanly on both sides after the 60 s rejoin window, "Disconnected from Alice."', async () => {
    const cutAt = Date.now();
    await lab.cut('alice');
    try {
      await until(() => t.sharer.model.phase === 'ended' && t.helper.model.phase === 'ended', 'both sides ended', 75_000);
      assert.strictEqual(statuses(t.sharer.model.history).at(-1), 'Disconnected from Bob.');
      assert.strictEqual(statuses(t.helper.model.history).at(-1), 'Disconnected from Alice.');
      assert.ok(statuses(t.helper.model.history).slice(-3).includes('Connection lost. Reconnecting…'));
      await until(() => t.panelStatus().then((s) => s === 'Disconnected from Alice.'), 'Bob\'s status line');
      await outage(70_000 - (Date.now() - cutAt));
    } finally {
      await lab.restore('alice');
    }
    await until(() => t.hosts.every((h) => h.state !== 'running'), 'no host process left', 10_000);
    assert.strictEqual(t.helper.model.phase, 'ended', 'the link coming back does not revive an ended session');
  });
});
