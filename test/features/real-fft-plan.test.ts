import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { realFftPlan } from '../../src/features/real-fft-plan.ts';

/** The DFT by the definition, O(N²), in float64: [re, im] of bins 0 … N/2. */
function naiveDft(x: Float32Array): [number, number][] {
  const N = x.length;
  return Array.from({ length: N / 2 + 1 }, (_, k) => {
    let re = 0;
    let im = 0;
    for (let n = 0; n < N; n++) {
      re += x[n] * Math.cos((2 * Math.PI * k * n) / N);
      im -= x[n] * Math.sin((2 * Math.PI * k * n) / N);
    }
    return [re, im];
  });
}

describe('realFftPlan', () => {
  for (const size of [32, 512]) {
    it(`should give the DFT of each frame of a batch in PFFFT's ordered layout for size ${size}`, () => {
      const plan = realFftPlan(size);
      const frames = [0.3, 1.3, 2.1].map((f) => Float32Array.from({ length: size }, (_, n) => Math.sin(n * f) + 0.3 * Math.cos(n * 0.2) + ((n * 7919) % 13) / 13));
      frames.forEach((x, j) => plan.input().set(x, j * size));
      plan.forward(frames.length);
      const out = plan.output();
      frames.forEach((x, j) => {
        const ref = naiveDft(x);
        const o = j * size;
        // Single precision: errors relative to the signal's energy, not to each bin.
        const scale = Math.sqrt(size) * Math.hypot(...x);
        const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-6 * scale, `frame ${j} ${what}: ${got} vs ${want}`);
        close(out[o], ref[0][0], 'DC');
        close(out[o + 1], ref[size / 2][0], 'Nyquist');
        for (let k = 1; k < size / 2; k++) {
          close(out[o + 2 * k], ref[k][0], `Re X[${k}]`);
          close(out[o + 2 * k + 1], ref[k][1], `Im X[${k}]`);
        }
      });
    });
  }

  it('should share one plan per size, and keep working views after wasm memory grows', () => {
    const a = realFftPlan(512);
    assert.equal(realFftPlan(512), a);
    const before = a.input();
    realFftPlan(32768); // 2 × 64 × 32768 floats: 16 MB, more than the initial heap
    const x = Float32Array.from({ length: 512 }, (_, n) => (n === 1 ? 1 : 0));
    a.input().set(x);
    a.forward(1);
    assert.equal(before.length, 0, 'the heap grew, detaching the views taken before');
    assert.equal(a.input().length, 64 * 512);
    // The DFT of an impulse at n = 1: X[k] = e^{−2πik/512}; check bin 128 = −i.
    assert.ok(Math.abs(a.output()[256]) < 1e-6 && Math.abs(a.output()[257] + 1) < 1e-6);
  });

  it('should refuse a size PFFFT cannot transform, and a batch larger than its capacity', () => {
    assert.throws(() => realFftPlan(16), /size must be a positive multiple of 32, got 16/);
    assert.throws(() => realFftPlan(512).forward(65), /count must be 0 … 64, got 65/);
  });
});
