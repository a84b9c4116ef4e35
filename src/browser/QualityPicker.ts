/** Settings in the browser page: the quality presets the extension offers in its quick pick, as a small menu. */
import { QUALITY_DESCRIPTIONS, QUALITY_PRESETS, type QualityPreset } from '../session/QualityPresets';
import { h } from '../webview/common/dom';

/** Shows the presets; resolves with the one picked, or undefined when closed without a pick. */
export function pickQuality(current: QualityPreset): Promise<QualityPreset | undefined> {
  document.querySelector('.quality-picker')?.remove();
  return new Promise((resolve) => {
    const close = h('button', { class: 'quality-close', type: 'button' }, 'Cancel');
    const options = QUALITY_PRESETS.map((preset) => {
      const button = h('button', { class: 'quality-option', type: 'button', 'data-preset': preset, 'aria-pressed': String(preset === current) }, h('strong', {}, preset), h('span', {}, QUALITY_DESCRIPTIONS[preset]));
      button.addEventListener('click', () => done(preset));
      return button;
    });
    const card = h('div', { class: 'quality-picker', role: 'dialog', 'aria-label': 'Remote Assistance Settings: Screen Quality' }, h('p', {}, 'Screen quality (the sharer\'s own setting caps it)'), ...options, close);
    const done = (preset: QualityPreset | undefined) => {
      card.remove();
      resolve(preset);
    };
    close.addEventListener('click', () => done(undefined));
    document.body.append(card);
    options[QUALITY_PRESETS.indexOf(current)]?.focus();
  });
}
