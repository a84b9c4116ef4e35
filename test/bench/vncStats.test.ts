/**
 * The vs-VNC bench's arithmetic: the bootstrap intervals a verdict rests on, and the pixel check's row hashes
 * (which parts of the screen they leave out).
 */
import * as assert from 'assert';
import { rowHashes } from '../../bench/vnc/ScenePlayer';
import { bootstrap, separated } from '../../bench/vnc/stats';
import { delta } from '../../bench/vnc/scenes';
import { RawRun, summary } from '../../bench/vnc/report';

describe('bench vs-vnc statistics', () => {
  it('gives the pooled median and an interval that holds it; runs that agree give a narrow one', () => {
    const runs = [
      [10, 11, 12],
      [11, 12, 13],
      [10, 12, 14],
    ];
    const i = bootstrap(runs);
    assert.strictEqual(i.value, 12);
    assert.ok(i.lo <= 12 && i.hi >= 12, JSON.stringify(i));
    assert.strictEqual(i.runs, 3);
    assert.deepStrictEqual(bootstrap([[5], [5], [5]]), { value: 5, lo: 5, hi: 5, runs: 3 });
  });

  it('is the same interval when regenerated from the same raw samples', () => {
    const runs = [
      [3, 9, 4],
      [20, 1],
      [7, 7, 8, 2],
    ];
    assert.deepStrictEqual(bootstrap(runs), bootstrap(runs));
  });

  it('claims a difference only where the intervals do not overlap', () => {
    const at = (lo: number, hi: number) => ({ value: (lo + hi) / 2, lo, hi, runs: 5 });
    assert.strictEqual(separated(at(1, 2), at(3, 4)), -1);
    assert.strictEqual(separated(at(3, 4), at(1, 2)), 1);
    assert.strictEqual(separated(at(1, 3), at(2, 4)), 0);
  });

  it('leaves the border and the skipped box out of the row hashes, and nothing else', () => {
    const width = 16;
    const height = 12;
    const image = Buffer.alloc(width * height * 4, 0x40);
    const skip = { x: 8, y: 6, w: 4, h: 4 };
    const hashes = (img: Buffer) => rowHashes(img, width, height, 0, skip, 2, height);
    const before = hashes(image);
    const poke = (x: number, y: number): Buffer => {
      const copy = Buffer.from(image);
      copy[(y * width + x) * 4 + 1] = 0xff;
      return copy;
    };
    assert.deepStrictEqual(hashes(poke(0, 5)), before, 'left border');
    assert.deepStrictEqual(hashes(poke(15, 5)), before, 'right border');
    assert.deepStrictEqual(hashes(poke(7, 11)), before, 'bottom border');
    assert.deepStrictEqual(hashes(poke(9, 7)), before, 'skipped box');
    const inside = hashes(poke(4, 5));
    assert.notStrictEqual(inside[5], before[5], 'a pixel inside the checked area changes its row');
    assert.deepStrictEqual(
      inside.filter((h, y) => h !== before[y]),
      [inside[5]],
    );
  });

  it('subtracts cumulative counters but keeps a gauge (…Last) as read, so it never goes negative', () => {
    assert.deepStrictEqual(delta({ hostFrames: 10, hostApproximateTilesLast: 40 }, { hostFrames: 25, hostApproximateTilesLast: 3 }), { hostFrames: 15, hostApproximateTilesLast: 3 });
  });

  it("prints exactly the issue's keys, in its order, on the summary line", () => {
    const raw: RawRun = { bench: 'vs-vnc', startedAt: '', finishedAt: '', load: { start: '1 1 1', end: '', samples: [] }, cpus: 2, settings: { rounds: 1 }, versions: {}, systems: [], connects: [], runs: [], errors: [] };
    assert.deepStrictEqual(Object.keys(summary(raw)), [
      'bench', 'preset', 'latency_p50_ms', 'best_vnc_latency_p50_ms', 'fps', 'best_vnc_fps', 'fps_4k', 'latency_4k_p50_ms', 'typing_kbps_both',
      'best_vnc_typing_kbps_both', 'idle_cpu_pct', 'cpu_ms_per_frame', 'best_vnc_cpu_ms_per_frame', 'pixel_exact', 'runs',
    ]);
  });
});
