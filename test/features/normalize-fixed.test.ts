import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { normalizeFixed } from '../../src/features/normalize-fixed.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const f32 = (...xs: number[]) => Float32Array.from(xs);

describe('normalizeFixed operator', () => {
  it('should subtract the mean and divide by the standard deviation per dimension, without delay', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b|', { a: f32(1, 10), b: f32(3, 0) });
      const stats = { mean: [2, 5], variance: [4, 25] };
      expectObservable(src.pipe(normalizeFixed(stats))).toBe('a-b|', {
        a: f32((1 - 2) / Math.sqrt(4 + 1e-8), (10 - 5) / Math.sqrt(25 + 1e-8)),
        b: f32((3 - 2) / Math.sqrt(4 + 1e-8), (0 - 5) / Math.sqrt(25 + 1e-8)),
      });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('should error on a vector of the wrong length and unsubscribe', () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b|', { a: f32(1, 2, 3), b: f32(1, 2) });
      expectObservable(src.pipe(normalizeFixed({ mean: [0, 0], variance: [1, 1] }))).toBe(
        '#',
        undefined,
        new RangeError('normalizeFixed: vector has 3 values, statistics have 2'),
      );
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });
});
