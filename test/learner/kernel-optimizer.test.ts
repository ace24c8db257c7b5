import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { LearnerConfig } from '../../src/learner/learner-config.ts';
import { KernelOptimizer } from '../../src/learner/kernel-optimizer.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { useWasmKernels } from '../../src/learner/kernels/use-wasm-kernels.ts';
import { arenaStats, wasmArena } from '../../src/learner/kernels/wasm-arena.ts';
import { blockBytes } from '../../src/learner/stream-memory.ts';
import { phoneNames } from './engine-helpers.ts';
import { maxRelativeError, randomGradients, tfjsReference } from './optimizer-reference.ts';

before(async () => {
  await selectBackend();
});
after(() => {
  useWasmKernels(true);
});

const phones = phoneNames(5);
// 323 parameters: not a multiple of 4, so the kernels' scalar tails run too.
const shape = { inputSize: 4, phones, hiddenSize: 6 };
const STEPS = 3000;
const CHECK_EVERY = 50;

const configs: [string, LearnerConfig][] = [
  ['adam, clip 1', { ...shape, optimizer: 'adam', lr: 1e-3, clip: 1 }],
  ['adam, no clip', { ...shape, optimizer: 'adam', lr: 1e-3, clip: null }],
  ['momentum 0.9, clip 1', { ...shape, optimizer: 'sgd', lr: 0.01, momentum: 0.9, clip: 1 }],
  ['momentum 0.9, no clip', { ...shape, optimizer: 'sgd', lr: 0.01, momentum: 0.9, clip: null }],
];

describe('the kernel optimiser step equals tfjs 4.22 (tf.train.adam / tf.train.momentum on a tf.variable)', () => {
  const finals = new Map<string, { params: Float32Array; slots: Float32Array[] }>();
  for (const [what, config] of configs) {
    for (const kernels of ['wasm', 'ts'] as const) {
      it(`${what}, ${kernels} kernels: ${STEPS} steps, weights within 1e-6 relative every ${CHECK_EVERY} steps`, async (t) => {
        useWasmKernels(kernels === 'wasm');
        const learner = new OnlineLearner(config);
        const ref = tfjsReference(learner.params, learner.config);
        try {
          const grads = randomGradients(learner.layout.total, STEPS, 17);
          let clipped = 0;
          let worst = 0;
          for (let s = 0; s < STEPS; s++) {
            const r = learner.applyGradient(grads[s]);
            ref.apply(grads[s]);
            assert.equal(r.skipped, false);
            if (r.clipped) clipped++;
            if ((s + 1) % CHECK_EVERY === 0) {
              const e = maxRelativeError(learner.params, ref.variable.dataSync() as Float32Array);
              worst = Math.max(worst, e);
              assert.ok(e <= 1e-6, `step ${s + 1}: weights differ from tfjs by ${e} relative`);
            }
          }
          if (config.clip === null) assert.equal(clipped, 0);
          else assert.ok(clipped > STEPS / 5 && clipped < STEPS, `${clipped} of ${STEPS} gradients clipped`);
          assert.equal(learner.optimizer.iterations, ref.optimizer.iterations);
          // The optimiser's state too, slot by slot, against tfjs's own (same names, same order).
          const mine = learner.optimizer.getWeights();
          const theirs = await ref.optimizer.getWeights();
          const rename = (name: string, v: string) => name.replace(v, 'V');
          assert.deepEqual(mine.map((w) => rename(w.name, learner.optimizer.variableName)), theirs.map((w) => rename(w.name, ref.variable.name)));
          assert.equal(mine[0].tensor.dataSync()[0], theirs[0].tensor.dataSync()[0], 'iter');
          for (let i = 1; i < mine.length; i++) {
            const e = maxRelativeError(mine[i].tensor.dataSync() as Float32Array, theirs[i].tensor.dataSync() as Float32Array);
            assert.ok(e <= 1e-6, `slot ${theirs[i].name} differs by ${e} relative`);
          }
          finals.set(`${what}/${kernels}`, { params: learner.params.slice(), slots: mine.slice(1).map((w) => w.tensor.dataSync() as Float32Array) });
          t.diagnostic(`max relative error over the run ${worst.toExponential(2)}, ${clipped} of ${STEPS} clipped`);
          tf.dispose([theirs[0].tensor, ...mine.map((w) => w.tensor)]);
        } finally {
          ref.dispose();
          learner.dispose();
          useWasmKernels(true);
        }
      });
    }
    it(`${what}: the wasm and TypeScript steps agree bit for bit`, (t) => {
      const wasm = finals.get(`${what}/wasm`);
      const ts = finals.get(`${what}/ts`);
      if (wasmArena() === null) return t.skip('no WebAssembly SIMD here');
      assert.ok(wasm !== undefined && ts !== undefined, 'both runs above finished');
      assert.deepEqual(wasm.params, ts.params);
      assert.deepEqual(wasm.slots, ts.slots);
    });
  }
});

