/**
 * The verification code: the real host process on Xvfb and a real WebRTC helper in Node. Straight through,
 * both sides compute the same 6 digits. Through a man in the middle — a relay that answers the host's offer
 * itself, makes its own offer to the helper (its own DTLS certificate on each side, so the fingerprints in
 * the signaling are swapped) and forwards the screen's video through itself — the helper still gets the
 * picture, but the two codes differ.
 */
import * as assert from 'assert';
import Peer from 'simple-peer';
import { connectionVerificationCode, sdpFingerprints, verificationCode } from '../../src/common/verificationCode';
import { peerConnection } from '../../src/common/peerConnection';
import { wrtc } from '../../src/host/wrtc';
import { HostSupervisor } from '../../src/supervisor/HostSupervisor';
import { buildHost } from './support/buildHost';
import { NodeHelperPeer } from './support/nodePeer';
import { until } from './support/poll';
import { TEST_QUALITY, TestDisplay } from './support/session';

type Signal = Record<string, unknown>;
type Frame = { width: number; height: number; data: Uint8Array };
/** wrtc's receiving end (not in src/host/wrtc.ts: the host never receives video). */
const { RTCVideoSink } = (wrtc.nonstandard as unknown as { RTCVideoSink: new (track: MediaStreamTrack) => { onframe: (e: { frame: Frame }) => void; stop(): void } });
const peerOptions = { trickle: true, wrtc: wrtc as unknown as Peer.Options['wrtc'] };

const sdp = (fingerprint: string) => `v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=fingerprint:sha-256 ${fingerprint}\r\n`;
const A = 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
const B = '11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF';
const C = 'FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00:FF:EE:DD:CC:BB:AA:99:88:77:66:55:44:33:22:11:00';

/** Resolves with the first frame a video track delivers in Node. */
function firstFrame(track: MediaStreamTrack): Promise<{ width: number; height: number }> {
  return new Promise((resolve) => {
    const sink = new RTCVideoSink(track);
    sink.onframe = ({ frame }) => {
      sink.stop();
      resolve({ width: frame.width, height: frame.height });
    };
  });
}

