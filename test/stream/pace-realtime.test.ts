import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { paceRealtime } from '../../src/stream/pace-realtime.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));

describe('paceRealtime operator', () => {
  it('should spread a burst at the given rate (100 items/s → one per 10 ms)', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('(abc|)');
      expectObservable(src.pipe(paceRealtime(100, ts))).toBe('a 9ms b 9ms (c|)');
      expectSubscriptions(src.subscriptions).toBe('(^!)');
    });
  });

  it('should not delay items that already arrive at or after their slot', () => {
    const ts = newScheduler();
    ts.run(({ cold, expectObservable }) => {
      const src = cold('a 19ms b 19ms c|');
      expectObservable(src.pipe(paceRealtime(100, ts))).toBe('a 19ms b 19ms c|');
    });
  });

  it('should unsubscribe from the source when the consumer unsubscribes', () => {
    const ts = newScheduler();
    ts.run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('a---b---c---|');
      expectObservable(src.pipe(paceRealtime(100, ts)), '^--!').toBe('a---');
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('should refuse a non-positive rate', () => {
    assert.throws(() => paceRealtime(0), /perSecond must be a positive number, got 0/);
  });
});
