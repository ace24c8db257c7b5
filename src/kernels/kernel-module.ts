import { ConfigError } from '../errors.ts';
import type { KernelName } from './kernel-files.ts';
import { CAN_COMPILE_SYNC, compileKernelSync } from './read-kernel-bytes.ts';

/**
 * The compiled kernels, shared by every instance (the learner's arena, the MFCC plans). Node
 * compiles one synchronously on first use, as it always has; a browser has no synchronous file
 * access, so it must `await loadKernels()` first, and a missing load is a clear error instead of
 * a silent fallback.
 */
const modules = new Map<KernelName, WebAssembly.Module>();

/**
 * The compiled kernel `name`.
 *
 * @throws ConfigError "kernels not loaded: call await loadKernels() first" in a browser before
 *   `loadKernels()` resolved.
 */
export function kernelModule(name: KernelName): WebAssembly.Module {
  let module = modules.get(name);
  if (module === undefined) {
    if (!CAN_COMPILE_SYNC) throw new ConfigError(`kernels not loaded: call await loadKernels() first (kernel "${name}")`);
    module = compileKernelSync(name);
    modules.set(name, module);
  }
  return module;
}

/** Whether `name` is compiled already. */
export function hasKernelModule(name: KernelName): boolean {
  return modules.has(name);
}

/** Keeps a module compiled elsewhere (loadKernels); the first one stays, so instances agree. */
export function setKernelModule(name: KernelName, module: WebAssembly.Module): void {
  if (!modules.has(name)) modules.set(name, module);
}
