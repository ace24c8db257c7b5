import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TestScheduler } from 'rxjs/testing';
import { createMfccExtractor } from '../../src/features/create-mfcc-extractor.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import type { FrameBlock } from '../../src/features/frame-block.ts';
import { toCepstra } from '../../src/features/to-cepstra.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const frame = (f: number) => Float32Array.from({ length: 400 }, (_, n) => 0.3 * Math.sin(n * f));
/** A block of `count` frames every 160 samples of a tone. */
const block = (f: number, count: number): FrameBlock => ({ samples: Float32Array.from({ length: (count - 1) * 160 + 400 }, (_, n) => 0.3 * Math.sin(n * f)), count });

describe('toCepstra operator', () => {
  it('should map each single-frame block to its 13 static features (c1..c12, log energy) without delay', () => {
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    const [a, b] = [frame(0.05), frame(0.2)];
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('a-b|', { a: { samples: a, count: 1 }, b: { samples: b, count: 1 } });
      expectObservable(src.pipe(toCepstra(DEFAULT_FEATURE_CONFIG))).toBe('x-y|', { x: mfcc(a)[0], y: mfcc(b)[0] });
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
    assert.equal(mfcc(a)[0].length, 13);
    assert.notDeepEqual(mfcc(a), mfcc(b));
  });

  it("should emit a block's frames in order, all when the block arrives, each as if computed alone", () => {
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    const b3 = block(0.07, 3);
    const alone = [0, 1, 2].map((j) => mfcc(b3.samples.slice(j * 160, j * 160 + 400))[0]);
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('-a------b|', { a: b3, b: block(0.2, 1) });
      expectObservable(src.pipe(toCepstra(DEFAULT_FEATURE_CONFIG))).toBe('-(xyz)--w|', { x: alone[0], y: alone[1], z: alone[2], w: mfcc(frame(0.2))[0] });
    });
  });

  it('should unsubscribe from the source when the consumer unsubscribes', () => {
    newScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('a-a-a|', { a: { samples: frame(0.1), count: 1 } });
      expectObservable(src.pipe(toCepstra(DEFAULT_FEATURE_CONFIG)), '^-!').toBe('x-', { x: createMfccExtractor(DEFAULT_FEATURE_CONFIG)(frame(0.1))[0] });
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });

  it('should error on a block too short for its frame count', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a|', { a: { samples: new Float32Array(500), count: 2 } });
      expectObservable(src.pipe(toCepstra(DEFAULT_FEATURE_CONFIG))).toBe('#', undefined, new RangeError('createMfccExtractor: 2 frames need 560 samples, got 500'));
    });
  });
});
