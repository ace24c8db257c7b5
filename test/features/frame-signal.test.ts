import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { frameSignal } from '../../src/features/frame-signal.ts';
import { frameCount } from '../../src/features/frame-count.ts';
import { InputError } from '../../src/errors.ts';
import { cutIntoChunks } from './cut-into-chunks.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const f32 = (...xs: number[]) => Float32Array.from(xs);
// Small geometry for marbles: 4-sample windows every 2 samples, no pre-emphasis.
const tiny = { windowSize: 4, hopSize: 2, preEmphasis: 0 };

/** Reference framing written directly from the definition, on the whole signal at once. */
function framesOf(x: Float32Array, windowSize: number, hopSize: number, k: number): Float32Array[] {
  const y = new Float32Array(x.length);
  for (let n = 0; n < x.length; n++) y[n] = x[n] - k * (n > 0 ? x[n - 1] : 0);
  const out: Float32Array[] = [];
  for (let s = 0; s + windowSize <= x.length; s += hopSize) out.push(y.slice(s, s + windowSize));
  return out;
}

describe('frameSignal operator', () => {
  it('should emit a frame as soon as a window is complete, across chunk boundaries', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-(c|)', { a: f32(1, 2, 3), b: f32(4, 5), c: f32(6, 7, 8) });
      expectObservable(src.pipe(frameSignal(tiny))).toBe('--x-(yz|)', {
        x: f32(1, 2, 3, 4),
        y: f32(3, 4, 5, 6),
        z: f32(5, 6, 7, 8),
      });
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('should emit several frames for one large chunk and drop a partial last window', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('(a|)', { a: f32(1, 2, 3, 4, 5, 6, 7) });
      expectObservable(src.pipe(frameSignal(tiny))).toBe('(xy|)', { x: f32(1, 2, 3, 4), y: f32(3, 4, 5, 6) });
    });
  });

  it('should emit nothing for a signal shorter than one window', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: f32(1), b: f32(2, 3) }).pipe(frameSignal(tiny))).toBe('---|');
    });
  });

  it('should pre-emphasise the continuous signal, using the previous chunk at a boundary', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const k = { ...tiny, preEmphasis: 0.5 };
      const src = cold('a-b|', { a: f32(2, 4), b: f32(8, 16) });
      // y = [2 − 0, 4 − 1, 8 − 2, 16 − 4]
      expectObservable(src.pipe(frameSignal(k))).toBe('--x|', { x: f32(2, 3, 6, 12) });
    });
  });

  it('should pass errors on and unsubscribe from the source', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a--#', { a: f32(1, 2, 3, 4) });
      expectObservable(src.pipe(frameSignal(tiny))).toBe('-x--#', { x: f32(1, 2, 3, 4) });
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  it('should unsubscribe from the source when the consumer unsubscribes', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a-a-a-a|', { a: f32(1, 2) });
      expectObservable(src.pipe(frameSignal(tiny)), '^----!').toBe('---x-', { x: f32(1, 2, 1, 2) });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('should refuse a NaN sample with an InputError naming the stream and sample', async () => {
    const frames = from([f32(0, 0, 0), f32(0, NaN)]).pipe(frameSignal(tiny, 'mic s1'));
    await assert.rejects(lastValueFrom(frames), (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.message, 'mic s1: sample 4 is NaN; expected finite samples');
      return true;
    });
  });

  it('should give floor((N − 400) / 160) + 1 frames at 16 kHz, and frames equal to the definition', async () => {
    const cfg = { windowSize: 400, hopSize: 160, preEmphasis: 0.97 };
    for (const n of [0, 1, 399, 400, 401, 559, 560, 561, 16000]) {
      const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5);
      const frames = await lastValueFrom(from([x]).pipe(frameSignal(cfg), toArray()));
      assert.equal(frames.length, n < 400 ? 0 : Math.floor((n - 400) / 160) + 1, `N = ${n}`);
      assert.equal(frames.length, frameCount(n, 400, 160));
      assert.deepEqual(frames, framesOf(x, 400, 160, 0.97));
    }
  });

  it('should give bit-identical frames however the input was chunked (property)', async () => {
    const cfg = { windowSize: 400, hopSize: 160, preEmphasis: 0.97 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 30 }),
        fc.integer(),
        async (n, cuts, seed) => {
          const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.11 + seed) * 0.8);
          const chunks = cutIntoChunks(x, cuts);
          const whole = await lastValueFrom(from([x]).pipe(frameSignal(cfg), toArray()));
          const chunked = await lastValueFrom(from(chunks).pipe(frameSignal(cfg), toArray()));
          assert.deepEqual(chunked, whole);
          assert.equal(whole.length, frameCount(n, 400, 160));
        },
      ),
      { numRuns: 60 },
    );
  });
});
