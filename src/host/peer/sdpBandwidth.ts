/**
 * Sets the video bitrate cap in an SDP: `b=AS` (kbit/s) and `b=TIAS` (bit/s) in the video section, and
 * libwebrtc's `x-google-start-bitrate`/`x-google-max-bitrate` (and, for known-fast links,
 * `x-google-min-bitrate`) on each video codec so a LAN session starts near its cap instead of ramping up
 * from 300 kbit/s. @roamhq/wrtc rejects RTCRtpSender.setParameters,
 * and without a cap full-motion 1080p stalls near 2 Mbit/s.
 */

/** Where the bandwidth estimate starts: high enough to show a screen sharply at once, never above the cap. */
export function startKbps(maxKbps: number): number {
  return Math.min(maxKbps, 4000);
}

const VIDEO_CODECS = /^a=rtpmap:(\d+) (VP8|VP9|AV1|H264)\//i;

export function setVideoBandwidth(sdp: string, kbps: number, minKbps?: number): string {
  const start = Math.max(startKbps(kbps), minKbps ?? 0);
  const google = `x-google-start-bitrate=${start};x-google-max-bitrate=${kbps}${minKbps ? `;x-google-min-bitrate=${minKbps}` : ''}`;
  const out: string[] = [];
  const lines = sdp.split('\r\n');
  // Payload types of video codecs that already have an fmtp line (the rest get one).
  const withFmtp = new Set(lines.filter((l) => l.startsWith('a=fmtp:')).map((l) => l.slice(7, l.indexOf(' '))));
  let inVideo = false;
  for (const line of lines) {
    if (line.startsWith('m=')) inVideo = line.startsWith('m=video');
    if (!inVideo) {
      out.push(line);
      continue;
    }
    if (line.startsWith('b=AS:') || line.startsWith('b=TIAS:')) continue;
    const codec = VIDEO_CODECS.exec(line);
    if (line.startsWith('a=fmtp:')) {
      const pt = line.slice(7, line.indexOf(' '));
      const isVideoCodec = lines.some((l) => VIDEO_CODECS.exec(l)?.[1] === pt);
      const params = line.split(' ').slice(1).join(' ').split(';').filter((p) => p && !p.startsWith('x-google-'));
      out.push(isVideoCodec ? `a=fmtp:${pt} ${[...params, google].join(';')}` : line);
      continue;
    }
    out.push(line);
    // b= lines follow the section's c= line (RFC 8866 order).
    if (line.startsWith('c=')) out.push(`b=AS:${kbps}`, `b=TIAS:${kbps * 1000}`);
    if (codec && !withFmtp.has(codec[1])) out.push(`a=fmtp:${codec[1]} ${google}`);
  }
  return out.join('\r\n');
}
