/** Two real WebRTC peers (simple-peer + @roamhq/wrtc) on loopback, each with the negotiated files channel. */
import Peer from 'simple-peer';
import { FILES_CHANNEL } from '../../../src/protocol/files';
import type { FileChannel } from '../../../src/common/files/FileChannel';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wrtc = require('@roamhq/wrtc');

export interface PeerPair {
  readonly sharer: Peer.Instance;
  readonly helper: Peer.Instance;
  readonly sharerChannel: FileChannel;
  readonly helperChannel: FileChannel;
  /** Destroys both peers (idempotent). */
  close(): void;
}

function filesChannel(peer: Peer.Instance): FileChannel {
  const pc = (peer as unknown as { _pc: RTCPeerConnection })._pc;
  return pc.createDataChannel(FILES_CHANNEL.label, { negotiated: true, id: FILES_CHANNEL.id, ordered: true }) as unknown as FileChannel;
}

function opened(channel: FileChannel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve) => channel.addEventListener('open', () => resolve()));
}

export async function connectPeerPair(): Promise<PeerPair> {
  const sharer = new Peer({ initiator: true, wrtc, trickle: true });
  const helper = new Peer({ initiator: false, wrtc, trickle: true });
  sharer.on('signal', (s) => helper.signal(s));
  helper.on('signal', (s) => sharer.signal(s));
  // Errors after a deliberate disconnect are expected; the tests watch the channels instead.
  sharer.on('error', () => undefined);
  helper.on('error', () => undefined);
  await Promise.all([new Promise((r) => sharer.once('connect', r)), new Promise((r) => helper.once('connect', r))]);
  const sharerChannel = filesChannel(sharer);
  const helperChannel = filesChannel(helper);
  await Promise.all([opened(sharerChannel), opened(helperChannel)]);
  return {
    sharer,
    helper,
    sharerChannel,
    helperChannel,
    close() {
      // simple-peer closes only its own channel; close ours first so no native callback outlives its peer.
      for (const channel of [sharerChannel, helperChannel]) (channel as unknown as RTCDataChannel).close();
      sharer.destroy();
      helper.destroy();
    },
  };
}
