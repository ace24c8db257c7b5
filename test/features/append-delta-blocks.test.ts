import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { appendDeltaBlocks } from '../../src/features/append-delta-blocks.ts';
import { fromBlocks, toBlocks } from './block-helpers.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const block = (dims: number, ...xs: number[]) => ({ values: Float32Array.from(xs), count: xs.length / dims, dims });

describe('appendDeltaBlocks operator', () => {
  it('should emit, per block, the frames it completes (t once t + Θ has arrived), the last Θ at completion', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // Frames 0, 1, 4, 9 (see the appendDeltas marble test for the values) in blocks [0 1 4] and [9].
      const src = cold('a-b|', { a: block(1, 0, 1, 4), b: block(1, 9) });
      expectObservable(src.pipe(appendDeltaBlocks(2, 0, 1))).toBe('a-b(c|)', {
        a: block(2, 0, 0.9),
        b: block(2, 1, 2.2),
        c: block(2, 4, 2.6, 9, 2.1),
      });
    });
  });

  it('should give bit-identical vectors however they were blocked, empty blocks included (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 4, maxLength: 4 }), { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 3 }),
        async (raw, sizes, window) => {
          const xs = raw.map((x) => Float32Array.from(x));
          const run = async (s: number[]) => fromBlocks(await lastValueFrom(from(toBlocks(xs, 4, s)).pipe(appendDeltaBlocks(window, 1, 3), toArray())));
          const oneByOne = await run(new Array(xs.length).fill(1));
          assert.equal(oneByOne.length, xs.length);
          assert.deepEqual(await run(sizes), oneByOne);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('should refuse vectors shorter than `to` and a change of length', async () => {
    await assert.rejects(lastValueFrom(from([block(2, 1, 2)]).pipe(appendDeltaBlocks(2, 0, 3))), /vector 0 has 2 components, expected at least 3/);
    await assert.rejects(lastValueFrom(from([block(3, 1, 2, 3), block(2, 1, 2)]).pipe(appendDeltaBlocks(2, 0, 2))), /vector 1 has 2 components, expected 3/);
  });
});
