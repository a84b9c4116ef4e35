/**
 * The verification code both people compare by voice: 6 digits derived from the two DTLS certificate
 * fingerprints of the live peer connection. Each side reads its own certificate's fingerprint from its local
 * description and the other's from the remote description; sorted, both sides hash the same pair. A relay that
 * terminates DTLS itself (a man in the middle swapping fingerprints in the signaling) holds different
 * certificates towards each side, so the two codes differ. Runs in Node (host process) and in the browser
 * (the panel's viewer, the browser page) with the same SHA-256 code.
 */
import { sha256 } from '@noble/hashes/sha2';

/** The `a=fingerprint:` lines of one SDP, normalised ("sha-256 AB:CD:…"); session- or media-level. */
export function sdpFingerprints(sdp: string): string[] {
  const found = new Set<string>();
  for (const line of sdp.split(/\r?\n/)) {
    const m = /^a=fingerprint:(\S+)\s+([0-9A-Fa-f:]+)\s*$/.exec(line);
    if (m) found.add(`${m[1].toLowerCase()} ${m[2].toUpperCase()}`);
  }
  return [...found].sort();
}

/** 6 digits shown as "123 456", or undefined when either description carries no fingerprint. */
export async function verificationCode(localSdp: string, remoteSdp: string): Promise<string | undefined> {
  const local = sdpFingerprints(localSdp);
  const remote = sdpFingerprints(remoteSdp);
  if (local.length === 0 || remote.length === 0) return undefined;
  const material = [local.join(','), remote.join(',')].sort().join('\n');
  // not crypto.subtle: a browser page served over plain http on a LAN is not a secure context and has none
  const digest = sha256(new TextEncoder().encode(`remote-assist-verification\n${material}`));
  const n = ((digest[0] << 24) | (digest[1] << 16) | (digest[2] << 8) | digest[3]) >>> 0;
  const digits = String(n % 1_000_000).padStart(6, '0');
  return `${digits.slice(0, 3)} ${digits.slice(3)}`;
}

/** The code of a live peer connection (both descriptions set), or undefined before that. */
export async function connectionVerificationCode(pc: Pick<RTCPeerConnection, 'localDescription' | 'remoteDescription'>): Promise<string | undefined> {
  const local = pc.localDescription?.sdp;
  const remote = pc.remoteDescription?.sdp;
  if (!local || !remote) return undefined;
  return verificationCode(local, remote);
}
