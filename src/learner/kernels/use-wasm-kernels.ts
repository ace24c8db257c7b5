import { envVar } from '../../runtime/env-var.ts';

let enabled = envVar('PHONESTREAM_KERNELS') !== 'ts';

/**
 * Turns the wasm SIMD kernels on or off (for tests and benchmarks comparing them with the
 * TypeScript ones; also off when the environment has PHONESTREAM_KERNELS=ts). Returns the setting.
 *
 * @param on the new setting; omit to only read it.
 *
 * ## Example
 * ```ts
 * useWasmKernels(false); // everything after this runs the TypeScript kernels
 * ```
 */
export function useWasmKernels(on?: boolean): boolean {
  if (on !== undefined) enabled = on;
  return enabled;
}
