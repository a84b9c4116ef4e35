/** The time limits offered for control (setting remoteAssist.controlTimeLimits): checked, and named as the answers read. */
import assert from 'assert';
import { controlTimeLimits, DEFAULT_CONTROL_TIME_LIMITS, timeLimitText } from '../../src/session/ControlTimeLimits';

describe('control time limits', () => {
  it('offers 5, 15 and 30 minutes unless the user set others', () => {
    assert.deepStrictEqual(controlTimeLimits(undefined), { limits: [5, 15, 30] });
    assert.deepStrictEqual(DEFAULT_CONTROL_TIME_LIMITS, [5, 15, 30]);
  });

  it('takes whole seconds from a quarter of a minute to a day, shortest first, each once', () => {
    assert.deepStrictEqual(controlTimeLimits([60, 0.5, 5, 0.5]).limits, [0.5, 5, 60]);
    assert.deepStrictEqual(controlTimeLimits([1.504]).limits, [1.5]);
  });

  it('ignores a bad value as a whole, says why, and offers the defaults', () => {
    for (const bad of [[], [0.1], [2000], ['5'], [1, 2, 3, 4, 5], 5, null, [Number.NaN]]) {
      const checked = controlTimeLimits(bad);
      assert.deepStrictEqual(checked.limits, [5, 15, 30], JSON.stringify(bad));
      assert.ok(checked.problem, `${JSON.stringify(bad)} has a reason`);
    }
  });

  it('names each limit as the answer reads it', () => {
    assert.deepStrictEqual([0.25, 0.5, 1, 1.5, 5, 60, 120, 90].map(timeLimitText), ['15 Seconds', '30 Seconds', '1 Minute', '90 Seconds', '5 Minutes', '1 Hour', '2 Hours', '90 Minutes']);
  });
});
