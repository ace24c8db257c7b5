import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../../src/errors.ts';
import { createRtrl, rtrlMaxHiddenSize } from '../../../src/learner/algorithms/rtrl.ts';
import { allocFloats, freeFloats } from '../../../src/learner/kernels/alloc-floats.ts';
import { useWasmKernels } from '../../../src/learner/kernels/use-wasm-kernels.ts';
import { arenaStats } from '../../../src/learner/kernels/wasm-arena.ts';
import { initParams } from '../../../src/learner/init-params.ts';
import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import { mulberry32 } from '../../../src/learner/math-mulberry32.ts';
import { paramLayout } from '../../../src/learner/param-layout.ts';
import { createStepCache } from '../../../src/learner/step-cache.ts';
import { selectBackend } from '../../../src/learner/select-backend.ts';
import { randomSequence } from '../unrolled-reference.ts';
import { bpttSummed, runUtterance, worstLstmError } from './influence-helpers.ts';

// Per LSTM tensor: max |rtrl − bptt| / max |bptt|. Both sides are float32.
const TOL = 1e-5;

before(async () => {
  await selectBackend('cpu');
});

describe('RTRL with frozen weights: the sum of its per-frame gradients is full BPTT of the summed loss', () => {
  for (const layers of [1, 2]) {
    const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers, outputSize: 5 };
    for (const T of [1, 7, 30]) {
      it(`${layers} layer(s), ${T} frame(s)`, () => {
        const params = initParams(shape, 11 + layers);
        const { xs, targets } = randomSequence(shape, T, mulberry32(40 + T + layers));
        const rtrl = createRtrl(shape);
        const ours = runUtterance(rtrl, params, shape, xs, targets);
        const ref = bpttSummed(params, shape, xs, targets);
        const { err, name } = worstLstmError(shape, ours, ref);
        assert.ok(err <= TOL, `${name} relative error ${err}`);
        // The readout's parameters are the caller's: left alone.
        const { entries } = paramLayout(shape);
        for (const e of entries.filter((x) => x.name.startsWith('out.'))) {
          assert.ok(ours.subarray(e.offset, e.offset + e.size).every((v) => v === 0), `${e.name} touched`);
        }
        rtrl.dispose();
      });
    }
  }

  it('2 layers, hidden 6, 20 frames (an upper layer wider than the input)', () => {
    const shape: LstmShape = { inputSize: 3, hiddenSize: 6, layers: 2, outputSize: 5 };
    const params = initParams(shape, 5);
    const { xs, targets } = randomSequence(shape, 20, mulberry32(9));
    const rtrl = createRtrl(shape);
    const { err, name } = worstLstmError(shape, runUtterance(rtrl, params, shape, xs, targets), bpttSummed(params, shape, xs, targets));
    assert.ok(err <= TOL, `${name} relative error ${err}`);
    rtrl.dispose();
  });
});

describe('RTRL on the TypeScript kernels and with ordinary arrays', () => {
  after(() => useWasmKernels(true));
  it('2 layers, hidden 5, 15 frames: the TypeScript kernels equal BPTT; staged parameters and gradient give the wasm bits', () => {
    const shape: LstmShape = { inputSize: 3, hiddenSize: 5, layers: 2, outputSize: 5 };
    const params = initParams(shape, 8);
    const { xs, targets } = randomSequence(shape, 15, mulberry32(4));
    const total = paramLayout(shape).total;
    const run = (p: Float32Array, grad: Float32Array): Float32Array => {
      const rtrl = createRtrl(shape);
      runUtterance(rtrl, p, shape, xs, targets, grad);
      rtrl.dispose();
      return grad;
    };
    const viaWasm = run(params, allocFloats(total));
    const staged = run(Float32Array.from(params), new Float32Array(total));
    useWasmKernels(false);
    const viaTs = run(params, new Float32Array(total));
    useWasmKernels(true);
    const { err, name } = worstLstmError(shape, viaTs, bpttSummed(params, shape, xs, targets));
    assert.ok(err <= TOL, `ts: ${name} relative error ${err}`);
    assert.deepEqual(staged, viaWasm);
    freeFloats(viaWasm);
  });
});

describe('RTRL state and memory', () => {
  const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers: 2, outputSize: 5 };
  const params = initParams(shape, 3);
  const a = randomSequence(shape, 13, mulberry32(1));
  const b = randomSequence(shape, 9, mulberry32(2));

  it('reset() really resets: utterance B after A and a reset gives what B alone gives from fresh traces', () => {
    const total = paramLayout(shape).total;
    const rtrl = createRtrl(shape);
    runUtterance(rtrl, params, shape, a.xs, a.targets);
    rtrl.reset();
    const afterReset = runUtterance(rtrl, params, shape, b.xs, b.targets, new Float32Array(total));
    const fresh = createRtrl(shape);
    const alone = runUtterance(fresh, params, shape, b.xs, b.targets, new Float32Array(total));
    assert.deepEqual(afterReset, alone);
    rtrl.dispose();
    fresh.dispose();
  });

  it('dispose() gives its arena blocks back', () => {
    const grad = allocFloats(paramLayout(shape).total);
    const cache = createStepCache(shape);
    const before = arenaStats()!.usedBytes;
    const rtrl = createRtrl(shape);
    assert.ok(arenaStats()!.usedBytes >= before + 4 * rtrl.floats, 'traces are in the arena');
    runUtterance(rtrl, params, shape, a.xs, a.targets, grad, cache);
    rtrl.dispose();
    assert.equal(arenaStats()!.usedBytes, before);
    freeFloats(grad);
  });

  for (const layers of [1, 2]) {
    it(`refuses a hidden size above the real-time limit (${layers} layer(s)) with a ConfigError naming it`, () => {
      const limit = rtrlMaxHiddenSize(layers);
      const big: LstmShape = { inputSize: 26, hiddenSize: limit + 1, layers, outputSize: 61 };
      const before = arenaStats()!.usedBytes;
      assert.throws(() => createRtrl(big), (err: unknown) =>
        err instanceof ConfigError && err.message.includes(`hiddenSize ${limit + 1}`) && err.message.includes(`above ${limit}`) && /10 ms/.test(err.message));
      assert.equal(arenaStats()!.usedBytes, before, 'nothing allocated');
      createRtrl({ ...big, hiddenSize: limit }).dispose();
    });
  }
});
