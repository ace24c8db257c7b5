import { wasmArena } from './wasm-arena.ts';

/**
 * A zeroed Float32Array for the learner's hot buffers (parameters, gradients, step caches),
 * placed in the wasm kernels' memory when there is room so the SIMD kernels work on it in place;
 * otherwise (arena full, or no wasm SIMD) ordinary memory, which the TypeScript kernels handle.
 * The block is reused after the array is garbage collected: keep the array itself alive while
 * using subarrays of it.
 *
 * @param n number of floats.
 *
 * ## Example
 * ```ts
 * const grad = allocFloats(paramLayout(shape).total);
 * ```
 */
export function allocFloats(n: number): Float32Array {
  return wasmArena()?.alloc(n) ?? new Float32Array(n);
}
