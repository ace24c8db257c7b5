import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { appendDeltas } from '../../src/features/append-deltas.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const f32 = (...xs: number[]) => Float32Array.from(xs);

/** HTK's delta formula on a whole sequence, edges repeated, written independently of the operator. */
function offlineDeltas(xs: number[][], window: number): number[][] {
  const T = xs.length;
  let norm = 0;
  for (let th = 1; th <= window; th++) norm += 2 * th * th;
  return xs.map((_, t) =>
    xs[t].map((__, c) => {
      let acc = 0;
      for (let th = 1; th <= window; th++) acc += th * (xs[Math.min(T - 1, t + th)][c] - xs[Math.max(0, t - th)][c]);
      return acc / norm;
    }),
  );
}

describe('appendDeltas operator', () => {
  it('should emit frame t when frame t + 2 arrives and flush the last two at completion', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-c-d|', { a: f32(0), b: f32(1), c: f32(4), d: f32(9) });
      // d0 = (1·(1−0) + 2·(4−0))/10, d1 = (1·(4−0) + 2·(9−0))/10,
      // d2 = (1·(9−1) + 2·(9−0))/10, d3 = (1·(9−4) + 2·(9−1))/10 (edges repeated)
      expectObservable(src.pipe(appendDeltas(2, 0, 1))).toBe('----x-y(zw|)', {
        x: f32(0, 0.9),
        y: f32(1, 2.2),
        z: f32(4, 2.6),
        w: f32(9, 2.1),
      });
      expectSubscriptions(src.subscriptions).toBe('^------!');
    });
  });

  it('should handle a stream shorter than the look-ahead by repeating both edges', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b|', { a: f32(0), b: f32(1) });
      expectObservable(src.pipe(appendDeltas(2, 0, 1))).toBe('---(xy|)', { x: f32(0, 0.3), y: f32(1, 0.3) });
    });
  });

  it('should differentiate only the components [from, to) and append them', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('(ab|)', { a: f32(5, 0, 2), b: f32(5, 1, 2) });
      expectObservable(src.pipe(appendDeltas(1, 1, 2))).toBe('(xy|)', { x: f32(5, 0, 2, 0.5), y: f32(5, 1, 2, 0.5) });
    });
  });

  it('should unsubscribe from the source when the consumer unsubscribes', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('a-b-c-d|', { a: f32(0), b: f32(1), c: f32(4), d: f32(9) });
      expectObservable(src.pipe(appendDeltas(2, 0, 1)), '^----!').toBe('----x', { x: f32(0, 0.9) });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('should pass errors on without flushing', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-#', { a: f32(0), b: f32(1), c: f32(4) });
      expectObservable(src.pipe(appendDeltas(2, 0, 1))).toBe('----x-#', { x: f32(0, 0.9) });
    });
  });

  it('should equal the offline regression formula for any sequence (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 3, maxLength: 3 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 3 }),
        async (xs, window) => {
          const out = await lastValueFrom(from(xs.map((x) => Float32Array.from(x))).pipe(appendDeltas(window, 0, 3), toArray()));
          const expected = offlineDeltas(xs.map((x) => Array.from(Float32Array.from(x))), window);
          assert.equal(out.length, xs.length);
          out.forEach((v, t) => {
            assert.equal(v.length, 6);
            for (let c = 0; c < 3; c++) {
              assert.equal(v[c], Math.fround(xs[t][c]));
              assert.ok(Math.abs(v[3 + c] - expected[t][c]) <= 1e-4 * (1 + Math.abs(expected[t][c])), `t=${t} c=${c}`);
            }
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('should refuse a bad window or component range', () => {
    assert.throws(() => appendDeltas(0, 0, 13), /window must be an integer ≥ 1, got 0/);
    assert.throws(() => appendDeltas(2, 5, 5), /need integers 0 ≤ from < to, got from=5, to=5/);
  });
});
