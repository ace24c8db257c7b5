import { mfccKernelPlan, type MfccKernelConfig } from './kernels/mfcc-kernel-plan.ts';

// The one place phonestream computes meyda's MFCCs. meyda's public `Meyda.extract` recomputes
// everything per call (fftjs allocating per butterfly, a dense 26 × 256 filterbank product with 26
// fresh arrays, a map/reduce DCT) and runs at a few thousand frames/s here. We take meyda's mel
// filterbank from meyda itself and repeat its arithmetic step for step (Float32 windowed input, a
// float64 FFT as fftjs's, Float32 amplitude and power, Float32 accumulation in filter order,
// log(x + 1), the `dct` package's unnormalised DCT-II × 2) in one WebAssembly SIMD kernel
// (kernels/mfcc-kernels.as) that does a batch of frames per call. The FFT is our own rather than
// PFFFT's because PFFFT has no double precision: its float32 FFT moved coefficients by up to
// 1.5e-6 of c0 on real speech, past the 1e-6 test/features/create-mfcc-extractor.test.ts allows.

/**
 * Builds a batch MFCC function: for each of `count` frames of a block of pre-emphasised samples
 * (frame j at `samples[j·hopSize …]`, `windowSize` long), scales it by `sampleScale`, applies the
 * window, zero-pads it to `fftSize` and returns meyda's MFCCs c1..c{numCepstra} followed by the
 * log energy log(1 + Σ (scale·y[n])²) of the un-windowed frame (replacing c0, as HTK's `_E`).
 * Each frame's result depends on its own samples only, never on the rest of the block.
 * All tables live in the kernel's plan, built once per configuration; a call allocates only its
 * results.
 *
 * @param cfg sizes in samples, `sampleRate` in Hz (16000), mel bands, number of cepstra, sample scale
 * @returns `(samples, count = 1)` → one Float32Array of numCepstra + 1 values per frame;
 *   `samples` holds at least (count − 1)·hopSize + windowSize values
 *
 * ## Example
 * ```ts
 * const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
 * const [v] = mfcc(frame400);          // 13 values: c1..c12, log energy
 * const vs = mfcc(block.samples, block.count); // a FrameBlock's frames
 * ```
 */
export function createMfccExtractor(cfg: MfccKernelConfig): (samples: Float32Array, count?: number) => Float32Array[] {
  const { windowSize, hopSize } = cfg;
  const plan = mfccKernelPlan(cfg);
  const { capacity, dims } = plan;
  return (samples, count = 1) => {
    if (!Number.isInteger(count) || count < 0 || (count > 0 && samples.length < (count - 1) * hopSize + windowSize)) {
      throw new RangeError(`createMfccExtractor: ${count} frames need ${(count - 1) * hopSize + windowSize} samples, got ${samples.length}`);
    }
    const results: Float32Array[] = new Array(count);
    for (let first = 0; first < count; first += capacity) {
      const n = Math.min(capacity, count - first);
      const values = plan.run(samples, first, n);
      for (let j = 0; j < n; j++) results[first + j] = values.slice(j * dims, (j + 1) * dims);
    }
    return results;
  };
}
