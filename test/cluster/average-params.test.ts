import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { averageParams, combineParams, paramsHash, sumOfUpdates } from '../../src/cluster/average-params.ts';
import { packCheckpoint, unpackCheckpoint } from '../../src/cluster/checkpoint-archive.ts';
import { mergeStats } from '../../src/cluster/merge-stats.ts';
import { modelMismatch } from '../../src/cluster/model-fits.ts';
import { chunkBytes, decodeContribution, encodeContribution, type Contribution } from '../../src/cluster/training-contribution.ts';
import { shardOf } from '../../src/cluster/training-job.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { mulberry32 } from '../../src/learner/math-mulberry32.ts';

const rand = (n: number, seed: number) => {
  const r = mulberry32(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
};

describe('the sum rule (--combine sum)', () => {
  it('should add every trainer\'s update to the round\'s base, in float64, rounded once', () => {
    const base = Float32Array.of(1, 0.5, -2);
    const a = Float32Array.of(1.25, 0.5, -2.5);
    const b = Float32Array.of(0.75, 0.625, -1);
    const out = sumOfUpdates(base, [{ slot: 1, weight: 10, params: b }, { slot: 0, weight: 30, params: a }]);
    const expected = [0, 1, 2].map((j) => Math.fround(base[j]! + (a[j]! - base[j]!) + (b[j]! - base[j]!)));
    assert.deepEqual(Array.from(out), expected);
    assert.deepEqual(Array.from(out), [1, 0.625, -1.5]);
  });

  it('should be the one trainer\'s parameters with one trainer, and leave out a finished one that sent the base', () => {
    const base = rand(64, 3);
    const a = rand(64, 4);
    assert.equal(paramsHash(sumOfUpdates(base, [{ slot: 0, weight: 5, params: a }])), paramsHash(a));
    assert.equal(paramsHash(sumOfUpdates(base, [{ slot: 0, weight: 5, params: a }, { slot: 1, weight: 0, params: base }])), paramsHash(a));
  });

  it('should be the same bits whatever order the contributions arrive in, and differ from the mean', () => {
    const base = rand(500, 5);
    const cs = [0, 1, 2].map((slot) => ({ slot, weight: 100 + slot, params: rand(500, 10 + slot) }));
    const one = combineParams('sum', base, cs);
    assert.equal(paramsHash(combineParams('sum', base, [cs[2]!, cs[0]!, cs[1]!])), paramsHash(one));
    assert.notEqual(paramsHash(combineParams('mean', base, cs)), paramsHash(one));
    assert.equal(paramsHash(combineParams('mean', base, cs)), paramsHash(averageParams(cs)));
  });

  it('should refuse parameters of another length than the base, and a repeated slot, naming the slot', () => {
    const base = rand(4, 1);
    assert.throws(() => sumOfUpdates(base, [{ slot: 2, weight: 1, params: rand(3, 2) }]), /slot 2 has 3 parameters, expected 4/);
    assert.throws(() => sumOfUpdates(base, [{ slot: 1, weight: 1, params: base }, { slot: 1, weight: 1, params: base }]), /slot 1 contributed twice/);
    assert.throws(() => sumOfUpdates(base, []), /at least one contribution/);
  });
});

describe('the averaging rule', () => {
  it('should be the frame-weighted mean, accumulated in float64 and rounded once', () => {
    const a = Float32Array.of(1, 0.1, -3);
    const b = Float32Array.of(3, 0.2, 5);
    const avg = averageParams([{ slot: 0, weight: 300, params: a }, { slot: 1, weight: 100, params: b }]);
    const expected = [0, 1, 2].map((j) => Math.fround((300 * a[j]! + 100 * b[j]!) / 400));
    assert.deepEqual(Array.from(avg), expected);
  });

  it('should give the bit-identical average whatever order the contributions arrive in', () => {
    const cs = [0, 1, 2, 3].map((slot) => ({ slot, weight: 100 + 37 * slot, params: rand(5000, slot + 1) }));
    const h = paramsHash(averageParams(cs));
    assert.equal(paramsHash(averageParams([cs[2]!, cs[0]!, cs[3]!, cs[1]!])), h);
    assert.equal(paramsHash(averageParams([...cs].reverse())), h);
    // and it is not the float32-accumulated one, which rounds at every step
    const naive = new Float32Array(5000);
    const total = cs.reduce((s, c) => s + c.weight, 0);
    for (const c of [...cs].reverse()) for (let j = 0; j < naive.length; j++) naive[j] = Math.fround(naive[j]! + Math.fround((c.weight / total) * c.params[j]!));
    assert.notEqual(paramsHash(naive), h);
  });

  it('should leave out a weight-0 (finished) trainer, and take the plain mean when every weight is 0', () => {
    const a = rand(10, 1);
    const b = rand(10, 2);
    assert.deepEqual(averageParams([{ slot: 0, weight: 7, params: a }, { slot: 1, weight: 0, params: b }]), a);
    const plain = averageParams([{ slot: 0, weight: 0, params: a }, { slot: 1, weight: 0, params: b }]);
    assert.deepEqual(Array.from(plain), Array.from(a, (x, j) => Math.fround((x + b[j]!) / 2)));
  });

  it('should refuse parameters of another length, a negative weight and a repeated slot, naming the slot', () => {
    assert.throws(() => averageParams([{ slot: 0, weight: 1, params: rand(3, 1) }, { slot: 1, weight: 1, params: rand(4, 1) }]), /slot 1 has 4 parameters, expected 3/);
    assert.throws(() => averageParams([{ slot: 2, weight: -1, params: rand(3, 1) }]), /slot 2 has weight -1/);
    assert.throws(() => averageParams([{ slot: 1, weight: 1, params: rand(3, 1) }, { slot: 1, weight: 1, params: rand(3, 2) }]), /slot 1 contributed twice/);
  });
});

describe('the pieces of distributed training', () => {
  it('should merge shard statistics into those of all the frames', () => {
    const all = new RunningStats(3);
    const shards = [new RunningStats(3), new RunningStats(3), new RunningStats(3)];
    const r = mulberry32(5);
    for (let i = 0; i < 900; i++) {
      const v = [r() * 10, r() - 5, r() * r()];
      all.add(v);
      shards[i % 7 < 4 ? 0 : i % 7 < 6 ? 1 : 2]!.add(v);
    }
    const merged = mergeStats(shards.map((s) => s.snapshot()));
    assert.equal(merged.count, 900);
    for (let d = 0; d < 3; d++) {
      assert.ok(Math.abs(merged.mean[d]! - all.mean[d]!) < 1e-12, `mean ${d}`);
      assert.ok(Math.abs(merged.variance(d) - all.variance(d)) < 1e-12, `variance ${d}`);
    }
  });

  it('should carry a contribution through bytes and chunks exactly', () => {
    const c: Contribution = {
      job: 'j1', round: 3, slot: 1, trainer: 't', frames: 99, done: false, base: 'ab', totalFrames: 500, utterances: 2, updates: 25,
      loss: 1.5, accuracy: 0.25, stats: { dims: 1, count: 2, mean: [0.1], m2: [0.3] }, params: rand(1001, 3),
    };
    const chunks = chunkBytes(encodeContribution(c), 1000);
    assert.ok(chunks.length > 3);
    const joined = new Uint8Array(chunks.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of chunks) (joined.set(p, at), (at += p.length));
    const back = decodeContribution(joined);
    assert.equal(paramsHash(back.params), paramsHash(c.params));
    assert.deepEqual({ ...back, params: null }, { ...c, params: null });
    assert.throws(() => decodeContribution(joined.subarray(0, joined.length - 2)), /expected a multiple of 4/);
  });

  it('should pack a checkpoint directory and unpack it to the same files', async () => {
    const a = await mkdtemp(join(tmpdir(), 'ps-pack-'));
    const b = await mkdtemp(join(tmpdir(), 'ps-unpack-'));
    try {
      await writeFile(join(a, 'model.json'), '{"x":1}');
      await writeFile(join(a, 'weights-1.bin'), Buffer.from([0, 1, 2, 255]));
      const bytes = await packCheckpoint(a);
      assert.deepEqual(await unpackCheckpoint(bytes, b), ['model.json', 'weights-1.bin']);
      assert.deepEqual(await readFile(join(b, 'weights-1.bin')), Buffer.from([0, 1, 2, 255]));
      assert.deepEqual(await packCheckpoint(b), bytes);
      await assert.rejects(unpackCheckpoint(bytes.subarray(0, bytes.length - 1), b), /runs? past the end/);
    } finally {
      await rm(a, { recursive: true, force: true });
      await rm(b, { recursive: true, force: true });
    }
  });

  it('should deal the training files round-robin, every file to exactly one shard', () => {
    const files = Array.from({ length: 7 }, (_, i) => i);
    assert.deepEqual([0, 1, 2].map((s) => shardOf(files, s, 3)), [[0, 3, 6], [1, 4], [2, 5]]);
  });

  it('should say why a model cannot replace the serving one', () => {
    const m = { shape: { inputSize: 26, hiddenSize: 128, layers: 1, outputSize: 3 }, phones: ['a', 'b', 'sil'], features: DEFAULT_FEATURE_CONFIG };
    assert.equal(modelMismatch(m, m), null);
    assert.match(modelMismatch(m, { ...m, shape: { ...m.shape, hiddenSize: 64 } })!, /shape.hiddenSize is 64, the serving model's is 128/);
    assert.match(modelMismatch(m, { ...m, phones: ['a', 'c', 'sil'] })!, /phones differ .*new: c; missing: b/);
    assert.match(modelMismatch(m, { ...m, phones: ['b', 'a', 'sil'] })!, /another order/);
    assert.match(modelMismatch(m, { ...m, features: { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 } })!, /features.deltaOrder/);
  });
});
