/**
 * The project's own wasm kernels, by name, and where each file lies relative to src/kernels/ (the
 * same layout in src/ and dist/src/, where the build copies them beside their loaders).
 */
export const KERNEL_FILES = {
  lstm: '../learner/kernels/lstm-kernels.wasm',
  mfcc: '../features/kernels/mfcc-kernels.wasm',
} as const;

/** A kernel: `lstm` (the learner's hot loops) or `mfcc` (the features). */
export type KernelName = keyof typeof KERNEL_FILES;

/** Every kernel name, in load order. */
export const KERNEL_NAMES = Object.keys(KERNEL_FILES) as KernelName[];

/** The kernel's file name alone (`lstm-kernels.wasm`): a static site serves them side by side. */
export function kernelFileName(name: KernelName): string {
  const path = KERNEL_FILES[name];
  return path.slice(path.lastIndexOf('/') + 1);
}
