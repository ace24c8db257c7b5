import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { initParams } from '../../src/learner/init-params.ts';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { mulberry32 } from '../../src/learner/math-mulberry32.ts';
import { allocFloats } from '../../src/learner/kernels/alloc-floats.ts';
import { tsKernels } from '../../src/learner/kernels/ts-kernels.ts';
import { wasmKernels } from '../../src/learner/kernels/wasm-kernels.ts';
import { wasmArena } from '../../src/learner/kernels/wasm-arena.ts';
import { kernelsFor } from '../../src/learner/kernels/kernels-for.ts';
import { useWasmKernels } from '../../src/learner/kernels/use-wasm-kernels.ts';
import { oursPerChunk, randomSequence, worstRelativeError } from './unrolled-reference.ts';

const arena = wasmArena();
const rand = mulberry32(3);
/** A random array in the arena (when `inArena`) or in ordinary memory, same values either way. */
function randomPair(n: number): [Float32Array, Float32Array] {
  const plain = Float32Array.from({ length: n }, () => 2 * rand() - 1);
  const wasm = allocFloats(n);
  wasm.set(plain);
  return [wasm, plain];
}
function assertClose(a: Float32Array, b: Float32Array, what: string, tol = 1e-5): void {
  assert.equal(a.length, b.length);
  let scale = 1e-30;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * scale, `${what}[${i}]: wasm ${a[i]} vs ts ${b[i]}`);
}

