/**
 * Sets the video bitrate cap in an SDP with `b=AS` (kbit/s) and `b=TIAS` (bit/s) in the video section:
 * @roamhq/wrtc rejects RTCRtpSender.setParameters, and without a cap full-motion 1080p stalls near 2 Mbit/s.
 */
export function setVideoBandwidth(sdp: string, kbps: number): string {
  const lines = sdp.split('\r\n');
  const out: string[] = [];
  let inVideo = false;
  for (const line of lines) {
    if (line.startsWith('m=')) inVideo = line.startsWith('m=video');
    if (inVideo && (line.startsWith('b=AS:') || line.startsWith('b=TIAS:'))) continue;
    out.push(line);
    // b= lines follow the section's c= line (RFC 8866 order).
    if (inVideo && line.startsWith('c=')) out.push(`b=AS:${kbps}`, `b=TIAS:${kbps * 1000}`);
  }
  return out.join('\r\n');
}
