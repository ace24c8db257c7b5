import type { Kernels } from './kernels.ts';
import { tsKernels } from './ts-kernels.ts';
import { useWasmKernels } from './use-wasm-kernels.ts';
import { wasmArena } from './wasm-arena.ts';
import { wasmKernels } from './wasm-kernels.ts';
import { emitWarning } from '../../runtime/emit-warning.ts';

let wasm: Kernels | undefined;
let warned = false;
const NONE: readonly { buf: Float32Array }[] = [];

/**
 * The kernels that can work on all these arrays in place: the wasm SIMD ones when every array
 * lives in the wasm arena (and they are enabled), else the TypeScript ones, with a one-time warning
 * when wasm was enabled (slower, never wrong). Every array a kernel will touch must be named here:
 * the wasm kernels also refuse, loudly, any array outside their memory. No rest parameters:
 * called every frame, it should not allocate.
 *
 * @param a an array the kernels will touch.
 * @param b another one.
 * @param blocks more, as objects holding a `buf` (step caches, workspaces).
 * @param more more still (a workspace beside the step caches).
 *
 * ## Example
 * ```ts
 * const K = kernelsFor(params, cache.buf);
 * ```
 */
export function kernelsFor(
  a: Float32Array, b: Float32Array, blocks: readonly { buf: Float32Array }[] = NONE,
  more: readonly { buf: Float32Array }[] = NONE,
): Kernels {
  const arena = useWasmKernels() ? wasmArena() : null;
  if (arena === null) return tsKernels;
  const mem = arena.buffer;
  let inside = a.buffer === mem && b.buffer === mem;
  for (let i = 0; inside && i < blocks.length; i++) inside = blocks[i].buf.buffer === mem;
  for (let i = 0; inside && i < more.length; i++) inside = more[i].buf.buffer === mem;
  if (!inside) {
    if (!warned) {
      warned = true;
      emitWarning('phonestream: arrays outside the kernel arena were given to the learner math; the TypeScript kernels run them (correct, slower)');
    }
    return tsKernels;
  }
  wasm ??= wasmKernels(arena);
  return wasm;
}
