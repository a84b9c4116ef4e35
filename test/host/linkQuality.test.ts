/**
 * Auto quality's tier on simulated links, by scenario (as RustDesk's video_qos tests): startup on a slow
 * and a fast link, a jitter spike, recovery after the link gets fast again, and a sustained medium link.
 * The simulation is a bottleneck of `kbps` with a round trip of `rttMs`; the host keeps the tier's window
 * of updates in flight (a busy screen) or sends a small update now and then (typing).
 */
import * as assert from 'assert';
import { HostError } from '../../src/host/HostError';
import { DOWN_MS, LinkQuality, LinkTier, TIERS, UP_MS } from '../../src/host/regions/LinkQuality';

interface Link {
  kbps: number;
  rttMs: number;
  /** Extra delay (ms) for acks arriving in [from, to): a jitter spike. */
  spike?: { from: number; to: number; ms: number };
}

class Simulation {
  now = 0;
  private seq = 0;
  private linkFreeAt = 0;
  private inFlight: { seq: number; bytes: number; ackAt: number }[] = [];
  readonly tiers: { at: number; tier: LinkTier }[] = [];
  /** Worst time a message sent now would wait before its last byte leaves (a chat line behind the screen). */
  worstChatWaitMs = 0;

  constructor(readonly quality: LinkQuality) {}

  run(link: Link, ms: number, load: 'busy' | 'typing'): this {
    const end = this.now + ms;
    let nextTyping = this.now;
    for (; this.now < end; this.now += 5) {
      // Acks that arrived.
      const arrived = this.inFlight.filter((f) => f.ackAt <= this.now);
      if (arrived.length > 0) {
        this.inFlight = this.inFlight.filter((f) => f.ackAt > this.now);
        this.quality.acked(Math.max(...arrived.map((f) => f.seq)), this.now, this.inFlight.length === 0);
      }
      const tier = TIERS[this.quality.tier];
      if (load === 'busy') {
        const bytes = Math.round((tier.encoder.updateBytes ?? 240 * 1024) * 0.25);
        while (this.inFlight.reduce((n, f) => n + f.bytes, 0) + bytes <= tier.windowBytes || this.inFlight.length === 0) this.send(link, bytes);
      } else if (this.now >= nextTyping) {
        this.send(link, 300);
        nextTyping = this.now + 200;
      }
      this.worstChatWaitMs = Math.max(this.worstChatWaitMs, this.linkFreeAt - this.now);
      if (this.now % 100 === 0) {
        const changed = this.quality.evaluate(this.now);
        if (changed) this.tiers.push({ at: this.now, tier: changed });
      }
    }
    return this;
  }

  private send(link: Link, bytes: number): void {
    this.linkFreeAt = Math.max(this.now, this.linkFreeAt) + (bytes * 8) / link.kbps;
    let ackAt = this.linkFreeAt + link.rttMs;
    if (link.spike && ackAt >= link.spike.from && ackAt < link.spike.to) ackAt += link.spike.ms;
    this.inFlight.push({ seq: ++this.seq, bytes, ackAt });
    this.quality.sent(this.seq, bytes, this.now);
  }

  changesAfter(at: number): number {
    return this.tiers.filter((t) => t.at > at).length;
  }
}

const SLOW: Link = { kbps: 256, rttMs: 300 };
const MEDIUM: Link = { kbps: 2000, rttMs: 80 };
const FAST: Link = { kbps: 100_000, rttMs: 20 };

describe('host: Auto quality by scenario (LinkQuality)', function () {
  describe('startup', function () {
    it('on 256 kbit/s with a busy screen, goes down to dial-up within a few seconds and stays', function () {
      const sim = new Simulation(new LinkQuality()).run(SLOW, 8000, 'busy');
      assert.strictEqual(sim.quality.tier, 'dialup', JSON.stringify(sim.tiers));
      const settled = sim.tiers.find((t) => t.tier === 'dialup')?.at ?? Infinity;
      assert.ok(settled <= 5000, `dial-up at ${settled} ms`);
      sim.worstChatWaitMs = 0;
      sim.run(SLOW, 30_000, 'busy');
      assert.strictEqual(sim.changesAfter(8000), 0, JSON.stringify(sim.tiers));
      // With the dial-up window in flight, a chat line waits well under a second behind the screen.
      assert.ok(sim.worstChatWaitMs < 700, `chat could wait ${sim.worstChatWaitMs} ms`);
    });

    it('on 100 Mbit/s with a busy screen, climbs to LAN one tier at a time', function () {
      const sim = new Simulation(new LinkQuality()).run(FAST, 20_000, 'busy');
      assert.deepStrictEqual(
        sim.tiers.map((t) => t.tier),
        ['broadband', 'lan'],
      );
      assert.ok(sim.tiers[1].at <= 2 * UP_MS + 1000, JSON.stringify(sim.tiers));
    });

    it('with only typing on a slow link, does not climb (small updates prove no spare rate)', function () {
      const sim = new Simulation(new LinkQuality()).run(SLOW, 20_000, 'typing');
      assert.strictEqual(sim.quality.tier, 'slow', JSON.stringify(sim.tiers));
    });
  });

  describe('jitter', function () {
    it('a single late burst of acks on a fast link does not move down', function () {
      const quality = new LinkQuality();
      const sim = new Simulation(quality).run(FAST, 20_000, 'busy');
      assert.strictEqual(quality.tier, 'lan');
      sim.run({ ...FAST, spike: { from: 21_000, to: 21_600, ms: 2500 } }, 10_000, 'busy');
      assert.strictEqual(sim.changesAfter(20_000), 0, JSON.stringify(sim.tiers));
    });
  });

  describe('recovery', function () {
    it('after the link gets fast again, returns to LAN', function () {
      const quality = new LinkQuality();
      const sim = new Simulation(quality).run(SLOW, 15_000, 'busy');
      assert.strictEqual(quality.tier, 'dialup');
      sim.run(FAST, 30_000, 'busy');
      assert.strictEqual(quality.tier, 'lan', JSON.stringify(sim.tiers));
      assert.deepStrictEqual(
        sim.tiers.filter((t) => t.at > 15_000).map((t) => t.tier),
        ['slow', 'broadband', 'lan'],
      );
    });

    it('when the link slows down under load, moves down after DOWN_MS of congestion, not before', function () {
      const quality = new LinkQuality();
      const sim = new Simulation(quality).run(FAST, 20_000, 'busy');
      assert.strictEqual(quality.tier, 'lan');
      sim.run(SLOW, 15_000, 'busy');
      const first = sim.tiers.find((t) => t.at > 20_000);
      assert.ok(first && first.at - 20_000 >= DOWN_MS, JSON.stringify(sim.tiers));
      assert.strictEqual(quality.tier, 'dialup', JSON.stringify(sim.tiers));
    });
  });

  describe('sustained', function () {
    it('on 2 Mbit/s / 80 ms settles on one tier and holds it for a minute', function () {
      const quality = new LinkQuality();
      const sim = new Simulation(quality).run(MEDIUM, 70_000, 'busy');
      assert.strictEqual(sim.changesAfter(10_000), 0, JSON.stringify(sim.tiers));
      assert.strictEqual(quality.tier, 'slow');
      assert.ok(sim.worstChatWaitMs < 1000, `chat could wait ${sim.worstChatWaitMs} ms`);
    });
  });

  it('refuses an illegal transition with an error', function () {
    const quality = new LinkQuality('dialup');
    assert.throws(() => quality.transition('lan', 0), (err: unknown) => err instanceof HostError && err.code === 'ERR_INTERNAL' && /dialup → lan/.test(err.message));
  });
});
