/** `npm run bench` options: another spelling of the BENCH_* variables, refused when unknown; the run's estimate. */
import * as assert from 'assert';
import { applyCliOptions, estimate } from '../../bench/vnc/plan';

describe('bench vs-vnc options and plan', () => {
  const keys = ['BENCH_ROUNDS', 'BENCH_SCENES_4K', 'BENCH_SYSTEMS', 'BENCH_PLAN_ONLY'];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  afterEach(() => {
    for (const k of keys) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('sets the BENCH_* variable of each option, with "=" or a separate value', () => {
    applyCliOptions(['--rounds', '2', '--scenes-4k=latency,video', '--systems', 'ours-auto', '--plan']);
    assert.strictEqual(process.env.BENCH_ROUNDS, '2');
    assert.strictEqual(process.env.BENCH_SCENES_4K, 'latency,video');
    assert.strictEqual(process.env.BENCH_SYSTEMS, 'ours-auto');
    assert.strictEqual(process.env.BENCH_PLAN_ONLY, '1');
  });

  it('refuses an unknown option or a stray argument and names the known ones', () => {
    assert.throws(() => applyCliOptions(['--round', '2']), /unknown option --round .*--rounds/);
    assert.throws(() => applyCliOptions(['5']), /unexpected argument "5"/);
  });

  it('estimates more time for more rounds, systems and 4K', () => {
    const shape = { rounds: 1, sizes: [{ width: 1920, height: 1080 }], scenes: ['latency' as const, 'editor' as const], scenes4k: [], systems: 2, systems4k: 0, options: { trials: 8, seconds: 3, idleSeconds: 3 } };
    const one = estimate(shape).minutes;
    assert.ok(estimate({ ...shape, rounds: 5 }).minutes > one);
    assert.ok(estimate({ ...shape, systems: 7 }).minutes > one);
    assert.ok(estimate({ ...shape, sizes: [...shape.sizes, { width: 3840, height: 2160 }], scenes4k: shape.scenes, systems4k: 2 }).minutes > one);
  });
});
