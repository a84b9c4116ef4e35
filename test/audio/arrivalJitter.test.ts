/**
 * The panel worklet's measure of how unevenly the extension's PCM arrives (ArrivalJitter): the buffer it asks
 * for follows the current unevenness, up at once after a burst and back down once arrivals are even again.
 */
import * as assert from 'assert';
import { ArrivalJitter } from '../../src/common/audio/ArrivalJitter';

const FRAME = 480;
const SECOND = 48_000;

describe('arrival jitter (the panel worklet\'s buffer target)', () => {
  it('asks for nothing while 10 ms frames arrive every 10 ms', () => {
    const j = new ArrivalJitter(3 * SECOND, SECOND / 2);
    for (let i = 0; i < 300; i++) assert.strictEqual(j.note(1000 + i * FRAME, FRAME), 0);
  });

  it('asks for a stall\'s length after a burst, and forgets it once the window has passed', () => {
    const j = new ArrivalJitter(3 * SECOND, SECOND / 2);
    let at = 0;
    for (let i = 0; i < 100; i++) j.note((at += FRAME), FRAME);
    // The extension stalls for 60 ms, then posts the six frames it held back at once.
    at += 6 * FRAME;
    for (let i = 0; i < 7; i++) j.note(at, FRAME);
    assert.strictEqual(j.spread, 6 * FRAME);
    for (let i = 0; i < 290; i++) j.note((at += FRAME), FRAME);
    assert.strictEqual(j.spread, 6 * FRAME, 'still within the 3 s window');
    for (let i = 0; i < 20; i++) j.note((at += FRAME), FRAME);
    assert.strictEqual(j.spread, 0);
  });

  it('starts afresh after a pause (talk stopped): the pause is not jitter', () => {
    const j = new ArrivalJitter(3 * SECOND, SECOND / 2);
    let at = 0;
    for (let i = 0; i < 50; i++) j.note((at += FRAME), FRAME);
    at += 2 * SECOND;
    for (let i = 0; i < 50; i++) assert.strictEqual(j.note((at += FRAME), FRAME), 0);
  });
});
