import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createUoro } from '../../../src/learner/algorithms/uoro.ts';
import { stepParamVjp } from '../../../src/learner/algorithms/step-param-vjp.ts';
import { stepTangent } from '../../../src/learner/algorithms/step-tangent.ts';
import { forwardStep } from '../../../src/learner/forward-step.ts';
import { initParams } from '../../../src/learner/init-params.ts';
import { allocFloats } from '../../../src/learner/kernels/alloc-floats.ts';
import { kernelsFor } from '../../../src/learner/kernels/kernels-for.ts';
import { arenaStats, wasmArena } from '../../../src/learner/kernels/wasm-arena.ts';
import { tsKernels } from '../../../src/learner/kernels/ts-kernels.ts';
import { useWasmKernels } from '../../../src/learner/kernels/use-wasm-kernels.ts';
import type { LstmShape } from '../../../src/learner/lstm-shape.ts';
import type { LstmState } from '../../../src/learner/lstm-state.ts';
import { paramOffsets } from '../../../src/learner/math-param-offsets.ts';
import { mulberry32 } from '../../../src/learner/math-mulberry32.ts';
import { selectBackend } from '../../../src/learner/select-backend.ts';
import { createStepCache, type StepCache } from '../../../src/learner/step-cache.ts';
import { randomSequence, worstRelativeError } from '../unrolled-reference.ts';
import { uoroReference } from './uoro-reference.ts';
import { bpttSum, relativeL2, runUtterance } from './forward-gradient-helpers.ts';

before(async () => {
  await selectBackend('cpu');
});

/** A state vector (per layer h then c) as an LstmState. */
function asState(shape: LstmShape, s: ArrayLike<number>): LstmState {
  const H = shape.hiddenSize;
  const layers = Array.from({ length: shape.layers }, (_, l) => l);
  return {
    h: layers.map((l) => Float32Array.from({ length: H }, (_, j) => s[2 * H * l + j])),
    c: layers.map((l) => Float32Array.from({ length: H }, (_, j) => s[2 * H * l + H + j])),
  };
}

/** The state after a cached step as one vector (per layer h then c). */
function stateVector(shape: LstmShape, cache: StepCache): Float64Array {
  const H = shape.hiddenSize;
  const v = new Float64Array(2 * H * shape.layers);
  for (let l = 0; l < shape.layers; l++) {
    for (let j = 0; j < H; j++) {
      v[2 * H * l + j] = cache.h[l][j];
      v[2 * H * l + H + j] = cache.c[l][j];
    }
  }
  return v;
}

/** n uniform(−½, ½) floats in the kernel arena (so the wasm kernels run on them). */
function arenaRandom(n: number, r: () => number): Float32Array {
  const a = allocFloats(n);
  for (let k = 0; k < n; k++) a[k] = r() - 0.5;
  return a;
}

/** The wasm kernels must be the ones tested whenever they exist. */
function assertWasmWhenAvailable(K: unknown): void {
  if (wasmArena() !== null && useWasmKernels()) assert.notEqual(K, tsKernels, 'an operand fell outside the kernel arena');
}

