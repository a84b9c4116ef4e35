/**
 * ChannelPort's backpressure over real @roamhq/wrtc peers on loopback: a flood fills the port's own queue
 * and must still arrive, complete and in order — wrtc never fires `bufferedamountlow`, so nothing may wait on it.
 */
import * as assert from 'assert';
import { CHANNEL_HIGH_WATER_BYTES } from '../../src/protocol/peer';
import { ChannelPort } from '../../src/host/peer/ChannelPort';
import { wrtc } from '../../src/host/wrtc';
import { until } from './support/poll';

const MESSAGE_BYTES = 64 * 1024;
const MESSAGES = 160;

describe('host: ChannelPort backpressure (real wrtc peers)', function () {
  this.timeout(60_000);
  let sharer: RTCPeerConnection;
  let helper: RTCPeerConnection;
  let port: ChannelPort;
  let far: RTCDataChannel;

  before(async function () {
    sharer = new wrtc.RTCPeerConnection();
    helper = new wrtc.RTCPeerConnection();
    sharer.onicecandidate = (e) => e.candidate && void helper.addIceCandidate(e.candidate);
    helper.onicecandidate = (e) => e.candidate && void sharer.addIceCandidate(e.candidate);
    port = new ChannelPort(sharer.createDataChannel('bulk', { negotiated: true, id: 7, ordered: true }));
    far = helper.createDataChannel('bulk', { negotiated: true, id: 7, ordered: true });
    far.binaryType = 'arraybuffer';
    await sharer.setLocalDescription(await sharer.createOffer());
    await helper.setRemoteDescription(sharer.localDescription!);
    await helper.setLocalDescription(await helper.createAnswer());
    await sharer.setRemoteDescription(helper.localDescription!);
    await until('the channel to open', () => port.isOpen && far.readyState === 'open');
    port.checkOpen();
  });

  after(function () {
    port?.dispose();
    far?.close();
    sharer?.close();
    helper?.close();
  });

  it('queues a flood beyond the high-water mark, then drains it all in order', async function () {
    const received: number[] = [];
    let latest: string | undefined;
    far.onmessage = (e: MessageEvent) => {
      if (typeof e.data === 'string') latest = e.data;
      else received.push(new DataView(e.data as ArrayBuffer).getUint32(0));
    };
    let maxBuffered = 0;
    for (let i = 0; i < MESSAGES; i++) {
      // A fresh buffer per message: wrtc sends an array's whole underlying buffer.
      const message = new ArrayBuffer(MESSAGE_BYTES);
      new DataView(message).setUint32(0, i);
      assert.ok(port.send(message), `message ${i} accepted`);
      maxBuffered = Math.max(maxBuffered, port.channel.bufferedAmount);
    }
    // Newest-only messages wait behind the queue and go last.
    port.sendLatest('cursor', 'first');
    port.sendLatest('cursor', 'newest');
    // The channel never held the whole flood: the rest waited in the port's own queue.
    assert.ok(maxBuffered <= CHANNEL_HIGH_WATER_BYTES + MESSAGE_BYTES, `channel buffered at most the high-water mark (saw ${maxBuffered})`);
    assert.ok(MESSAGES * MESSAGE_BYTES > 4 * (CHANNEL_HIGH_WATER_BYTES + MESSAGE_BYTES), 'the flood is several times the high-water mark');
    await until('every flooded message to arrive', () => received.length === MESSAGES && latest !== undefined, 30_000, 20, () => `${received.length}/${MESSAGES}, buffered ${port.channel.bufferedAmount}`);
    assert.deepStrictEqual(received, Array.from({ length: MESSAGES }, (_, i) => i));
    assert.strictEqual(latest, 'newest');
    // Uncongested again: a new message goes straight out.
    port.send('after');
    await until('a message after the flood', () => latest === 'after');
  });
});
