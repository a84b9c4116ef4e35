/**
 * The bench's CPU meter: a process's CPU time between two samples to better than /proc's 10 ms ticks
 * (the threads' schedstat), checked on this process burning a known amount of CPU.
 */
import * as assert from 'assert';
import { cpuPercent, sampleCpu } from '../../bench/vnc/ProcessMeter';

/** Burns `ms` of this thread's CPU time (not wall time: a loaded machine only makes it take longer). */
function burn(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe('bench vs-vnc CPU meter', () => {
  it('measures 25 ms of CPU to within a few ms (one tick is 10 ms)', () => {
    const before = sampleCpu([process.pid]);
    const cpu0 = process.cpuUsage();
    burn(25);
    const after = sampleCpu([process.pid]);
    const used = process.cpuUsage(cpu0);
    const measured = (cpuPercent(before, after) / 100) * ((after.atMs - before.atMs) / 1000);
    // every thread of this process counts (GC, libuv), so the meter reads at least what this thread used
    assert.ok(measured >= (used.user + used.system) / 1e6 - 0.002, `measured ${measured} s, this thread used ${(used.user + used.system) / 1e6} s`);
    assert.ok(measured < 0.025 + 0.02, `measured ${measured} s for 25 ms burnt`);
    assert.ok(after.preciseByPid.has(process.pid));
  });
});
