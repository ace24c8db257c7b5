import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { frameBlocks } from '../../src/features/frame-blocks.ts';
import type { FrameBlock } from '../../src/features/frame-block.ts';
import { InputError } from '../../src/errors.ts';
import { cutIntoChunks } from './cut-into-chunks.ts';

const newScheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
const f32 = (...xs: number[]) => Float32Array.from(xs);
// 4-sample windows every 2 samples, no pre-emphasis.
const tiny = { windowSize: 4, hopSize: 2, preEmphasis: 0 };

/** The frames a block stands for: frame j = samples[j·hop, j·hop + windowSize). */
const framesOf = (blocks: FrameBlock[], windowSize: number, hop: number): Float32Array[] =>
  blocks.flatMap(({ samples, count }) => Array.from({ length: count }, (_, j) => samples.slice(j * hop, j * hop + windowSize)));

describe('frameBlocks operator', () => {
  it('should emit, per chunk that completes frames, one block of exactly those frames', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d|', { a: f32(1, 2, 3), b: f32(4, 5), c: f32(6, 7, 8, 9, 10), d: f32(11) });
      // b completes frame 0 (1..4); c completes frames 1..3 (3..6, 5..8, 7..10); d none.
      expectObservable(src.pipe(frameBlocks(tiny))).toBe('--x-y--|', {
        x: { samples: f32(1, 2, 3, 4), count: 1 },
        y: { samples: f32(3, 4, 5, 6, 7, 8, 9, 10), count: 3 },
      });
    });
  });

  it('should pre-emphasise the continuous signal across chunks', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b|', { a: f32(2, 4), b: f32(8, 16) });
      expectObservable(src.pipe(frameBlocks({ ...tiny, preEmphasis: 0.5 }))).toBe('--x|', { x: { samples: f32(2, 3, 6, 12), count: 1 } });
    });
  });

  it('should give the same frames however the input was chunked (property)', async () => {
    const cfg = { windowSize: 400, hopSize: 160, preEmphasis: 0.97 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3000 }), fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 30 }), async (n, cuts) => {
        const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.11) * 0.8);
        const chunks = cutIntoChunks(x, cuts);
        const whole = await lastValueFrom(from([x]).pipe(frameBlocks(cfg), toArray()));
        const chunked = await lastValueFrom(from(chunks).pipe(frameBlocks(cfg), toArray()));
        assert.ok(whole.length <= 1, 'a single chunk gives at most one block');
        assert.deepEqual(framesOf(chunked, 400, 160), framesOf(whole, 400, 160));
        for (const b of chunked) assert.equal(b.samples.length, (b.count - 1) * 160 + 400);
      }),
      { numRuns: 60 },
    );
  });

  it('should error with an InputError naming the source on a non-finite sample', async () => {
    const blocks = from([f32(0, 0, 0), f32(0, Infinity)]).pipe(frameBlocks(tiny, 'mic s1'));
    await assert.rejects(lastValueFrom(blocks), (err: unknown) => err instanceof InputError && /mic s1: sample 4 is Infinity/.test(err.message));
  });
});