describe('the one-step derivatives UORO is built from (central differences of forwardStep)', () => {
  // Float32 forward steps, step 1e-2: the difference quotient is good to ~1e-5 here; 1e-3 of the
  // largest entry leaves room for that and nothing for a wrong term.
  const TOL = 1e-3;
  const e = 1e-2;
  for (const layers of [1, 2]) {
    const shape: LstmShape = { inputSize: 2, hiddenSize: 3, layers, outputSize: 3 };
    const S = 2 * 3 * layers;
    const params = initParams(shape, 4);
    const r = mulberry32(3 + layers);
    const x = Float32Array.from({ length: 2 }, () => 2 * r() - 1);
    const s0 = Float64Array.from({ length: S }, () => r() - 0.5);
    const cache = createStepCache(shape);
    forwardStep(params, shape, x, asState(shape, s0), cache);
    const plus = createStepCache(shape);
    const minus = createStepCache(shape);

    it(`${layers} layer(s): stepTangent = ∂s_t/∂s_{t−1} · ṡ`, () => {
      const sd = arenaRandom(S, r);
      const jS = allocFloats(S);
      const zDot = allocFloats(12);
      const K = kernelsFor(params, cache.buf, [{ buf: jS }, { buf: zDot }], [{ buf: sd }]);
      assertWasmWhenAvailable(K);
      stepTangent(K, params, shape, cache, sd, jS, zDot);
      forwardStep(params, shape, x, asState(shape, s0.map((v, k) => v + e * sd[k])), plus);
      forwardStep(params, shape, x, asState(shape, s0.map((v, k) => v - e * sd[k])), minus);
      const a = stateVector(shape, plus);
      const b = stateVector(shape, minus);
      const scale = Math.max(...Array.from(jS, Math.abs));
      for (let k = 0; k < S; k++) assert.ok(Math.abs(jS[k] - (a[k] - b[k]) / (2 * e)) <= TOL * scale, `entry ${k}`);
    });

    it(`${layers} layer(s): stepParamVjp = νᵀ ∂F/∂θ (checked along random directions)`, () => {
      const nu = arenaRandom(S, r);
      const P = paramOffsets(shape).outW;
      const dTheta = allocFloats(params.length);
      const dz = allocFloats(12 * layers);
      const carry = allocFloats(3);
      const K = kernelsFor(params, dTheta, [cache, { buf: nu }, { buf: dz }], [{ buf: carry }]);
      assertWasmWhenAvailable(K);
      stepParamVjp(K, params, shape, cache, nu, dTheta, dz, carry);
      for (let trial = 0; trial < 5; trial++) {
        const d = Float32Array.from({ length: params.length }, () => r() - 0.5);
        forwardStep(params.map((v, k) => v + e * d[k]), shape, x, asState(shape, s0), plus);
        forwardStep(params.map((v, k) => v - e * d[k]), shape, x, asState(shape, s0), minus);
        const a = stateVector(shape, plus);
        const b = stateVector(shape, minus);
        let fd = 0;
        for (let k = 0; k < S; k++) fd += nu[k] * (a[k] - b[k]) / (2 * e);
        let ours = 0;
        for (let k = 0; k < P; k++) ours += dTheta[k] * d[k];
        assert.ok(Math.abs(ours - fd) <= TOL * Math.abs(fd), `direction ${trial}: ${ours} vs ${fd}`);
      }
    });
  }
});

