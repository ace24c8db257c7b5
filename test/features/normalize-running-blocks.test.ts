import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { normalizeRunningBlocks } from '../../src/features/normalize-running-blocks.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { fromBlocks, toBlocks } from './block-helpers.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const block = (dims: number, ...xs: number[]) => ({ values: Float32Array.from(xs), count: xs.length / dims, dims });
const z = (x: number, mean: number, variance: number) => (x - mean) / Math.sqrt(variance + 1e-8);

describe('normalizeRunningBlocks operator', () => {
  it('should release the warm-up inside the block that completes it, then normalise each vector after adding it', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // Warm-up 2: frame 1 completes it in the first block; frame 2 is normalised with 3 frames' statistics.
      const src = cold('a-b|', { a: block(1, 1, 3, 5), b: block(1, 7) });
      expectObservable(src.pipe(normalizeRunningBlocks(2))).toBe('a-b|', {
        a: block(1, z(1, 2, 1), z(3, 2, 1), z(5, 3, 8 / 3)),
        b: block(1, z(7, 4, 5)),
      });
    });
  });

  it('should give bit-identical vectors however they were blocked, and leave the same statistics (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 3, maxLength: 3 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 12 }),
        fc.integer({ min: 0, max: 12 }),
        async (raw, sizes, warmup) => {
          const xs = raw.map((x) => Float32Array.from(x));
          const run = async (s: number[]) => {
            const stats = new RunningStats(3);
            const out = fromBlocks(await lastValueFrom(from(toBlocks(xs, 3, s)).pipe(normalizeRunningBlocks(warmup, stats), toArray()), { defaultValue: [] }));
            return { out, stats: stats.toJSON() };
          };
          const oneByOne = await run(new Array(xs.length).fill(1));
          assert.equal(oneByOne.out.length, xs.length);
          assert.deepEqual(await run(sizes), oneByOne);
        },
      ),
      { numRuns: 150 },
    );
  });
});
