import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { decodeAudio } from '../../src/audio/decode-audio.ts';
import { InputError } from '../../src/errors.ts';
import { cepstraBlocks } from '../../src/features/cepstra-blocks.ts';
import { cepstraFromChunks } from '../../src/features/cepstra-from-chunks.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/features/feature-config.ts';
import { frameBlocks } from '../../src/features/frame-blocks.ts';
import type { VectorBlock } from '../../src/features/vector-block.ts';
import { cutIntoChunks } from './cut-into-chunks.ts';

const cfg = DEFAULT_FEATURE_CONFIG;
const file = decodeAudio(readFileSync('fixtures/corpus/ljspeech/wav/LJ001-0008.wav'), 'LJ001-0008.wav').samples;
// The file three times over (5.3 s, 533 frames): more than four kernel batches of 128 frames.
const speech = new Float32Array(3 * file.length);
for (let i = 0; i < 3; i++) speech.set(file, i * file.length);

/** The two-operator chain cepstraFromChunks replaces: the reference, block for block. */
const unfused = (chunks: Float32Array[], c: FeatureConfig = cfg) => lastValueFrom(from(chunks).pipe(frameBlocks(c), cepstraBlocks(c), toArray()));
const fused = (chunks: Float32Array[], c: FeatureConfig = cfg) => lastValueFrom(from(chunks).pipe(cepstraFromChunks(c), toArray()));

/** Blocks compared exactly: counts, dims and every value's bits. */
function assertSameBlocks(actual: VectorBlock[], expected: VectorBlock[]): void {
  assert.equal(actual.length, expected.length, 'blocks');
  for (let b = 0; b < expected.length; b++) {
    assert.equal(actual[b].count, expected[b].count, `block ${b} count`);
    assert.equal(actual[b].dims, expected[b].dims, `block ${b} dims`);
    assert.deepEqual(new Uint32Array(actual[b].values.buffer, actual[b].values.byteOffset, actual[b].values.length), new Uint32Array(expected[b].values.buffer, expected[b].values.byteOffset, expected[b].values.length), `block ${b} values`);
  }
}

describe('cepstraFromChunks operator', () => {
  it('should give the blocks of frameBlocks + cepstraBlocks bit for bit on real speech as one chunk (many kernel batches)', async () => {
    const expected = await unfused([speech]);
    assert.ok(expected[0].count > 3 * 128);
    assertSameBlocks(await fused([speech]), expected);
  });

  it('should give the same blocks for chunks that cut frames and kernel batches anywhere, or are empty', async () => {
    const head = speech.subarray(0, 40000);
    const cuts = [0, 1, 399, 1, 160, 0, 20959, 3, 160 * 128 + 239, 7];
    assertSameBlocks(await fused(cutIntoChunks(head, cuts)), await unfused(cutIntoChunks(head, cuts)));
  });

  it('should give the same blocks however the input was chunked (property)', async () => {
    const head = speech.subarray(0, 30000);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 25000 }), { maxLength: 12 }), async (cuts) => {
        const chunks = cutIntoChunks(head, cuts);
        assertSameBlocks(await fused(chunks), await unfused(chunks));
      }),
      { numRuns: 60 },
    );
  });

  it('should carry samples correctly for another window and hop (a short hop, several batches per chunk)', async () => {
    const other: FeatureConfig = { ...cfg, windowSize: 256, hopSize: 80, fftSize: 256 };
    const chunks = cutIntoChunks(speech.subarray(0, 30000), [100, 12000, 5, 255]);
    assertSameBlocks(await fused(chunks, other), await unfused(chunks, other));
  });

  // In a kernel batch, and in the tail past the last frame (which goes to the carry only).
  for (const at of [30001, 49999]) {
    it(`should error with the InputError frameBlocks gives on a non-finite sample (${at}), emitting nothing for that chunk`, async () => {
      const good = speech.subarray(0, 1000);
      const bad = speech.slice(0, 50000);
      bad[at] = Number.NaN;
      const blocks: VectorBlock[] = [];
      const err = await new Promise<unknown>((resolve) => from([good, bad]).pipe(cepstraFromChunks(cfg, 'mic s1')).subscribe({ next: (b) => blocks.push(b), error: resolve, complete: () => resolve(null) }));
      assert.ok(err instanceof InputError);
      assert.equal(err.message, `mic s1: sample ${1000 + at} is NaN; expected finite samples`);
      assert.equal(blocks.length, 1); // the first chunk's frames only
      const reference = await lastValueFrom(from([good, bad]).pipe(frameBlocks(cfg, 'mic s1'), toArray())).catch((e: Error) => e.message);
      assert.equal(reference, err.message);
    });
  }
});
