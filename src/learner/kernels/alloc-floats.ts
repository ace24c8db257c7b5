import { wasmArena } from './wasm-arena.ts';

/**
 * A zeroed Float32Array for the learner's hot buffers (parameters, gradients, step caches),
 * placed in the wasm kernels' memory so the SIMD kernels work on it in place. Without wasm SIMD,
 * ordinary memory (the TypeScript kernels run everything). A full arena is an error
 * (MemoryLimitError), never a quiet fallback to memory the kernels could not address. The block is
 * reused after the array is garbage collected or given back with {@link freeFloats}: keep the
 * array itself alive while using subarrays of it.
 *
 * @param n number of floats.
 *
 * ## Example
 * ```ts
 * const grad = allocFloats(paramLayout(shape).total);
 * ```
 */
export function allocFloats(n: number): Float32Array {
  const arena = wasmArena();
  return arena === null ? new Float32Array(n) : arena.alloc(n);
}

/**
 * Gives an array from {@link allocFloats} back to the arena now (a no-op for ordinary memory).
 * No view of it may be used afterwards.
 *
 * @param a the array allocFloats returned.
 */
export function freeFloats(a: Float32Array): void {
  const arena = wasmArena();
  if (arena !== null && a.buffer === arena.buffer) arena.free(a);
}
