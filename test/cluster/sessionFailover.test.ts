/**
 * A session in progress when the sharer's server process is killed (SIGKILL): only signaling moves to the
 * other machine; the peer-to-peer media and chat never stop. Every part real (TwoParties: the host process
 * on Xvfb, Bob's panel in headless Chromium, real WebRTC), both signed in through HAProxy only.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import { near, samplePicture } from '../webview/support/helperPicture';
import { until } from '../webview/support/WebviewHarness';
import { statuses, TwoParties } from '../session/support/TwoParties';
import { ClusterLab } from './ClusterLab';

describe('cluster: a session survives its sharer\'s server process being killed', function () {
  this.timeout(120_000);
  let lab: ClusterLab;
  let t: TwoParties;
  before(async () => {
    lab = await ClusterLab.start();
    t = await TwoParties.connect({ serverUrl: lab.balancerUrl });
  });
  after(async () => {
    await t?.dispose();
    await lab?.dispose();
  });

  it('media and chat flow on, Alice signs in again on the other machine, Bob sees her busy in the same session', async () => {
    await t.chatBothWays('before the kill', 'all good');
    const aliceOn = await lab.serverOf('alice');
    assert.notEqual(aliceOn, (await lab.serverOf('bob')), 'Alice and Bob on different machines');
    const [session] = t.alice.sessions;

    const killedAt = Date.now();
    lab.kill(aliceOn);
    await until(() => t.alice.connectionState !== 'signedIn', 'Alice lost her server process');
    // peer to peer: chat and a change on Alice's screen reach Bob whatever signaling does meanwhile
    await t.chatBothWays('her server is gone', 'and we still talk');
    await new Promise<void>((resolve, reject) =>
      spawn('xsetroot', ['-solid', '#20c040'], { env: t.env(), stdio: 'ignore' }).on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`xsetroot ${code}`)))),
    );
    await until(() => samplePicture(t.panel.page).then((p) => p !== undefined && near(p.rgb, [0x20, 0xc0, 0x40])), 'Alice\'s green desktop in Bob\'s panel', 20_000);

    await until(() => t.alice.connectionState === 'signedIn', 'Alice signed in again through the balancer', 20_000);
    console.log(`      Alice signed in again ${Date.now() - killedAt} ms after the kill (media never stopped)`);
    assert.equal((await lab.serverOf('alice')), (await lab.serverOf('bob')));
    await until(() => t.bob.contacts.find((c) => c.alias === 'alice')?.presence === 'busy', 'Bob sees Alice busy (in this session) again');
    assert.ok(t.bothConnected(), `phases: ${t.sharer.model.phase} / ${t.helper.model.phase}`);
    // the same session on the server's side too: both clients still list it after Alice's sign-in
    await until(() => t.alice.sessions.some((s) => s.id === session.id) && t.bob.sessions.some((s) => s.id === session.id), 'the session listed on both sides');
    assert.equal(await t.panelStatus(), 'Connected to Alice.');
    assert.ok(!statuses(t.helper.model.history).includes('Connection lost. Reconnecting…'), 'the peer connection never dropped');
    await t.chatBothWays('signaling moved', 'media stayed');
  });
});
