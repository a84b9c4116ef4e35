/** The bitrate cap written into SDP (pure function; the live effect is measured by bench:host). */
import * as assert from 'assert';
import { setVideoBandwidth } from '../../src/host/peer/sdpBandwidth';

const SDP = [
  'v=0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 98 100',
  'c=IN IP4 0.0.0.0',
  'b=AS:30',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:98 VP9/90000',
  'a=fmtp:98 profile-id=0;x-google-max-bitrate=1',
  'a=rtpmap:100 rtx/90000',
  'a=fmtp:100 apt=96',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  '',
].join('\r\n');

describe('host: SDP bandwidth', function () {
  it('caps the video section only, once, and tells libwebrtc where to start', function () {
    const out = setVideoBandwidth(SDP, 6000).split('\r\n');
    const video = out.slice(out.indexOf('m=video 9 UDP/TLS/RTP/SAVPF 96 98 100'), out.indexOf('m=application 9 UDP/DTLS/SCTP webrtc-datachannel'));
    assert.deepStrictEqual(video.filter((l) => l.startsWith('b=')), ['b=AS:6000', 'b=TIAS:6000000']);
    assert.ok(video.includes('a=fmtp:96 x-google-start-bitrate=4000;x-google-max-bitrate=6000'));
    assert.ok(video.includes('a=fmtp:98 profile-id=0;x-google-start-bitrate=4000;x-google-max-bitrate=6000'));
    assert.ok(video.includes('a=fmtp:100 apt=96'), 'rtx keeps its parameters');
    assert.ok(out.includes('a=fmtp:111 minptime=10;useinbandfec=1'), 'audio untouched');
    assert.strictEqual(out.filter((l) => l.startsWith('b=')).length, 2);
  });

  it('sets a floor for known-fast links and starts at it', function () {
    const out = setVideoBandwidth(SDP, 8000, 5000);
    assert.ok(out.includes('a=fmtp:96 x-google-start-bitrate=5000;x-google-max-bitrate=8000;x-google-min-bitrate=5000'));
  });

  it('is idempotent and follows a lowered cap', function () {
    const once = setVideoBandwidth(SDP, 6000);
    assert.strictEqual(setVideoBandwidth(once, 6000), once);
    const lower = setVideoBandwidth(once, 500);
    assert.ok(lower.includes('b=AS:500') && !lower.includes('b=AS:6000'));
    assert.ok(lower.includes('a=fmtp:96 x-google-start-bitrate=500;x-google-max-bitrate=500'));
  });
});
