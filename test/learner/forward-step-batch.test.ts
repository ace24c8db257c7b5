import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { initParams } from '../../src/learner/init-params.ts';
import { createStepCache, stateAfter, type StepCache } from '../../src/learner/step-cache.ts';
import { forwardStep } from '../../src/learner/forward-step.ts';
import { forwardStepBatch } from '../../src/learner/forward-step-batch.ts';
import { zeroState, type LstmState } from '../../src/learner/lstm-state.ts';
import { mulberry32 } from '../../src/learner/math-mulberry32.ts';
import { wasmArena } from '../../src/learner/kernels/wasm-arena.ts';

describe('forwardStepBatch', () => {
  it('runs on the wasm kernels here (so the batched kernel is what is compared)', () => {
    assert.ok(wasmArena() !== null);
  });
  // The live model's sizes, and small odd ones (hidden not a multiple of 4, two layers) for every kernel tail.
  const shapes: LstmShape[] = [
    { inputSize: 26, hiddenSize: 128, layers: 1, outputSize: 39 },
    { inputSize: 5, hiddenSize: 10, layers: 2, outputSize: 7 },
  ];
  for (const shape of shapes) {
    for (const n of [1, 3, 8]) {
      it(`${n} streams of hidden ${shape.hiddenSize}, ${shape.layers} layer(s), 12 steps: bit-for-bit the per-stream forwardStep`, () => {
        const params = initParams(shape, 11);
        const rand = mulberry32(5 + n);
        const alone = Array.from({ length: n }, () => createStepCache(shape));
        const batched = Array.from({ length: n }, () => createStepCache(shape));
        let prevAlone: LstmState[] = Array.from({ length: n }, () => zeroState(shape));
        let prevBatched: LstmState[] = Array.from({ length: n }, () => zeroState(shape));
        for (let t = 0; t < 12; t++) {
          const xs = Array.from({ length: n }, () => Float32Array.from({ length: shape.inputSize }, () => 4 * rand() - 2));
          for (let i = 0; i < n; i++) forwardStep(params, shape, xs[i], prevAlone[i], alone[i]);
          // Each stream's state feeds back from its own cache (prev aliases the outputs), as a live stream's does.
          forwardStepBatch(params, shape, xs, prevBatched, batched);
          for (let i = 0; i < n; i++) assert.deepEqual(batched[i].buf, alone[i].buf, `step ${t}, stream ${i}: every activation`);
          prevAlone = alone.map(stateAfter);
          prevBatched = batched.map(stateAfter);
        }
        // Not a trivial agreement: the streams' states differ from each other.
        if (n > 1) assert.notDeepEqual(batched[0].buf, batched[1].buf);
      });
    }
  }

  it('refuses mismatched lists and a wrong frame length', () => {
    const shape = shapes[1];
    const params = initParams(shape, 1);
    const caches: StepCache[] = [createStepCache(shape), createStepCache(shape)];
    const x = new Float32Array(shape.inputSize);
    assert.throws(() => forwardStepBatch(params, shape, [x], [zeroState(shape), zeroState(shape)], caches), /one frame and one state per cache/);
    assert.throws(() => forwardStepBatch(params, shape, [x, new Float32Array(3)], [zeroState(shape), zeroState(shape)], caches), /stream 1: expected 5 features, got 3/);
  });
});
