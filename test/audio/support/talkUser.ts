/** One user of Start Talking in a test: their TalkController, what they were asked, their history and errors. */
import { TalkController, VoiceSettings } from '../../../src/common/audio/TalkController';
import { VoiceTexts } from '../../../src/common/audio/VoiceTexts';
import { silentLogger } from '../../../src/common/logger';

export async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export class TalkUser {
  readonly prompts: string[] = [];
  readonly history: string[] = [];
  readonly errors: string[] = [];
  answer = true;
  settings: VoiceSettings;
  controller!: TalkController;
  constructor(device: string, names = { input: `${device}_mic`, output: `${device}_speaker` }) {
    this.settings = { ...names, echoCancel: false, micMode: 'open' };
  }
  attach(peerName: string, endpoint: ConstructorParameters<typeof TalkController>[0]['endpoint']): void {
    this.controller = new TalkController({
      peerName,
      endpoint,
      settings: () => this.settings,
      askToTalk: async (peer) => {
        this.prompts.push(VoiceTexts.askToTalk(peer));
        return this.answer;
      },
      history: (line) => this.history.push(line),
      showError: (message) => this.errors.push(message),
      log: silentLogger,
    });
  }
  get phase() {
    return this.controller.current.phase;
  }
}
