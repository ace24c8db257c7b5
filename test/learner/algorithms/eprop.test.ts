import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createEprop } from '../../../src/learner/algorithms/eprop.ts';
import { ConfigError } from '../../../src/errors.ts';
import { initParams } from '../../../src/learner/init-params.ts';
import { arenaStats } from '../../../src/learner/kernels/wasm-arena.ts';
import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import { paramOffsets } from '../../../src/learner/math-param-offsets.ts';
import { mulberry32 } from '../../../src/learner/math-mulberry32.ts';
import { selectBackend } from '../../../src/learner/select-backend.ts';
import { randomSequence, worstRelativeError } from '../unrolled-reference.ts';
import { epropReference } from './eprop-reference.ts';
import { bpttSum, runUtterance } from './forward-gradient-helpers.ts';

// Metric (worstRelativeError): per parameter tensor, max |ours − ref| / max |ref|; worst ≤ 1e-5.
const TOL = 1e-5;
const shape: LstmShape = { inputSize: 3, hiddenSize: 4, layers: 1, outputSize: 5 };

before(async () => {
  await selectBackend('cpu');
});

describe('e-prop (LSTM, traces through the cell)', () => {
  for (const T of [1, 7, 30]) {
    it(`equals a float64 reference written from the definition, ${T} frame(s)`, () => {
      const params = initParams(shape, 11 + T);
      const { xs, targets } = randomSequence(shape, T, mulberry32(T), 4);
      targets[0] = 2; // at least one labelled frame, also for T = 1
      const ep = createEprop(shape);
      const ours = runUtterance(ep, params, shape, xs, targets);
      const ref = epropReference(params, shape, xs, targets);
      const { err, name } = worstRelativeError(shape, ours, ref);
      assert.ok(err <= TOL, `${name}: relative error ${err}`);
      ep.dispose();
    });
  }

  it('equals full BPTT when weight_hh is zero (the cell is then the only path through time)', () => {
    const params = initParams(shape, 5);
    const o = paramOffsets(shape).layers[0];
    params.fill(0, o.wHh, o.wHh + 16 * shape.hiddenSize);
    // The forget gate keeps its effect: initParams sets its bias to 1 (f ≈ 0.73).
    const { xs, targets } = randomSequence(shape, 30, mulberry32(3), 4);
    const ep = createEprop(shape);
    const ours = runUtterance(ep, params, shape, xs, targets);
    const exact = bpttSum(params, shape, xs, targets);
    // Every LSTM tensor (weight_hh too: at weight_hh = 0 its gradient has no path through h either).
    const { err, name } = worstRelativeError(shape, ours, exact);
    assert.ok(err <= TOL, `${name}: relative error ${err}`);
    // And it is a real test: with weight_hh ≠ 0 e-prop is only an approximation.
    const full = initParams(shape, 5);
    const approx = worstRelativeError(shape, runUtterance(createEprop(shape), full, shape, xs, targets), bpttSum(full, shape, xs, targets));
    assert.ok(approx.err > 1e-3, `e-prop matched BPTT with recurrence too (${approx.err})`);
    ep.dispose();
  });

  it('refuses 2 layers with a ConfigError saying why', () => {
    assert.throws(() => createEprop({ ...shape, layers: 2 }), (e: unknown) => e instanceof ConfigError && /one recurrent layer/.test(e.message));
  });

  it('reset() really resets: two utterances with a reset between = each alone', () => {
    const params = initParams(shape, 2);
    const a = randomSequence(shape, 9, mulberry32(21), 4);
    const b = randomSequence(shape, 6, mulberry32(22), 4);
    const ep = createEprop(shape);
    const gA = runUtterance(ep, params, shape, a.xs, a.targets);
    ep.reset();
    const gB = runUtterance(ep, params, shape, b.xs, b.targets);
    const fresh = createEprop(shape);
    assert.deepEqual(gA, runUtterance(fresh, params, shape, a.xs, a.targets));
    const alone = createEprop(shape);
    assert.deepEqual(gB, runUtterance(alone, params, shape, b.xs, b.targets));
    for (const m of [ep, fresh, alone]) m.dispose();
  });

  it('dispose() gives its arena block back; floats counts the traces', () => {
    const big: LstmShape = { inputSize: 26, hiddenSize: 128, layers: 1, outputSize: 40 };
    const before = arenaStats();
    const ep = createEprop(big);
    assert.ok(ep.floats >= 3 * 128 * (26 + 128 + 1));
    if (before !== null) assert.ok(arenaStats()!.usedBytes >= before.usedBytes + 4 * ep.floats);
    ep.dispose();
    if (before !== null) assert.equal(arenaStats()!.usedBytes, before.usedBytes);
    assert.throws(() => ep.reset(), /after dispose/);
  });
});
