/**
 * The small drawing toolbar in the desktop header: Pen and Arrow (toggles: a drag on the desktop draws on the
 * sharer's screen instead of being input), Clear (removes every mark). Alt+click points without a mode.
 * Everything stays in the panel: the viewer sends the marks to the sharer's host, which decides.
 */
import type { AnnotationMode } from '../viewer';
import { h, icon } from '../common/dom';

type Button = HTMLElement & { disabled: boolean };

const TOOLS: { mode: Exclude<AnnotationMode, 'off'>; label: string; codicon: string; tooltip: string }[] = [
  { mode: 'pen', label: 'Pen', codicon: 'edit', tooltip: "Click this button to draw on the other person's screen; the lines fade after a few seconds. Alt+click points at a place." },
  { mode: 'arrow', label: 'Arrow', codicon: 'arrow-right', tooltip: "Click this button to draw arrows on the other person's screen." },
];

export class AnnotationBar {
  readonly element: HTMLElement;
  private mode: AnnotationMode = 'off';
  private readonly buttons = new Map<AnnotationMode, Button>();
  private readonly clearButton: Button;

  constructor(
    private readonly setMode: (mode: AnnotationMode) => void,
    clear: () => void,
  ) {
    this.element = h('div', { class: 'annotation-bar', role: 'group', 'aria-label': 'Draw on the remote screen' });
    for (const tool of TOOLS) {
      const button = h('vscode-button', { appearance: 'icon', 'aria-label': tool.label, title: tool.tooltip, 'aria-pressed': 'false', 'data-annotate': tool.mode }, icon(tool.codicon)) as Button;
      button.addEventListener('click', () => !button.disabled && this.choose(this.mode === tool.mode ? 'off' : tool.mode));
      this.buttons.set(tool.mode, button);
      this.element.append(button);
    }
    this.clearButton = h('vscode-button', { appearance: 'icon', 'aria-label': 'Clear Drawing', title: "Click this button to remove your drawing from the other person's screen.", 'data-annotate': 'clear' }, icon('clear-all')) as Button;
    this.clearButton.addEventListener('click', () => !this.clearButton.disabled && clear());
    this.element.append(this.clearButton);
    this.enable(false);
  }

  /** The mode a new viewer starts in. */
  get current(): AnnotationMode {
    return this.mode;
  }

  /** Only while connected; otherwise drawing is off. */
  enable(on: boolean): void {
    for (const button of [...this.buttons.values(), this.clearButton]) button.disabled = !on;
    if (!on && this.mode !== 'off') this.choose('off');
  }

  private choose(mode: AnnotationMode): void {
    this.mode = mode;
    for (const [m, button] of this.buttons) button.setAttribute('aria-pressed', String(m === mode));
    this.setMode(mode);
  }
}
