import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { createMfccExtractor } from '../../src/features/create-mfcc-extractor.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { toCepstra } from '../../src/features/to-cepstra.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const frame = (f: number) => Float32Array.from({ length: 400 }, (_, n) => 0.3 * Math.sin(n * f));

describe('toCepstra operator', () => {
  it('should map each frame to its 13 static features (c1..c12, log energy) without delay', () => {
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    const [a, b] = [frame(0.05), frame(0.2)];
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b|', { a, b });
      expectObservable(src.pipe(toCepstra(DEFAULT_FEATURE_CONFIG))).toBe('x-y|', { x: mfcc(a), y: mfcc(b) });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    assert.equal(mfcc(a).length, 13);
    assert.notDeepEqual(mfcc(a), mfcc(b));
  });

  it('should unsubscribe from the source when the consumer unsubscribes', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('a-a-a|', { a: frame(0.1) });
      expectObservable(src.pipe(toCepstra(DEFAULT_FEATURE_CONFIG)), '^-!').toBe('x-', { x: createMfccExtractor(DEFAULT_FEATURE_CONFIG)(frame(0.1)) });
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });
});