describe('wasm SIMD kernels', () => {
  it('load, and arrays from allocFloats live in their memory (16-byte aligned)', () => {
    assert.ok(arena !== null, 'WebAssembly SIMD should be available on Node 20');
    const a = allocFloats(7);
    const b = allocFloats(5);
    assert.equal(a.buffer, arena.buffer);
    assert.equal(a.byteOffset % 16, 0);
    assert.equal(b.byteOffset % 16, 0);
    assert.ok(a.every((v) => v === 0));
    assert.equal(kernelsFor(a, b) === tsKernels, false);
    assert.equal(kernelsFor(a, new Float32Array(5)), tsKernels, 'a foreign array must select the TS kernels');
    assert.equal(kernelsFor(a, b, [], [{ buf: new Float32Array(5) }]), tsKernels, 'so must a foreign workspace');
  });

  it('refuse any operand outside the arena or past the end of its own array', () => {
    const W = wasmKernels(arena!);
    const w = allocFloats(4 * 3);
    const x = allocFloats(3);
    const y = allocFloats(4);
    W.matvec(w, 0, 4, 3, x, 0, y, 0, false);
    assert.throws(() => W.matvec(w, 0, 4, 3, new Float32Array(3), 0, y, 0, false), /matvec: operand outside the kernel arena/);
    assert.throws(() => W.matvec(w, 1, 4, 3, x, 0, y, 0, false), /matvec: operand elements \[1, 13\) of an array of 12/);
    assert.throws(() => W.addTo(y, 2, x, 0, 3), /addTo: operand elements \[2, 5\) of an array of 4/);
    assert.throws(() => W.outerAddBatch(w, 0, 4, 3, [y], [new Float32Array(3)], 1), /outerAddBatch: operand outside the kernel arena/);
    assert.throws(() => W.decayOuterAdd(w, 0, 4, 3, y, 0, y, 0, new Float32Array(3), 0), /decayOuterAdd: operand outside the kernel arena/);
    assert.throws(() => W.rowScaledAdd(w, 0, 4, 3, y, 1, w, 0), /rowScaledAdd: operand elements \[1, 5\) of an array of 4/);
    // The optimiser step: every state block too, and the two powers Adam keeps.
    const h = { lr: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
    const [p, g, m, v, prev] = [allocFloats(6), allocFloats(6), allocFloats(6), allocFloats(6), allocFloats(6)];
    assert.equal(W.adamStep(p, g, m, v, prev, 6, 1, allocFloats(2), h), true);
    assert.throws(() => W.adamStep(p, g, m, new Float32Array(6), prev, 6, 1, allocFloats(2), h), /adamStep: operand outside the kernel arena/);
    assert.throws(() => W.adamStep(p, g, m, v, allocFloats(5), 6, 1, allocFloats(2), h), /adamStep: operand elements \[0, 6\) of an array of 5/);
    assert.throws(() => W.adamStep(p, g, m, v, prev, 6, 1, allocFloats(1), h), /adamStep: operand elements \[0, 2\) of an array of 1/);
    assert.throws(() => W.momentumStep(p, g, m, new Float32Array(6), 6, 1, 0.1, 0.9), /momentumStep: operand outside the kernel arena/);
    assert.throws(() => W.sumSquares(g, 7), /sumSquares: operand elements \[0, 7\) of an array of 6/);
  });

  // Sizes with tails (cols not a multiple of 4 or 16, rows not a multiple of 4) exercise every loop.
  for (const [rows, cols] of [[32, 5], [13, 39], [512, 128], [61, 130], [3, 1]]) {
    it(`agree with the TypeScript kernels: matvec, matvecT, outerAdd, outerAddBatch, decayOuterAdd, rowScaledAdd at ${rows}×${cols}`, () => {
      const W = wasmKernels(arena!);
      const [w, wp] = randomPair(rows * cols + 3);
      const [x, xp] = randomPair(cols + 1);
      const [v, vp] = randomPair(rows + 2);
      for (const acc of [false, true]) {
        const [y, yp] = randomPair(rows + 1);
        W.matvec(w, 3, rows, cols, x, 1, y, 1, acc);
        tsKernels.matvec(wp, 3, rows, cols, xp, 1, yp, 1, acc);
        assertClose(y, yp, `matvec acc=${acc}`);
        const [z, zp] = randomPair(cols);
        W.matvecT(w, 3, rows, cols, v, 2, z, 0, acc);
        tsKernels.matvecT(wp, 3, rows, cols, vp, 2, zp, 0, acc);
        assertClose(z, zp, `matvecT acc=${acc}`);
      }
      const [a, ap] = randomPair(rows * cols);
      W.outerAdd(a, 0, rows, cols, v, 1, x, 1);
      tsKernels.outerAdd(ap, 0, rows, cols, vp, 1, xp, 1);
      assertClose(a, ap, 'outerAdd');
      const us: Float32Array[] = [];
      const vs: Float32Array[] = [];
      const usp: Float32Array[] = [];
      const vsp: Float32Array[] = [];
      for (let i = 0; i < 7; i++) {
        const [u1, u2] = randomPair(rows);
        const [v1, v2] = randomPair(cols);
        us.push(u1);
        usp.push(u2);
        vs.push(v1);
        vsp.push(v2);
      }
      // Every element gets its terms added in order, whichever loop of the kernel handles it
      // (blocks, column tail, odd row): the bits of seven outerAdd calls.
      const one = allocFloats(rows * cols);
      one.set(a);
      for (let i = 0; i < 7; i++) W.outerAdd(one, 0, rows, cols, us[i], 0, vs[i], 0);
      W.outerAddBatch(a, 0, rows, cols, us, vs, 7);
      tsKernels.outerAddBatch(ap, 0, rows, cols, usp, vsp, 7);
      assertClose(a, ap, 'outerAddBatch');
      assert.deepEqual(a, one, 'outerAddBatch vs seven outerAdd calls');
      const [sc, scp] = randomPair(rows + 2);
      W.decayOuterAdd(a, 0, rows, cols, sc, 2, v, 1, x, 1);
      tsKernels.decayOuterAdd(ap, 0, rows, cols, scp, 2, vp, 1, xp, 1);
      assertClose(a, ap, 'decayOuterAdd');
      const [bm, bmp] = randomPair(rows * cols + 1);
      W.rowScaledAdd(a, 0, rows, cols, sc, 1, bm, 1);
      tsKernels.rowScaledAdd(ap, 0, rows, cols, scp, 1, bmp, 1);
      assertClose(a, ap, 'rowScaledAdd');
    });
  }

  for (const hidden of [8, 6, 128]) {
    it(`agree with the TypeScript kernels: cellForward, cellBackward, addTo with H = ${hidden}`, () => {
      const W = wasmKernels(arena!);
      const H = hidden;
      const [g, gp] = randomPair(4 * H);
      for (let i = 0; i < 4 * H; i++) g[i] = gp[i] = 6 * gp[i]; // saturating pre-activations too
      const [b, bp] = randomPair(8 * H + 2);
      const [cPrev, cPrevp] = randomPair(H);
      const out = () => [allocFloats(H), allocFloats(H), allocFloats(H)];
      const [c, t, h] = out();
      const [cp, tp, hp] = [new Float32Array(H), new Float32Array(H), new Float32Array(H)];
      W.cellForward(g, 0, b, 2, 4 * H + 2, cPrev, 0, c, 0, t, 0, h, 0, H);
      tsKernels.cellForward(gp, 0, bp, 2, 4 * H + 2, cPrevp, 0, cp, 0, tp, 0, hp, 0, H);
      assertClose(g, gp, 'gates', 2e-6);
      assertClose(c, cp, 'c', 2e-6);
      assertClose(t, tp, 'tanh c', 2e-6);
      assertClose(h, hp, 'h', 2e-6);
      const [dh, dhp] = randomPair(H);
      const [dc, dcp] = randomPair(H);
      const dz = allocFloats(4 * H);
      const dzp = new Float32Array(4 * H);
      W.cellBackward(dh, 0, dc, 0, g, 0, cPrev, 0, t, 0, dz, 0, H);
      tsKernels.cellBackward(dhp, 0, dcp, 0, gp, 0, cPrevp, 0, tp, 0, dzp, 0, H);
      assertClose(dz, dzp, 'dz');
      assertClose(dc, dcp, 'dc');
      W.addTo(dz, 1, dh, 0, H);
      tsKernels.addTo(dzp, 1, dhp, 0, H);
      assertClose(dz, dzp, 'addTo');
    });
  }
});

describe('live-stream kernels: matvecBatch and firDecimate', () => {
  for (const [rows, cols] of [[512, 154], [61, 128], [13, 39], [3, 1]]) {
    it(`matvecBatch at ${rows}×${cols} equals one wasm matvec per stream bit for bit, and the TypeScript kernel to float rounding`, () => {
      const W = wasmKernels(arena!);
      const [w, wp] = randomPair(rows * cols + 2);
      for (const n of [1, 2, 5]) {
        const xs = Array.from({ length: n }, () => randomPair(cols));
        for (const acc of [false, true]) {
          const ys = Array.from({ length: n }, () => randomPair(rows + 3));
          const single = ys.map(([y]) => {
            const copy = allocFloats(y.length);
            copy.set(y);
            return copy;
          });
          W.matvecBatch(w, 2, rows, cols, xs.map(([x]) => x), ys.map(([y]) => y), 1, n, acc);
          tsKernels.matvecBatch(wp, 2, rows, cols, xs.map(([, x]) => x), ys.map(([, y]) => y), 1, n, acc);
          for (let i = 0; i < n; i++) {
            W.matvec(w, 2, rows, cols, xs[i][0], 0, single[i], 1, acc);
            assert.deepEqual(ys[i][0], single[i], `stream ${i} of ${n}, acc=${acc}`);
            assertClose(ys[i][0], ys[i][1], `matvecBatch stream ${i}`);
          }
        }
      }
    });
  }

  it('firDecimate agrees with the TypeScript kernel (float32 SIMD sums against float64 ones)', () => {
    const W = wasmKernels(arena!);
    for (const [nTaps, step, count] of [[396, 3, 50], [264, 2, 7], [4, 1, 9], [8, 5, 1]]) {
      const [x, xp] = randomPair((count - 1) * step + nTaps + 5);
      const [taps, tapsP] = randomPair(nTaps);
      const [y, yp] = randomPair(count + 2);
      W.firDecimate(x, 5, taps, nTaps, step, y, 1, count);
      tsKernels.firDecimate(xp, 5, tapsP, nTaps, step, yp, 1, count);
      assertClose(y, yp, `firDecimate ${nTaps} taps, step ${step}`, 1e-5);
      assert.equal(y[0], yp[0], 'writes nothing before yOff');
      assert.equal(y[count + 1], yp[count + 1], 'writes nothing after its count');
    }
  });

  it('refuse operands outside the arena or past their arrays, and tap counts not a multiple of 4', () => {
    const W = wasmKernels(arena!);
    const w = allocFloats(4 * 3);
    const x = allocFloats(3);
    const y = allocFloats(4);
    assert.throws(() => W.matvecBatch(w, 0, 4, 3, [x, new Float32Array(3)], [y, y], 0, 2, false), /matvecBatch: operand outside the kernel arena/);
    assert.throws(() => W.matvecBatch(w, 0, 4, 3, [x], [y], 1, 1, false), /matvecBatch: operand elements \[1, 5\) of an array of 4/);
    const signal = allocFloats(20);
    const taps = allocFloats(8);
    W.firDecimate(signal, 0, taps, 8, 3, y, 0, 4); // reads exactly [0, 17): fine
    assert.throws(() => W.firDecimate(signal, 0, taps, 8, 3, allocFloats(6), 0, 5 + 1), /firDecimate: operand elements \[0, 23\) of an array of 20/);
    assert.throws(() => W.firDecimate(signal, 0, taps, 6, 3, y, 0, 2), /nTaps must be a multiple of 4/);
    assert.throws(() => W.firDecimate(signal, 0, taps, 8, 3, new Float32Array(4), 0, 2), /firDecimate: operand outside the kernel arena/);
  });
});

describe('wasm cellForward activations (vector exp / tanh approximations)', () => {
  it('are within 3e-7 absolute and 1e-6 relative of float64 sigmoid / tanh over [−40, 40] and near 0', () => {
    const H = 1000;
    const W = wasmKernels(arena!);
    const z = Float32Array.from({ length: 4 * H }, (_, i) => (i % 3 === 0 ? (i / (4 * H) - 0.5) * 80 : ((i % 97) - 48) * 1e-3 * (i % 7)));
    const g = allocFloats(4 * H);
    g.set(z);
    const zeros = allocFloats(4 * H);
    const [c, t, h] = [allocFloats(H), allocFloats(H), allocFloats(H)];
    W.cellForward(g, 0, zeros, 0, 0, zeros, 0, c, 0, t, 0, h, 0, H);
    for (let j = 0; j < 4 * H; j++) {
      const isTanh = j >= 2 * H && j < 3 * H;
      const want = isTanh ? Math.tanh(z[j]) : 1 / (1 + Math.exp(-z[j]));
      const err = Math.abs(g[j] - want);
      assert.ok(err <= 3e-7 && err <= 1e-6 * Math.abs(want) + 1e-30 || err === 0, `${isTanh ? 'tanh' : 'sigmoid'}(${z[j]}) = ${g[j]}, want ${want}`);
    }
  });
});

describe('forwardStep + tbpttGradients: wasm kernels and TypeScript kernels give the same gradients', () => {
  after(() => useWasmKernels(true));
  for (const layers of [1, 2]) {
    it(`${layers} layer(s) at hidden 20, TBPTT(3, 7) and (7, 3)`, () => {
      const shape: LstmShape = { inputSize: 13, hiddenSize: 20, layers, outputSize: 11 };
      const params = initParams(shape, 2);
      assert.equal(params.buffer, arena!.buffer);
      const { xs, targets } = randomSequence(shape, 15, mulberry32(8));
      for (const [k1, k2] of [[3, 7], [7, 3]]) {
        useWasmKernels(true);
        const viaWasm = oursPerChunk(params, shape, xs, targets, k1, k2);
        // Parameters in ordinary memory take the staging copy, still on the wasm kernels.
        const staged = oursPerChunk(Float32Array.from(params), shape, xs, targets, k1, k2);
        useWasmKernels(false);
        const viaTs = oursPerChunk(params, shape, xs, targets, k1, k2);
        useWasmKernels(true);
        for (let i = 0; i < viaTs.length; i++) {
          const { err, name } = worstRelativeError(shape, viaWasm[i].grad, viaTs[i].grad);
          assert.ok(err <= 1e-5, `chunk ${i}: ${name} ${err}`);
          assert.deepEqual(staged[i].grad, viaWasm[i].grad);
          assert.ok(Math.abs(viaWasm[i].loss - viaTs[i].loss) <= 1e-6 * viaTs[i].loss);
        }
        assert.equal(viaWasm[0].grad.length, paramLayout(shape).total);
      }
    });
  }
});

describe('scripts/build-kernels.ts', () => {
  it('rebuilds src/learner/kernels/lstm-kernels.wasm byte for byte (asc output is deterministic)', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'kernels-test-'));
    try {
      const out = join(dir, 'k.wasm');
      execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-kernels.ts'), '--out', out], { stdio: 'pipe' });
      assert.ok(readFileSync(out).equals(readFileSync(join(root, 'src/learner/kernels/lstm-kernels.wasm'))), 'committed wasm is stale: run npx tsx scripts/build-kernels.ts');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
