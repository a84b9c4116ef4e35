/**
 * Sets the audio packet time in an SDP (`a=ptime` in the audio section): libwebrtc and Chromium size their
 * Opus frames from the ptime of the description they receive, so the host puts it in its offers (the
 * helper's Chromium then sends 10 ms packets) and in the answer it receives before applying it (so its own
 * libwebrtc does). 10 ms packets halve packetisation delay and let the receivers' jitter buffers work in
 * 10 ms steps, at about 20 kbit/s more overhead — nothing beside a screen's video.
 */
export const VOICE_PTIME_MS = 10;

export function setAudioPacketTime(sdp: string, ms = VOICE_PTIME_MS): string {
  const out: string[] = [];
  let inAudio = false;
  let placed = false;
  for (const line of sdp.split('\r\n')) {
    if (line.startsWith('m=')) [inAudio, placed] = [line.startsWith('m=audio'), false];
    if (inAudio && line.startsWith('a=ptime:')) continue;
    // Attributes follow the section's c= and b= lines (RFC 8866 order).
    if (inAudio && !placed && line.startsWith('a=')) {
      out.push(`a=ptime:${ms}`);
      placed = true;
    }
    out.push(line);
  }
  return out.join('\r\n');
}
