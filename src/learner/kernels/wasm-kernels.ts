import type { Kernels } from './kernels.ts';
import type { WasmArena } from './wasm-arena.ts';

/**
 * {@link Kernels} backed by the wasm SIMD module: each array + element offset becomes a byte
 * address (`byteOffset + 4·offset`). Every operand is checked to lie in the arena's memory and
 * within its own array (offset + length): a kernel only ever touches memory it was given, and a
 * caller's mistake is an error, not a read of some other block. The checks are a few comparisons
 * against kernels of hundreds to tens of thousands of flops. The weight-gradient batch writes its
 * pointer tables into a block of the arena.
 *
 * @param arena the arena whose memory the kernels run in.
 *
 * ## Example
 * ```ts
 * const K = wasmKernels(wasmArena()!);
 * ```
 */
export function wasmKernels(arena: WasmArena): Kernels {
  const k = arena.kernels;
  const mem = arena.buffer;
  /** The byte address of a[off .. off + n), after checking it is the arena's and a's own. */
  const at = (a: Float32Array, off: number, n: number, what: string): number => {
    if (a.buffer !== mem || off < 0 || off + n > a.length) {
      const where = a.buffer !== mem ? 'outside the kernel arena' : `elements [${off}, ${off + n}) of an array of ${a.length}`;
      throw new RangeError(`wasm kernel ${what}: operand ${where}`);
    }
    return a.byteOffset + 4 * off;
  };
  let table: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  let tableBlock: Float32Array | undefined;
  const tables = (n: number): [number, number] => {
    if (table.length < 2 * n) {
      if (tableBlock !== undefined) arena.free(tableBlock);
      tableBlock = arena.alloc(Math.max(64, 4 * n));
      table = new Uint32Array(tableBlock.buffer, tableBlock.byteOffset, tableBlock.length);
    }
    return [table.byteOffset, table.byteOffset + 4 * n];
  };
  return {
    matvec(w, wOff, rows, cols, x, xOff, y, yOff, accumulate) {
      k.matvec(at(w, wOff, rows * cols, 'matvec'), rows, cols, at(x, xOff, cols, 'matvec'), at(y, yOff, rows, 'matvec'), accumulate ? 1 : 0);
    },
    matvecT(w, wOff, rows, cols, v, vOff, y, yOff, accumulate) {
      k.matvecT(at(w, wOff, rows * cols, 'matvecT'), rows, cols, at(v, vOff, rows, 'matvecT'), at(y, yOff, cols, 'matvecT'), accumulate ? 1 : 0);
    },
    outerAdd(a, aOff, rows, cols, u, uOff, v, vOff) {
      k.outerAdd(at(a, aOff, rows * cols, 'outerAdd'), rows, cols, at(u, uOff, rows, 'outerAdd'), at(v, vOff, cols, 'outerAdd'));
    },
    outerAddBatch(a, aOff, rows, cols, us, vs, n) {
      const dst = at(a, aOff, rows * cols, 'outerAddBatch');
      const [uT, vT] = tables(n);
      const base = table.byteOffset;
      for (let i = 0; i < n; i++) {
        table[(uT - base) / 4 + i] = at(us[i], 0, rows, 'outerAddBatch');
        table[(vT - base) / 4 + i] = at(vs[i], 0, cols, 'outerAddBatch');
      }
      k.outerAddBatch(dst, rows, cols, uT, vT, n);
    },
    addTo(dst, dOff, src, sOff, n) {
      k.addTo(at(dst, dOff, n, 'addTo'), at(src, sOff, n, 'addTo'), n);
    },
    cellForward(g, gOff, bias, bIhOff, bHhOff, cPrev, cPrevOff, c, cOff, tanhC, tOff, h, hOff, H) {
      k.cellForward(at(g, gOff, 4 * H, 'cellForward'), at(bias, bIhOff, 4 * H, 'cellForward'), at(bias, bHhOff, 4 * H, 'cellForward'),
        at(cPrev, cPrevOff, H, 'cellForward'), at(c, cOff, H, 'cellForward'), at(tanhC, tOff, H, 'cellForward'),
        at(h, hOff, H, 'cellForward'), H);
    },
    cellBackward(dh, dhOff, dc, dcOff, g, gOff, cPrev, cPrevOff, tanhC, tOff, dz, dzOff, H) {
      k.cellBackward(at(dh, dhOff, H, 'cellBackward'), at(dc, dcOff, H, 'cellBackward'), at(g, gOff, 4 * H, 'cellBackward'),
        at(cPrev, cPrevOff, H, 'cellBackward'), at(tanhC, tOff, H, 'cellBackward'), at(dz, dzOff, 4 * H, 'cellBackward'), H);
    },
    sumSquares(g, n) {
      return k.sumSquares(at(g, 0, n, 'sumSquares'), n);
    },
    adamStep(p, g, m, v, prev, n, scale, powers, h) {
      // The float32 constants tfjs makes of (1 − β): rounded from the float64 difference.
      return k.adamStep(at(p, 0, n, 'adamStep'), at(g, 0, n, 'adamStep'), at(m, 0, n, 'adamStep'), at(v, 0, n, 'adamStep'),
        at(prev, 0, n, 'adamStep'), n, scale, at(powers, 0, 2, 'adamStep'),
        h.lr, h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.epsilon) === 1;
    },
    momentumStep(p, g, acc, prev, n, scale, lr, momentum) {
      return k.momentumStep(at(p, 0, n, 'momentumStep'), at(g, 0, n, 'momentumStep'), at(acc, 0, n, 'momentumStep'),
        at(prev, 0, n, 'momentumStep'), n, scale, lr, momentum) === 1;
    },
    // Live-stream kernels (batched inference, the decimator).
    matvecBatch(w, wOff, rows, cols, xs, ys, yOff, n, accumulate) {
      const wp = at(w, wOff, rows * cols, 'matvecBatch');
      const [xT, yT] = tables(n);
      const base = table.byteOffset;
      for (let i = 0; i < n; i++) {
        table[(xT - base) / 4 + i] = at(xs[i], 0, cols, 'matvecBatch');
        table[(yT - base) / 4 + i] = at(ys[i], yOff, rows, 'matvecBatch');
      }
      k.matvecBatch(wp, rows, cols, xT, yT, n, accumulate ? 1 : 0);
    },
    firDecimate(x, xOff, taps, nTaps, step, y, yOff, count) {
      if (nTaps % 4 !== 0) throw new RangeError(`wasm kernel firDecimate: nTaps must be a multiple of 4, got ${nTaps}`);
      if (count <= 0) return;
      k.firDecimate(at(x, xOff, (count - 1) * step + nTaps, 'firDecimate'), at(taps, 0, nTaps, 'firDecimate'), nTaps, step,
        at(y, yOff, count, 'firDecimate'), count);
    },
    // Forward-gradient kernels.
    decayOuterAdd(a, aOff, rows, cols, s, sOff, u, uOff, v, vOff) {
      k.decayOuterAdd(at(a, aOff, rows * cols, 'decayOuterAdd'), rows, cols, at(s, sOff, rows, 'decayOuterAdd'),
        at(u, uOff, rows, 'decayOuterAdd'), at(v, vOff, cols, 'decayOuterAdd'));
    },
    rowScaledAdd(a, aOff, rows, cols, s, sOff, b, bOff) {
      k.rowScaledAdd(at(a, aOff, rows * cols, 'rowScaledAdd'), rows, cols, at(s, sOff, rows, 'rowScaledAdd'),
        at(b, bOff, rows * cols, 'rowScaledAdd'));
    },
    // Forward-mode gradient kernels (issue 9).
    snap1Propagate(th, hOff, tc, cOff, input, inOff, inK, hPrev, hpOff, g, gOff, cPrev, cpOff, tanhC, tOff, w, wHhOff, H) {
      const n = 4 * H * (inK + H + 2);
      k.snap1Propagate(at(th, hOff, n, 'snap1Propagate'), at(tc, cOff, n, 'snap1Propagate'), at(input, inOff, inK, 'snap1Propagate'), inK,
        at(hPrev, hpOff, H, 'snap1Propagate'), at(g, gOff, 4 * H, 'snap1Propagate'), at(cPrev, cpOff, H, 'snap1Propagate'),
        at(tanhC, tOff, H, 'snap1Propagate'), at(w, wHhOff, 4 * H * H, 'snap1Propagate'), H);
    },
    snap1Accumulate(grad, gOff, th, hOff, dh, dhOff, inK, H) {
      const n = 4 * H * (inK + H + 2);
      k.snap1Accumulate(at(grad, gOff, n, 'snap1Accumulate'), at(th, hOff, n, 'snap1Accumulate'), at(dh, dhOff, H, 'snap1Accumulate'), inK, H);
    },
  };
}
