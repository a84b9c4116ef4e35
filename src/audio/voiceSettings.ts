/**
 * The user's voice settings (remoteAssist.voice.*), read through a getter so it works on VS Code's
 * configuration or anything shaped like it. Settings are input too: a bad value is refused with a clear
 * error naming the setting, never passed to the audio tools.
 */
import { AudioDeviceName } from '../protocol/voice';
import { AudioError } from '../common/audio/AudioError';
import type { VoiceSettings } from '../common/audio/TalkController';

export const VOICE_SETTING_KEYS = {
  microphone: 'voice.microphone',
  speaker: 'voice.speaker',
  echoCancellation: 'voice.echoCancellation',
  pushToTalk: 'voice.pushToTalk',
} as const;

/** `get(key)` returns the value under `remoteAssist.<key>` (undefined when unset). */
export function readVoiceSettings(get: (key: string) => unknown): VoiceSettings {
  const device = (key: string): string => {
    const value = get(key) ?? '';
    const parsed = AudioDeviceName.safeParse(value);
    if (!parsed.success) {
      throw new AudioError('ERR_BAD_DEVICE_NAME', `remoteAssist.${key} is not a device name: ${JSON.stringify(value).slice(0, 80)}`);
    }
    return parsed.data;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const value = get(key);
    return typeof value === 'boolean' ? value : fallback;
  };
  return {
    input: device(VOICE_SETTING_KEYS.microphone),
    output: device(VOICE_SETTING_KEYS.speaker),
    echoCancel: flag(VOICE_SETTING_KEYS.echoCancellation, true),
    micMode: flag(VOICE_SETTING_KEYS.pushToTalk, false) ? 'pushToTalk' : 'open',
  };
}