describe('UORO', () => {
  // Tiny nets, frozen weights, 6 frames all labelled. Exact gradient: the project's BPTT over the
  // whole utterance. Noise draws: seeds 1, 2, …, split into GROUPS disjoint groups of N draws each.
  const GROUPS = 32;
  for (const layers of [1, 2]) {
    const shape: LstmShape = { inputSize: 2, hiddenSize: 3, layers, outputSize: 3 };
    it(`${layers} layer(s): unbiased: the mean over draws approaches BPTT's gradient, error ∝ 1/√draws`, () => {
      const params = initParams(shape, 4);
      const { xs, targets } = randomSequence(shape, 6, mulberry32(9), 100);
      const exact = bpttSum(params, shape, xs, targets);
      let seed = 1;
      const drawMean = (n: number): Float64Array => {
        const mean = new Float64Array(exact.length);
        for (let d = 0; d < n; d++) {
          const u = createUoro(shape, seed++);
          const g = runUtterance(u, params, shape, xs, targets);
          u.dispose();
          for (let i = 0; i < g.length; i++) mean[i] += g[i] / n;
        }
        return mean;
      };
      // RMS over the groups of ‖mean of N draws − exact‖ / ‖exact‖, at N and 4N.
      const rmsError = (n: number, pooled: Float64Array): number => {
        let se = 0;
        for (let g = 0; g < GROUPS; g++) {
          const m = drawMean(n);
          for (let i = 0; i < m.length; i++) pooled[i] += m[i] / GROUPS;
          se += relativeL2(shape, m, exact) ** 2;
        }
        return Math.sqrt(se / GROUPS);
      };
      const pooled = new Float64Array(exact.length);
      const at64 = rmsError(64, new Float64Array(exact.length));
      const at256 = rmsError(256, pooled);
      // Unbiased means a pure-noise error: mean square ∝ 1/draws, so 4× the draws halves the RMS.
      // The RMS over 32 groups is itself noisy (UORO's estimates are heavy-tailed): ratio 2 ± 25%.
      const ratio = at64 / at256;
      assert.ok(ratio >= 1.5 && ratio <= 2.5, `error at 64 draws ${at64}, at 256 ${at256}: ratio ${ratio}, expected ≈ 2`);
      // And the mean of all 8192 draws at 4N is within 10% of the exact gradient (a bias would not shrink).
      const all = relativeL2(shape, pooled, exact);
      assert.ok(all <= 0.1, `mean of ${GROUPS * 256} draws: relative error ${all}`);
    });
  }

  const shape: LstmShape = { inputSize: 2, hiddenSize: 3, layers: 2, outputSize: 3 };
  const params = initParams(shape, 6);

  it('is reproducible: the same seed gives the same gradient, another seed another', () => {
    const { xs, targets } = randomSequence(shape, 8, mulberry32(1), 4);
    const a = runUtterance(createUoro(shape, 5), params, shape, xs, targets);
    assert.deepEqual(runUtterance(createUoro(shape, 5), params, shape, xs, targets), a);
    assert.notDeepEqual(runUtterance(createUoro(shape, 6), params, shape, xs, targets), a);
  });

  it('reset() really resets: after it, what came before does not matter (only the signs drawn)', () => {
    // Two runs with the same seed whose first utterances differ (same length, so the same signs
    // are used up) give the same gradient on the second utterance.
    const a = randomSequence(shape, 7, mulberry32(31), 4);
    const a2 = randomSequence(shape, 7, mulberry32(32), 4);
    const b = randomSequence(shape, 5, mulberry32(33), 4);
    const u = createUoro(shape, 9);
    const v = createUoro(shape, 9);
    const gA = runUtterance(u, params, shape, a.xs, a.targets);
    const gA2 = runUtterance(v, params, shape, a2.xs, a2.targets);
    assert.notDeepEqual(gA, gA2);
    u.reset();
    v.reset();
    assert.deepEqual(runUtterance(u, params, shape, b.xs, b.targets), runUtterance(v, params, shape, b.xs, b.targets));
    // Without the reset the first utterance leaks into the second.
    const w = createUoro(shape, 9);
    runUtterance(w, params, shape, a.xs, a.targets);
    const x = createUoro(shape, 9);
    runUtterance(x, params, shape, a2.xs, a2.targets);
    assert.notDeepEqual(runUtterance(w, params, shape, b.xs, b.targets), runUtterance(x, params, shape, b.xs, b.targets));
  });

  it('dispose() gives its arena block back; floats counts it', () => {
    const big: LstmShape = { inputSize: 26, hiddenSize: 128, layers: 2, outputSize: 40 };
    const before = arenaStats();
    const u = createUoro(big, 1);
    const P = paramOffsets(big).outW;
    assert.ok(u.floats >= P + 3 * 2 * 128 * 2);
    if (before !== null) assert.ok(arenaStats()!.usedBytes >= before.usedBytes + 4 * u.floats);
    u.dispose();
    if (before !== null) assert.equal(arenaStats()!.usedBytes, before.usedBytes);
    assert.throws(() => u.reset(), /after dispose/);
  });
});

describe('UORO equals Algorithm 1 written plainly (explicit θ̃ in float64, the same signs)', () => {
  // 600 frames at hidden 8: κ = Π 1/ρ0 leaves [2⁻³⁰, 2³⁰] and is folded back into T along the way
  // (seen by instrumenting the module), so the rescaling is covered too. Metric: worstRelativeError.
  for (const layers of [1, 2]) {
    it(`${layers} layer(s), 600 frames`, () => {
      const shape: LstmShape = { inputSize: 5, hiddenSize: 8, layers, outputSize: 4 };
      const params = initParams(shape, 8);
      const { xs, targets } = randomSequence(shape, 600, mulberry32(40 + layers), 4);
      const ours = runUtterance(createUoro(shape, 77), params, shape, xs, targets);
      const ref = uoroReference(params, shape, xs, targets, 77);
      const { err, name } = worstRelativeError(shape, ours, ref);
      assert.ok(err <= 1e-5, `${name}: relative error ${err}`);
    });
  }
});
