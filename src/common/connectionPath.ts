/**
 * Which path a peer connection uses, read from its getStats report (works on libwebrtc in Node and in
 * Chromium alike), and how to say it to a user: Direct, or Relayed through TURN over UDP, TCP or TLS.
 */
import { CandidateType, ConnectionPath } from '../protocol/ice';

/** The fields of RTCStatsReport used here (a Map of stats objects in both runtimes). */
export interface StatsLike {
  forEach(callback: (stats: Record<string, unknown> & { type: string; id: string }) => void): void;
  get(id: string): (Record<string, unknown> & { type: string }) | undefined;
}

/** The selected candidate pair's path, or undefined before ICE has selected one. */
export function selectedPath(report: StatsLike): ConnectionPath | undefined {
  let pairId: string | undefined;
  let nominated: (Record<string, unknown> & { id: string }) | undefined;
  report.forEach((s) => {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pairId = s.selectedCandidatePairId;
    if (s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded') nominated ??= s;
  });
  const pair = (pairId !== undefined ? report.get(pairId) : undefined) ?? nominated;
  if (!pair) return undefined;
  const local = report.get(String(pair.localCandidateId));
  const remote = report.get(String(pair.remoteCandidateId));
  const localType = CandidateType.safeParse(local?.candidateType);
  const remoteType = CandidateType.safeParse(remote?.candidateType);
  if (!localType.success || !remoteType.success) return undefined;
  const relayProtocol = localType.data === 'relay' ? String(local?.relayProtocol ?? '') : '';
  const rtt = pair.currentRoundTripTime;
  const path = ConnectionPath.safeParse({
    local: localType.data,
    remote: remoteType.data,
    protocol: local?.protocol === 'tcp' ? 'tcp' : 'udp',
    relayProtocol: relayProtocol === 'udp' || relayProtocol === 'tcp' || relayProtocol === 'tls' ? relayProtocol : undefined,
    rttMs: typeof rtt === 'number' ? Math.round(rtt * 10_000) / 10 : undefined,
  });
  return path.success ? path.data : undefined;
}

export function isRelayed(path: ConnectionPath): boolean {
  return path.local === 'relay' || path.remote === 'relay';
}

/** "Direct", "Relayed (TURN over TCP)", or "Relayed (by the other side's TURN server)". */
export function pathName(path: ConnectionPath): string {
  if (!isRelayed(path)) return 'Direct';
  if (path.local === 'relay') return `Relayed (TURN over ${(path.relayProtocol ?? 'udp').toUpperCase()})`;
  return "Relayed (by the other side's TURN server)";
}

/** One line for a status bar or the panel: "Direct · 12 ms". */
export function pathSummary(path: ConnectionPath): string {
  return path.rttMs === undefined ? pathName(path) : `${pathName(path)} · ${Math.round(path.rttMs)} ms`;
}

const CANDIDATE_WORDS: Record<CandidateType, string> = {
  host: 'host address',
  srflx: 'public address via STUN',
  prflx: 'address seen by the peer',
  relay: 'TURN relay',
};

/** A tooltip's detail: both candidates, the transport and the round trip. */
export function pathDetail(path: ConnectionPath): string {
  const rtt = path.rttMs === undefined ? '' : `, round trip ${Math.round(path.rttMs)} ms`;
  return `${pathName(path)}: this side's ${CANDIDATE_WORDS[path.local]} (${path.local}) to the other side's ${CANDIDATE_WORDS[path.remote]} (${path.remote}) over ${path.protocol.toUpperCase()}${rtt}.`;
}
