import { useWasmKernels } from './use-wasm-kernels.ts';
import { wasmArena } from './wasm-arena.ts';

const staging: (Float32Array | undefined)[] = [];

/**
 * `a` itself if it lives in the wasm arena, else a copy of it in a reusable arena block (one per
 * `slot`), so a caller's ordinary Float32Array can still feed the wasm kernels (a memcpy, much
 * cheaper than the TypeScript kernels). Returns `a` when wasm is off.
 *
 * @param a the array to read in the kernels.
 * @param slot which staging block to use (0 for parameters, 1 for the gradient).
 * @param copy false to skip copying (for an output buffer that is overwritten anyway).
 *
 * ## Example
 * ```ts
 * const p = stageInArena(params, 0);
 * ```
 */
export function stageInArena(a: Float32Array, slot: number, copy = true): Float32Array {
  const arena = useWasmKernels() ? wasmArena() : null;
  if (arena === null || a.buffer === arena.buffer) return a;
  let s = staging[slot];
  if (s === undefined || s.length !== a.length) {
    if (s !== undefined) arena.free(s);
    s = arena.alloc(a.length);
    staging[slot] = s;
  }
  if (copy) s.set(a);
  return s;
}
