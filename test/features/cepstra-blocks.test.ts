import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { cepstraBlocks } from '../../src/features/cepstra-blocks.ts';
import { createMfccExtractor } from '../../src/features/create-mfcc-extractor.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';

const signal = (n: number) => Float32Array.from({ length: n }, (_, i) => 0.2 * Math.sin(i * 0.03) + 0.05 * Math.sin(i * 1.1));

describe('cepstraBlocks operator', () => {
  it("should give each block's frames (several kernel batches, an odd count) as computed one frame at a time", async () => {
    const count = 301; // more than two batches of 128
    const samples = signal((count - 1) * 160 + 400);
    const [b] = await lastValueFrom(from([{ samples, count }]).pipe(cepstraBlocks(DEFAULT_FEATURE_CONFIG), toArray()));
    assert.equal(b.count, count);
    assert.equal(b.dims, 13);
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    for (let j = 0; j < count; j++) assert.deepEqual(b.values.slice(j * 13, (j + 1) * 13), mfcc(samples.subarray(j * 160, j * 160 + 400))[0], `frame ${j}`);
  });

  it('should error on a block too short for its frame count', async () => {
    await assert.rejects(lastValueFrom(from([{ samples: new Float32Array(500), count: 2 }]).pipe(cepstraBlocks(DEFAULT_FEATURE_CONFIG))), /cepstraBlocks: 2 frames need 560 samples, got 500/);
  });
});
