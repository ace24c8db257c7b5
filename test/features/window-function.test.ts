import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { windowFunction } from '../../src/features/window-function.ts';

describe('windowFunction', () => {
  it('should give a symmetric Hamming window from 0.08 to 1', () => {
    const w = windowFunction('hamming', 400);
    assert.equal(w.length, 400);
    assert.ok(Math.abs(w[0] - 0.08) < 1e-12 && Math.abs(w[399] - 0.08) < 1e-12);
    for (let n = 0; n < 200; n++) assert.ok(Math.abs(w[n] - w[399 - n]) < 1e-12);
    assert.ok(Math.abs(w[199] - (0.54 - 0.46 * Math.cos((2 * Math.PI * 199) / 399))) < 1e-15);
  });

  it('should give a Hann window that is 0 at both ends', () => {
    const w = windowFunction('hann', 400);
    assert.ok(Math.abs(w[0]) < 1e-12 && Math.abs(w[399]) < 1e-12);
    assert.ok(w[199] > 0.9999);
  });
});
