// Types for @echogarden/pffft-wasm 0.4 (the package ships none): the Emscripten module factory and
// only the exports real-fft-plan.ts uses. Pointers are byte offsets into the module's heap.
declare module '@echogarden/pffft-wasm/simd' {
  export interface PffftModule {
    /** The current view of the heap; replaced (the old one detached) when the heap grows. */
    HEAPF32: Float32Array;
    /** `transform` 0 = PFFFT_REAL; returns a setup pointer (0 on failure). */
    _pffft_new_setup(size: number, transform: number): number;
    /** `direction` 0 = PFFFT_FORWARD. Buffers 16-byte aligned, `size` floats each. */
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
    _pffft_aligned_malloc(bytes: number): number;
  }
  const PFFFT: (moduleArg?: object) => Promise<PffftModule>;
  export default PFFFT;
}
