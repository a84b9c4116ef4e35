/** Two real wrtc peers on loopback, wired like a session (sharer = initiator, as the host process is). */
import SimplePeer from 'simple-peer';
import { loadWrtcAudio } from '../../../src/host/audio/WrtcAudio';
import { ChannelPort } from '../../../src/host/peer/ChannelPort';
import { VOICE_CHANNEL } from '../../../src/protocol/voice';

export interface PeerPair {
  sharer: SimplePeer.Instance;
  helper: SimplePeer.Instance;
  sharerChannel: ChannelPort;
  helperChannel: ChannelPort;
  /** Signal messages relayed so far (renegotiation shows up here). */
  signals: number;
  destroy(): void;
}

function pcOf(peer: SimplePeer.Instance): RTCPeerConnection {
  return (peer as unknown as { _pc: RTCPeerConnection })._pc;
}

/** The voice channel as the host opens it: negotiated, before the connection. */
function openVoiceChannel(pc: RTCPeerConnection): ChannelPort {
  return new ChannelPort(pc.createDataChannel(VOICE_CHANNEL.label, { negotiated: true, id: VOICE_CHANNEL.id, ordered: VOICE_CHANNEL.ordered }));
}

async function opened(port: ChannelPort): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!port.isOpen) {
    if (Date.now() > deadline) throw new Error('voice channel did not open');
    await new Promise((r) => setTimeout(r, 20));
  }
  port.checkOpen();
}

export async function connectPeers(): Promise<PeerPair> {
  const w = loadWrtcAudio() as unknown as SimplePeer.Options['wrtc'];
  const sharer = new SimplePeer({ initiator: true, wrtc: w });
  const helper = new SimplePeer({ wrtc: w });
  const pair: PeerPair = {
    sharer,
    helper,
    sharerChannel: openVoiceChannel(pcOf(sharer)),
    helperChannel: openVoiceChannel(pcOf(helper)),
    signals: 0,
    destroy: () => {
      pair.sharerChannel.dispose();
      pair.helperChannel.dispose();
      sharer.destroy();
      helper.destroy();
    },
  };
  sharer.on('signal', (s) => {
    pair.signals++;
    helper.signal(s);
  });
  helper.on('signal', (s) => {
    pair.signals++;
    sharer.signal(s);
  });
  await Promise.all([
    new Promise<void>((resolve, reject) => {
      sharer.once('connect', () => resolve());
      sharer.once('error', reject);
    }),
    new Promise<void>((resolve, reject) => {
      helper.once('connect', () => resolve());
      helper.once('error', reject);
    }),
  ]);
  await Promise.all([opened(pair.sharerChannel), opened(pair.helperChannel)]);
  return pair;
}
