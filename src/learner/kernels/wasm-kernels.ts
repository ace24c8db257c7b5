import type { Kernels } from './kernels.ts';
import type { WasmArena } from './wasm-arena.ts';

/**
 * {@link Kernels} backed by the wasm SIMD module: each array + element offset becomes a byte
 * address (`byteOffset + 4·offset`), so every array passed in MUST live in `arena.buffer`
 * (kernelsFor checks). The weight-gradient batch writes its pointer tables into a block of the arena.
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
  let table: Uint32Array<ArrayBufferLike> = new Uint32Array(0);
  let tableFloats: Float32Array | undefined;
  const tables = (n: number): [number, number] => {
    if (table.length < 2 * n) {
      tableFloats = arena.alloc(Math.max(64, 4 * n));
      if (tableFloats === undefined) throw new Error('wasm arena full: no room for pointer tables');
      table = new Uint32Array(tableFloats.buffer, tableFloats.byteOffset, tableFloats.length);
    }
    return [table.byteOffset, table.byteOffset + 4 * n];
  };
  return {
    matvec(w, wOff, rows, cols, x, xOff, y, yOff, accumulate) {
      k.matvec(w.byteOffset + 4 * wOff, rows, cols, x.byteOffset + 4 * xOff, y.byteOffset + 4 * yOff, accumulate ? 1 : 0);
    },
    matvecT(w, wOff, rows, cols, v, vOff, y, yOff, accumulate) {
      k.matvecT(w.byteOffset + 4 * wOff, rows, cols, v.byteOffset + 4 * vOff, y.byteOffset + 4 * yOff, accumulate ? 1 : 0);
    },
    outerAdd(a, aOff, rows, cols, u, uOff, v, vOff) {
      k.outerAdd(a.byteOffset + 4 * aOff, rows, cols, u.byteOffset + 4 * uOff, v.byteOffset + 4 * vOff);
    },
    outerAddBatch(a, aOff, rows, cols, us, vs, n) {
      const [uT, vT] = tables(n);
      const base = table.byteOffset;
      for (let i = 0; i < n; i++) {
        table[(uT - base) / 4 + i] = us[i].byteOffset;
        table[(vT - base) / 4 + i] = vs[i].byteOffset;
      }
      k.outerAddBatch(a.byteOffset + 4 * aOff, rows, cols, uT, vT, n);
    },
    addTo(dst, dOff, src, sOff, n) {
      k.addTo(dst.byteOffset + 4 * dOff, src.byteOffset + 4 * sOff, n);
    },
    cellForward(g, gOff, bias, bIhOff, bHhOff, cPrev, cPrevOff, c, cOff, tanhC, tOff, h, hOff, H) {
      const b = bias.byteOffset;
      k.cellForward(g.byteOffset + 4 * gOff, b + 4 * bIhOff, b + 4 * bHhOff, cPrev.byteOffset + 4 * cPrevOff,
        c.byteOffset + 4 * cOff, tanhC.byteOffset + 4 * tOff, h.byteOffset + 4 * hOff, H);
    },
    cellBackward(dh, dhOff, dc, dcOff, g, gOff, cPrev, cPrevOff, tanhC, tOff, dz, dzOff, H) {
      k.cellBackward(dh.byteOffset + 4 * dhOff, dc.byteOffset + 4 * dcOff, g.byteOffset + 4 * gOff,
        cPrev.byteOffset + 4 * cPrevOff, tanhC.byteOffset + 4 * tOff, dz.byteOffset + 4 * dzOff, H);
    },
  };
}
