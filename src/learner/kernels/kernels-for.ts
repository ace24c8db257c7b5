import type { Kernels } from './kernels.ts';
import { tsKernels } from './ts-kernels.ts';
import { useWasmKernels } from './use-wasm-kernels.ts';
import { wasmArena } from './wasm-arena.ts';
import { wasmKernels } from './wasm-kernels.ts';

let wasm: Kernels | undefined;
const NONE: readonly { buf: Float32Array }[] = [];

/**
 * The kernels that can work on all these arrays in place: the wasm SIMD ones when every array
 * lives in the wasm arena (and they are enabled), else the TypeScript ones. No rest parameters:
 * called every frame, it should not allocate.
 *
 * @param a an array the kernels will touch.
 * @param b another one.
 * @param blocks more, as objects holding a `buf` (step caches, workspaces).
 *
 * ## Example
 * ```ts
 * const K = kernelsFor(params, cache.buf);
 * ```
 */
export function kernelsFor(a: Float32Array, b: Float32Array, blocks: readonly { buf: Float32Array }[] = NONE): Kernels {
  const arena = useWasmKernels() ? wasmArena() : null;
  if (arena === null || a.buffer !== arena.buffer || b.buffer !== arena.buffer) return tsKernels;
  for (const s of blocks) if (s.buf.buffer !== arena.buffer) return tsKernels;
  wasm ??= wasmKernels(arena);
  return wasm;
}
