/** The mode policy's decisions on a timeline: sustained excess → video, a single burst → stays, calm → regions. */
import * as assert from 'assert';
import { HostError } from '../../src/host/HostError';
import { CALM_MS, ModePolicy, OVER_BUDGET_MS } from '../../src/host/regions/ModePolicy';

/** Feeds `bytes` per frame at `fps` from `from` for `ms`; returns when (if ever) the policy said yes. */
function play(step: (now: number) => boolean, from: number, ms: number, fps = 30): number | undefined {
  for (let t = from; t < from + ms; t += 1000 / fps) if (step(t)) return t;
  return undefined;
}

describe('host: screen mode policy', function () {
  it('switches to video only when regions stay over the budget for a sustained moment', function () {
    const policy = new ModePolicy(1000);
    policy.transition('entering', 0);
    policy.transition('regions', 0);
    // 1000 kbit/s = 125 000 bytes/s; 30 frames of 10 kB a second is 2.4 Mbit/s.
    const at = play((now) => policy.sent(10_000, 200_000, now), 0, 5000);
    assert.ok(at !== undefined && at >= OVER_BUDGET_MS && at < OVER_BUDGET_MS + 1100, `switched at ${at}`);
  });

  it('stays in regions for one large update (a window opened) followed by small ones', function () {
    const policy = new ModePolicy(1000);
    policy.transition('entering', 0);
    policy.transition('regions', 0);
    assert.strictEqual(policy.sent(400_000, 2_000_000, 0), false);
    assert.strictEqual(play((now) => policy.sent(200, 2000, now), 1, 5000), undefined);
  });

  it('comes back to regions once the estimated lossless rate stays under half the budget', function () {
    const policy = new ModePolicy(1000);
    policy.transition('entering', 0);
    policy.transition('video', 0);
    // A playing video: 300 kB of pixels a frame is far over budget at any plausible ratio.
    assert.strictEqual(play((now) => policy.observed(300_000, now), 0, 3000), undefined);
    const at = play((now) => policy.observed(0, now), 3000, 5000);
    assert.ok(at !== undefined && at >= 3000 + CALM_MS && at <= 3000 + 1000 + CALM_MS + 100, `calm at ${at}`);
  });

  it('refuses an illegal transition with an error', function () {
    const policy = new ModePolicy(1000);
    assert.throws(() => policy.transition('regions', 0), (err: unknown) => err instanceof HostError && err.code === 'ERR_INTERNAL');
  });
});
