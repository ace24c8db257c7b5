import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSnap1 } from '../../../src/learner/algorithms/snap1.ts';
import { allocFloats, freeFloats } from '../../../src/learner/kernels/alloc-floats.ts';
import { useWasmKernels } from '../../../src/learner/kernels/use-wasm-kernels.ts';
import { arenaStats, wasmArena } from '../../../src/learner/kernels/wasm-arena.ts';
import { initParams } from '../../../src/learner/init-params.ts';
import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import { mulberry32 } from '../../../src/learner/math-mulberry32.ts';
import { paramLayout } from '../../../src/learner/param-layout.ts';
import { createStepCache } from '../../../src/learner/step-cache.ts';
import { selectBackend } from '../../../src/learner/select-backend.ts';
import { randomSequence } from '../unrolled-reference.ts';
import { bpttSummed, diagonalRecurrence, runUtterance, snap1Reference, worstLstmError } from './influence-helpers.ts';

// Per LSTM tensor: max |snap1 − reference| / max |reference|.
const TOL = 1e-5;

before(async () => {
  await selectBackend('cpu');
});

describe('SnAp-1 is exact when weight_hh is diagonal (1 layer): equals full BPTT of the summed loss', () => {
  const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers: 1, outputSize: 5 };
  for (const T of [1, 7, 30]) {
    it(`${T} frame(s)`, () => {
      const params = diagonalRecurrence(initParams(shape, 21), shape);
      const { xs, targets } = randomSequence(shape, T, mulberry32(60 + T));
      const snap = createSnap1(shape);
      const ours = runUtterance(snap, params, shape, xs, targets);
      const { err, name } = worstLstmError(shape, ours, bpttSummed(params, shape, xs, targets));
      assert.ok(err <= TOL, `${name} relative error ${err}`);
      // The readout's parameters are the caller's: left alone.
      for (const e of paramLayout(shape).entries.filter((x) => x.name.startsWith('out.'))) {
        assert.ok(ours.subarray(e.offset, e.offset + e.size).every((v) => v === 0), `${e.name} touched`);
      }
      snap.dispose();
    });
  }
});

describe('SnAp-1 equals a float64 reference written from its definition (dense traces, masked every step)', () => {
  it('the reference itself, unmasked with 1 layer, is exact RTRL: equals full BPTT', () => {
    const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers: 1, outputSize: 5 };
    const params = initParams(shape, 4);
    const { xs, targets } = randomSequence(shape, 20, mulberry32(5));
    const { err, name } = worstLstmError(shape, Float32Array.from(snap1Reference(params, shape, xs, targets, false)), bpttSummed(params, shape, xs, targets));
    assert.ok(err <= TOL, `${name} relative error ${err}`);
  });

  for (const layers of [1, 2]) {
    for (const [H, T] of [[4, 1], [4, 7], [4, 30], [7, 25]]) {
      const shape: LstmShape = { inputSize: 3, hiddenSize: H, layers, outputSize: 5 };
      it(`${layers} layer(s), hidden ${H}, ${T} frame(s), general weight_hh`, () => {
        const params = initParams(shape, 31 + layers + H);
        const { xs, targets } = randomSequence(shape, T, mulberry32(80 + T + layers));
        const snap = createSnap1(shape);
        const { err, name } = worstLstmError(shape, runUtterance(snap, params, shape, xs, targets), snap1Reference(params, shape, xs, targets));
        assert.ok(err <= TOL, `${name} relative error ${err}`);
        snap.dispose();
      });
    }
  }

  it('and it is an approximation: on a general net it differs from BPTT (the test can fail)', () => {
    const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers: 1, outputSize: 5 };
    const params = initParams(shape, 2);
    const { xs, targets } = randomSequence(shape, 30, mulberry32(3));
    const snap = createSnap1(shape);
    const { err } = worstLstmError(shape, runUtterance(snap, params, shape, xs, targets), bpttSummed(params, shape, xs, targets));
    assert.ok(err > 1e-3, `relative error ${err}`);
    snap.dispose();
  });
});

describe('SnAp-1 on the wasm SIMD and the TypeScript kernels', () => {
  after(() => useWasmKernels(true));
  for (const layers of [1, 2]) {
    for (const [I, H] of [[3, 6], [13, 8]]) {
      const shape: LstmShape = { inputSize: I, hiddenSize: H, layers, outputSize: 5 };
      it(`${layers} layer(s), ${I} inputs, hidden ${H}: both equal the reference; parameters and gradient outside the arena give the same bits`, () => {
        const params = initParams(shape, 50 + H + layers);
        assert.equal(params.buffer, wasmArena()!.buffer);
        const { xs, targets } = randomSequence(shape, 17, mulberry32(7 + H));
        const ref = snap1Reference(params, shape, xs, targets);
        const total = paramLayout(shape).total;
        const run = (p: Float32Array, grad: Float32Array): Float32Array => {
          const snap = createSnap1(shape);
          runUtterance(snap, p, shape, xs, targets, grad);
          snap.dispose();
          return grad;
        };
        useWasmKernels(true);
        const viaWasm = run(params, allocFloats(total));
        // Ordinary arrays take the staging copies, still on the wasm kernels.
        const staged = run(Float32Array.from(params), new Float32Array(total));
        useWasmKernels(false);
        const viaTs = run(params, new Float32Array(total));
        useWasmKernels(true);
        for (const [what, g] of [['wasm', viaWasm], ['ts', viaTs]] as const) {
          const { err, name } = worstLstmError(shape, g, ref);
          assert.ok(err <= TOL, `${what}: ${name} relative error ${err}`);
        }
        assert.deepEqual(staged, viaWasm);
        freeFloats(viaWasm);
      });
    }
  }
});

describe('SnAp-1 state and memory', () => {
  const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers: 2, outputSize: 5 };
  const params = initParams(shape, 3);
  const a = randomSequence(shape, 13, mulberry32(1));
  const b = randomSequence(shape, 9, mulberry32(2));

  it('reset() really resets: utterance B after A and a reset gives what B alone gives from fresh traces', () => {
    const total = paramLayout(shape).total;
    const snap = createSnap1(shape);
    runUtterance(snap, params, shape, a.xs, a.targets);
    snap.reset();
    const afterReset = runUtterance(snap, params, shape, b.xs, b.targets, new Float32Array(total));
    const fresh = createSnap1(shape);
    const alone = runUtterance(fresh, params, shape, b.xs, b.targets, new Float32Array(total));
    assert.deepEqual(afterReset, alone);
    snap.dispose();
    fresh.dispose();
  });

  it('dispose() gives its arena blocks back', () => {
    const grad = allocFloats(paramLayout(shape).total);
    const cache = createStepCache(shape);
    const before = arenaStats()!.usedBytes;
    const snap = createSnap1(shape);
    assert.ok(arenaStats()!.usedBytes >= before + 4 * snap.floats, 'traces are in the arena');
    runUtterance(snap, params, shape, a.xs, a.targets, grad, cache);
    snap.dispose();
    assert.equal(arenaStats()!.usedBytes, before);
    freeFloats(grad);
  });

  it('holds two traces per LSTM parameter (O(parameters) memory)', () => {
    const snap = createSnap1(shape);
    const { entries } = paramLayout(shape);
    const lstm = entries.filter((e) => !e.name.startsWith('out.')).reduce((n, e) => n + e.size, 0);
    assert.ok(snap.floats >= 2 * lstm && snap.floats <= 2 * lstm + 8 * shape.hiddenSize, `${snap.floats} floats for ${lstm} parameters`);
    snap.dispose();
  });
});
