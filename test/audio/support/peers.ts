/** Two real wrtc peers on loopback, wired like a session (sharer = initiator, as the host process is). */
import SimplePeer from 'simple-peer';
import { openVoiceChannel } from '../../../src/host/audio/HostVoice';
import { loadWrtcAudio } from '../../../src/host/audio/WrtcAudio';

export interface PeerPair {
  sharer: SimplePeer.Instance;
  helper: SimplePeer.Instance;
  sharerChannel: RTCDataChannel;
  helperChannel: RTCDataChannel;
  /** Signal messages relayed so far (renegotiation shows up here). */
  signals: number;
  destroy(): void;
}

function pcOf(peer: SimplePeer.Instance): RTCPeerConnection {
  return (peer as unknown as { _pc: RTCPeerConnection })._pc;
}

async function opened(channel: RTCDataChannel): Promise<void> {
  if (channel.readyState === 'open') return;
  await new Promise<void>((resolve, reject) => {
    channel.addEventListener('open', () => resolve(), { once: true });
    channel.addEventListener('error', () => reject(new Error('voice channel failed')), { once: true });
  });
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
