import { KERNEL_NAMES } from './kernel-files.ts';
import { hasKernelModule, setKernelModule } from './kernel-module.ts';
import { compileKernel } from './read-kernel-bytes.ts';

/** Options of {@link loadKernels}. */
export interface LoadKernelsOptions {
  /** Browser only: the URL of the directory serving the `.wasm` kernels (default: beside the script). */
  baseUrl?: string | URL;
}

/**
 * Compiles the wasm kernels (the learner's and the features') before first use. Required in a
 * browser, where they are fetched (`WebAssembly.compileStreaming`); harmless in Node, where they
 * would otherwise be read synchronously on first use. Calling it again does nothing.
 *
 * ## Example
 * ```ts
 * await loadKernels({ baseUrl: '/assets/' });
 * const learner = new OnlineLearner({ inputSize: 26, phones });
 * ```
 */
export async function loadKernels(options: LoadKernelsOptions = {}): Promise<void> {
  await Promise.all(KERNEL_NAMES.filter((n) => !hasKernelModule(n)).map(async (name) => {
    setKernelModule(name, await compileKernel(name, options.baseUrl));
  }));
}