describe('KernelOptimizer', () => {
  it('keeps its state in arena blocks that the learner reserves with its parameters, and gives them back', (t) => {
    if (wasmArena() === null) return t.skip('no WebAssembly SIMD here');
    for (const optimizer of ['adam', 'sgd'] as const) {
      const before = arenaStats()!;
      const learner = new OnlineLearner({ ...shape, optimizer });
      const n = learner.layout.total;
      const state = KernelOptimizer.bytesFor(optimizer, n);
      // Adam: m, v, the weights before the step and the two powers; momentum: the accumulator and those weights.
      assert.equal(state, (optimizer === 'adam' ? 3 : 2) * blockBytes(n) + 16);
      const during = arenaStats()!;
      assert.equal(during.reservedBytes - before.reservedBytes, blockBytes(n) + state, `${optimizer}: reserved`);
      assert.equal(during.usedBytes - before.usedBytes, blockBytes(n) + state, `${optimizer}: allocated`);
      learner.dispose();
      const after = arenaStats()!;
      assert.equal(after.reservedBytes, before.reservedBytes);
      assert.equal(after.usedBytes - before.usedBytes, blockBytes(n), `${optimizer}: only the parameters stay (until garbage)`);
    }
  });

  it('a step that makes a weight non-finite returns false and puts back the weights, in the SIMD body and in the tail', () => {
    for (const kernels of ['wasm', 'ts'] as const) {
      useWasmKernels(kernels === 'wasm');
      for (const at of [5, 321]) {
        const learner = new OnlineLearner({ ...shape, optimizer: 'sgd', lr: 1, momentum: 0, clip: null });
        const params = learner.params;
        const big = params.slice();
        big[at] = 3e38;
        learner.setParams(big);
        const grad = new Float32Array(params.length);
        grad[at] = -3e38; // p − lr·g = 6e38: +Infinity in float32; every other weight stays finite
        grad[0] = 0.5;
        const r = learner.applyGradient(grad);
        assert.equal(r.skipped, true, `${kernels}, element ${at}`);
        assert.deepEqual(learner.params, big, `${kernels}, element ${at}: every weight is the one before the step`);
        assert.equal(learner.optimizer.iterations, 1, 'the optimiser ran (and keeps its step, as tfjs does)');
        // A finite step afterwards goes through.
        grad[at] = 0;
        assert.equal(learner.applyGradient(grad).skipped, false);
        learner.dispose();
      }
    }
    useWasmKernels(true);
  });

  it('has no slots before its first step, like tfjs (only iter), and restores tfjs-format weights', () => {
    const learner = new OnlineLearner({ ...shape, optimizer: 'adam' });
    const opt = learner.optimizer;
    const w0 = opt.getWeights();
    assert.deepEqual(w0.map((w) => w.name), ['iter']);
    assert.equal(w0[0].tensor.dtype, 'int32');
    tf.dispose(w0.map((w) => w.tensor));
    const n = learner.layout.total;
    const other = new KernelOptimizer(learner.config, n, 'x');
    assert.throws(() => other.setWeights([{ name: 'iter', tensor: tf.scalar(3, 'int32') }, { name: 'x/m', tensor: tf.zeros([n]) }]), /Adam has 2 slots, got 1/);
    assert.throws(() => other.setWeights([{ name: 'iter', tensor: tf.scalar(3, 'int32') }, { name: 'x/m', tensor: tf.zeros([n]) }, { name: 'x/v', tensor: tf.zeros([3]) }]), /slot "x\/v" holds 3 floats, expected 323/);
    other.dispose();
    learner.dispose();
  });
});
