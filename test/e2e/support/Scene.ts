/**
 * What the scenario's steps share: the embedded stack, one headless Chromium with a workbench each for
 * Alice and Bob, and per-step screenshots of both under test-results/e2e/.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, rmSync } from 'fs';
import { join } from 'path';
import { Browser, chromium } from 'playwright-core';
import { ALICE, BOB, EmbeddedStack, type Person, REPO_ROOT } from '../../../scripts/stack/EmbeddedStack';
import { startPulseAudio, TestPulseAudio } from '../../audio/support/pulseaudio';
import { Workbench } from './Workbench';

export const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export class Scene {
  private embedded: EmbeddedStack | undefined;
  private audio: TestPulseAudio | undefined;
  private browser: Browser | undefined;
  private aliceWorkbench: Workbench | undefined;
  private bobWorkbench: Workbench | undefined;
  private shots = 0;

  constructor() {
    rmSync(RESULTS_DIR, { recursive: true, force: true });
    mkdirSync(RESULTS_DIR, { recursive: true });
  }

  get stack(): EmbeddedStack {
    if (!this.embedded) throw new Error('the scene is not started');
    return this.embedded;
  }

  /** The audio server whose devices are Alice's and Bob's microphones and speakers. */
  get pulse(): TestPulseAudio {
    if (!this.audio) throw new Error('the scene is not started');
    return this.audio;
  }

  get alice(): Workbench {
    if (!this.aliceWorkbench) throw new Error("Alice's workbench is not open");
    return this.aliceWorkbench;
  }

  get bob(): Workbench {
    if (!this.bobWorkbench) throw new Error("Bob's workbench is not open");
    return this.bobWorkbench;
  }

  async start(): Promise<void> {
    // Alice's devices are the "sharer_*" ones, Bob's the "helper_*" ones, on one private PulseAudio.
    this.audio = await startPulseAudio(['sharer', 'helper']);
    const user = (person: Person) => (person.alias === ALICE.alias ? 'sharer' : 'helper');
    this.embedded = new EmbeddedStack({
      logDir: join(RESULTS_DIR, 'logs'),
      audio: { pulseServer: this.audio.env.PULSE_SERVER as string, devices: (p) => ({ microphone: `${user(p)}_mic`, speaker: `${user(p)}_speaker` }) },
    });
    await this.stack.start();
    this.browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    this.aliceWorkbench = await Workbench.open(this.browser, 'Alice', this.stack.workbench(ALICE).url);
    this.bobWorkbench = await Workbench.open(this.browser, 'Bob', this.stack.workbench(BOB).url);
  }

  /** Screenshots of both workbenches (and of Alice's display) named after the step. */
  async screenshots(step: string): Promise<void> {
    const prefix = `${String(++this.shots).padStart(2, '0')}-${step.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}`;
    for (const wb of [this.aliceWorkbench, this.bobWorkbench]) {
      await wb?.screenshot(join(RESULTS_DIR, `${prefix}-${wb.name.toLowerCase()}.png`)).catch(() => undefined);
    }
    this.displayScreenshot(join(RESULTS_DIR, `${prefix}-display.png`));
  }

  /** Alice's real X display, as xwd sees it, converted to PNG. */
  displayScreenshot(path: string): void {
    try {
      const xwd = execFileSync('xwd', ['-root', '-silent', '-display', this.stack.sharedDisplay.display], { maxBuffer: 64 * 1024 * 1024 });
      execFileSync('convert', ['xwd:-', path], { input: xwd });
    } catch {
      // the display may be gone when a step failed early
    }
  }

  async stop(): Promise<void> {
    this.embedded?.collectWorkbenchLogs();
    await this.aliceWorkbench?.close();
    await this.bobWorkbench?.close();
    await this.browser?.close().catch(() => undefined);
    await this.embedded?.stop();
    await this.audio?.stop();
  }
}
