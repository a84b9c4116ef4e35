/**
 * The speaker's queue against a real PulseAudio sink: a backlog (the stream starting, a burst after a stall)
 * must not stay as delay for the rest of the call: silence beyond the target is dropped.
 */
import { FRAME_SAMPLES, PcmFrame } from '../../src/common/audio/AudioFormat';
import { SpeakerPlayback } from '../../src/common/audio/SpeakerPlayback';
import { pollUntil } from '../../scripts/stack/poll';
import { TestPulseAudio, startPulseAudio } from './support/pulseaudio';

function frame(amplitude: number): PcmFrame {
  const f = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < f.length; i++) f[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 48_000));
  return f;
}

describe('speaker queue', function () {
  this.timeout(60_000);
  let pulse: TestPulseAudio;
  let speaker: SpeakerPlayback | undefined;
  let feeder: NodeJS.Timeout | undefined;

  before(async () => {
    pulse = await startPulseAudio(['sharer']);
  });
  afterEach(() => {
    clearInterval(feeder);
    speaker?.dispose();
    speaker = undefined;
  });
  after(async () => {
    await pulse?.stop();
  });

  /** Writes `burst` frames at once, then frames at exactly the real-time rate, as a live stream does. */
  function feed(s: SpeakerPlayback, burst: number, amplitude: number): void {
    for (let i = 0; i < burst; i++) s.play(frame(amplitude));
    const start = performance.now();
    let fed = 0;
    feeder = setInterval(() => {
      for (const due = Math.floor((performance.now() - start) / 10); fed < due; fed++) s.play(frame(amplitude));
    }, 5);
  }

  it('drains a backlog of quiet audio down to its target instead of keeping it as delay', async () => {
    speaker = new SpeakerPlayback({ device: 'sharer_speaker', env: pulse.env });
    const s = speaker;
    // 200 ms arrive at once (under the 250 ms cap), then the stream continues in real time.
    feed(s, 20, 20);
    await pollUntil('the speaker queue to drain to its target', () => s.droppedFrames > 0 && s.queuedMs <= 60, { timeoutMs: 20_000, intervalMs: 20 });
  });
});
