import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Float32Batcher } from '../../src/browser/float32-batcher.ts';

const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, k) => from + k);

describe('Float32Batcher', () => {
  it('cuts 128-sample render quanta into batches of batchSize, in order, losing nothing', () => {
    const batcher = new Float32Batcher(300);
    const batches: Float32Array[] = [];
    for (let q = 0; q < 10; q++) batches.push(...batcher.push(ramp(q * 128, 128)));
    // 1280 samples: four full batches of 300, 80 left over.
    assert.deepEqual(batches.map((b) => b.length), [300, 300, 300, 300]);
    const rest = batcher.flush();
    assert.equal(rest?.length, 80);
    const all = Float32Array.from([...batches.flatMap((b) => [...b]), ...rest!]);
    assert.deepEqual(all, ramp(0, 1280));
  });

  it('copies its input: the worklet reuses its buffers after process() returns', () => {
    const batcher = new Float32Batcher(4);
    const input = ramp(1, 4);
    const [batch] = batcher.push(input);
    input.fill(0);
    assert.deepEqual(batch, ramp(1, 4));
  });

  it('hands out a fresh array per batch (each one may be transferred)', () => {
    const batcher = new Float32Batcher(2);
    const [a, b] = batcher.push(ramp(0, 4));
    assert.notEqual(a.buffer, b.buffer);
  });

  it('returns several batches from one large push, and nothing to flush when none is partial', () => {
    const batcher = new Float32Batcher(3);
    assert.deepEqual(batcher.push(ramp(0, 9)).map((b) => [...b]), [[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    assert.equal(batcher.flush(), undefined);
    assert.deepEqual(batcher.push(new Float32Array(0)), []);
  });

  it('starts afresh after a flush', () => {
    const batcher = new Float32Batcher(3);
    batcher.push(ramp(0, 2));
    assert.deepEqual([...batcher.flush()!], [0, 1]);
    assert.deepEqual(batcher.push(ramp(10, 3)).map((b) => [...b]), [[10, 11, 12]]);
  });

  it('refuses a batch size that is not a positive integer, naming it', () => {
    assert.throws(() => new Float32Batcher(0), /batchSize must be a positive integer, got 0/);
    assert.throws(() => new Float32Batcher(2.5), /got 2.5/);
  });
});
