/** The part of @roamhq/wrtc's non-standard API that voice uses, typed (the package ships no types). */
export interface RTCAudioData {
  samples: Int16Array;
  sampleRate: number;
  bitsPerSample?: number;
  channelCount?: number;
  numberOfFrames?: number;
}

export interface WrtcAudioSource {
  createTrack(): MediaStreamTrack;
  onData(data: RTCAudioData): void;
}

export interface WrtcAudioSink {
  ondata: ((data: RTCAudioData) => void) | null;
  stop(): void;
}

export interface WrtcAudio {
  MediaStream: new (tracks?: MediaStreamTrack[]) => MediaStream;
  nonstandard: {
    RTCAudioSource: new () => WrtcAudioSource;
    RTCAudioSink: new (track: MediaStreamTrack) => WrtcAudioSink;
  };
}

/** Loads the native module lazily so code that only imports types never pays for it. */
export function loadWrtcAudio(): WrtcAudio {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@roamhq/wrtc') as WrtcAudio;
}