describe('verification code', function () {
  describe('derivation', function () {
    it('is the same on both ends (the pair is sorted) and has 6 digits', async function () {
      const sharer = await verificationCode(sdp(A), sdp(B));
      const helper = await verificationCode(sdp(B), sdp(A));
      assert.match(sharer!, /^\d{3} \d{3}$/);
      assert.strictEqual(sharer, helper);
    });

    it('changes when either fingerprint is another certificate\'s', async function () {
      const real = await verificationCode(sdp(A), sdp(B));
      assert.notStrictEqual(await verificationCode(sdp(A), sdp(C)), real);
      assert.notStrictEqual(await verificationCode(sdp(C), sdp(B)), real);
    });

    it('reads fingerprints case-insensitively, once per certificate, and gives no code without them', async function () {
      assert.deepStrictEqual(sdpFingerprints(sdp(A.toLowerCase()) + `a=fingerprint:SHA-256 ${A}\r\n`), [`sha-256 ${A}`]);
      assert.strictEqual(await verificationCode(sdp(A), 'v=0\r\n'), undefined);
    });
  });

  describe('through the real host process and real WebRTC', function () {
    this.timeout(90_000);
    let display: TestDisplay;
    const hosts: HostSupervisor[] = [];
    const peers: Peer.Instance[] = [];
    const helpers: NodeHelperPeer[] = [];
    const sinks: { stop(): void }[] = [];

    before(async function () {
      display = await TestDisplay.start(640, 480);
      await display.run('xsetroot', ['-solid', '#2040c0']);
    });

    afterEach(async function () {
      for (const s of sinks.splice(0)) s.stop();
      for (const h of helpers.splice(0)) h.destroy();
      for (const p of peers.splice(0)) p.destroy();
      for (const h of hosts.splice(0)) await h.stop(1000).catch(() => undefined);
    });

    after(async function () {
      await display?.close();
    });

    /** The host with its verification code recorded. */
    async function host(relay: (s: Signal) => void): Promise<{ supervisor: HostSupervisor; code: () => string | undefined }> {
      let code: string | undefined;
      // The screen goes on the video track, which the relay forwards (it opens none of the data channels).
      const supervisor = new HostSupervisor({ hostScript: await buildHost(), env: { ...display.env, REMOTE_ASSIST_SCREEN: 'video' } });
      supervisor.onSignal(relay);
      supervisor.onVerification((c) => (code = c));
      supervisor.start({ quality: TEST_QUALITY });
      hosts.push(supervisor);
      return { supervisor, code: () => code };
    }

    it('without a man in the middle: the sharer\'s and the helper\'s codes match', async function () {
      const to: { helper?: NodeHelperPeer; early: Signal[] } = { early: [] };
      const { supervisor, code } = await host((s) => (to.helper ? to.helper.signal(s) : to.early.push(s)));
      const helper = (to.helper = new NodeHelperPeer((s) => supervisor.signal(s)));
      for (const s of to.early.splice(0)) helper.signal(s);
      helpers.push(helper);
      await until('the host\'s code', () => code() !== undefined, 40_000);
      await until('the helper connected', () => helper.connected);
      const helperCode = await connectionVerificationCode(peerConnection(helper.peer));
      assert.match(code()!, /^\d{3} \d{3}$/);
      assert.strictEqual(helperCode, code());
    });

    it('with a man in the middle that swaps the fingerprints and relays the video: the codes differ', async function () {
      // The relay's side towards the host answers the host's offer with the relay's own certificate…
      const towardsHost = new Peer({ ...peerOptions, initiator: false });
      peers.push(towardsHost);
      const { supervisor, code } = await host((s) => towardsHost.signal(s as Peer.SignalData));
      towardsHost.on('signal', (s) => supervisor.signal(s as unknown as Signal));
      // …decodes the host's screen and re-encodes it towards the helper, to whom it offers with another certificate.
      const source = new wrtc.nonstandard.RTCVideoSource({ isScreencast: true });
      towardsHost.on('track', (track: MediaStreamTrack) => {
        if (track.kind !== 'video') return;
        const sink = new RTCVideoSink(track);
        sink.onframe = ({ frame }) => source.onFrame(frame);
        sinks.push(sink);
      });
      const towardsHelper = new Peer({ ...peerOptions, initiator: true, streams: [new wrtc.MediaStream([source.createTrack()])] });
      peers.push(towardsHelper);
      const helper = new NodeHelperPeer((s) => towardsHelper.signal(s as Peer.SignalData));
      helpers.push(helper);
      const frame = new Promise<{ width: number; height: number }>((resolve) => helper.peer.on('track', (track: MediaStreamTrack) => track.kind === 'video' && resolve(firstFrame(track))));
      towardsHelper.on('signal', (s) => helper.signal(s as unknown as Signal));
      await until('the host\'s code', () => code() !== undefined, 40_000);
      await until('the helper connected through the relay', () => helper.connected, 40_000);
      // The helper really sees the sharer's screen through the relay: the attack is invisible in the picture.
      assert.deepStrictEqual(await frame, { width: 640, height: 480 });

      const helperCode = await connectionVerificationCode(peerConnection(helper.peer));
      assert.match(helperCode!, /^\d{3} \d{3}$/);
      assert.notStrictEqual(helperCode, code(), 'the codes must differ when someone sits in the middle');
      // Each side's code is the one of its own leg of the relay: nothing else differs.
      assert.strictEqual(await connectionVerificationCode(peerConnection(towardsHost)), code());
      assert.strictEqual(await connectionVerificationCode(peerConnection(towardsHelper)), helperCode);
    });
  });
});
