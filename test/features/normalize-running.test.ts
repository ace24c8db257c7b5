import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { normalizeRunning } from '../../src/features/normalize-running.ts';
import { RunningStats } from '../../src/features/running-stats.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const f32 = (...xs: number[]) => Float32Array.from(xs);
const z = (x: number, mean: number, variance: number) => (x - mean) / Math.sqrt(variance + 1e-8);

describe('normalizeRunning operator', () => {
  it('should hold the warm-up frames, release them with the warm-up statistics, then go frame by frame', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b-------c|', { a: f32(1, 7), b: f32(3, 7), c: f32(5, 7) });
      // after b: mean 2, variance 1; after c: mean 3, variance 8/3. A constant dimension gives 0.
      expectObservable(src.pipe(normalizeRunning(2))).toBe('--(xy)----c|', {
        x: f32(z(1, 2, 1), 0),
        y: f32(z(3, 2, 1), 0),
        c: f32(z(5, 3, 8 / 3), 0),
      });
      expectSubscriptions(src.subscriptions).toBe('^----------!');
    });
  });

  it('should release a stream that ends during the warm-up with the statistics it has', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b|', { a: f32(1), b: f32(3) });
      expectObservable(src.pipe(normalizeRunning(100))).toBe('---(xy|)', { x: f32(z(1, 2, 1)), y: f32(z(3, 2, 1)) });
    });
  });

  it('should emit each frame as it arrives without a warm-up', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b|', { a: f32(1), b: f32(3) });
      expectObservable(src.pipe(normalizeRunning(0))).toBe('a-b|', { a: f32(0), b: f32(z(3, 2, 1)) });
    });
  });

  it('should unsubscribe from the source when the consumer unsubscribes, dropping held frames', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('a-b-c-d|', { a: f32(1), b: f32(2), c: f32(3), d: f32(4) });
      expectObservable(src.pipe(normalizeRunning(10)), '^--!').toBe('---');
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('should carry shared statistics over to the next stream, so it needs no warm-up', async () => {
    const stats = new RunningStats(1);
    await lastValueFrom(from([f32(1), f32(3)]).pipe(normalizeRunning(2, stats), toArray()));
    const second = await lastValueFrom(from([f32(5)]).pipe(normalizeRunning(2, stats), toArray()));
    assert.deepEqual(second, [f32(z(5, 3, 8 / 3))]);
    assert.equal(stats.count, 3);
  });

  it('should refuse a negative warm-up', () => {
    assert.throws(() => normalizeRunning(-1), /warmupFrames must be an integer ≥ 0, got -1/);
  });
});
