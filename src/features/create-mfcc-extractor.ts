import { createRequire } from 'node:module';
import type { FeatureConfig } from './feature-config.ts';
import { createAmplitudeSpectrum } from './create-amplitude-spectrum.ts';
import { realFftPlan } from './real-fft-plan.ts';
import { windowFunction } from './window-function.ts';

// The one place phonestream uses meyda. Its public `Meyda.extract` recomputes everything per call
// (fftjs allocating per butterfly, a dense 26 × 256 filterbank product with 26 fresh arrays, a
// map/reduce DCT) and runs at ~4,000–6,000 frames/s here; even its `mfcc` extractor alone, given a
// precomputed spectrum, stays under 10,000. So we take meyda's mel filterbank from meyda itself and
// repeat its arithmetic step for step (Float32 amplitude and power, Float32 accumulation in filter
// order, log(x + 1), the `dct` package's unnormalised DCT-II × 2), on precomputed tables, with the
// FFT done by PFFFT in wasm SIMD a batch of frames at a time (single precision where meyda's fftjs
// is double: test/features/create-mfcc-extractor.test.ts bounds the difference per coefficient).
const require = createRequire(import.meta.url);
const meydaUtilities = require('meyda/dist/node/utilities.js') as {
  createMelFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
};

type MfccConfig = Pick<FeatureConfig, 'sampleRate' | 'windowSize' | 'hopSize' | 'fftSize' | 'window' | 'melBands' | 'numCepstra' | 'sampleScale'>;

/** Frames per batch when the JS FFT is used (fftSize < 32, which PFFFT cannot do). */
const JS_CAPACITY = 64;

/**
 * Builds a batch MFCC function: for each of `count` frames of a block of pre-emphasised samples
 * (frame j at `samples[j·hopSize …]`, `windowSize` long), scales it by `sampleScale`, applies the
 * window, zero-pads it to `fftSize` and returns meyda's MFCCs c1..c{numCepstra} followed by the
 * log energy log(1 + Σ (scale·y[n])²) of the un-windowed frame (replacing c0, as HTK's `_E`).
 * Each frame's result depends on its own samples only, never on the rest of the block.
 * All tables (window, FFT plan, meyda's mel filterbank, DCT cosines) are built once here; a call
 * allocates only its results.
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
export function createMfccExtractor(cfg: MfccConfig): (samples: Float32Array, count?: number) => Float32Array[] {
  const { windowSize, hopSize, fftSize, numCepstra, sampleScale } = cfg;
  const bins = fftSize / 2;
  const coefficients = numCepstra + 1; // c0 is computed by meyda's DCT too, then dropped
  const window = windowFunction(cfg.window, windowSize);

  // meyda builds max(melBands, coefficients) filters; only bins below fftSize/2 are used.
  const bank = meydaUtilities.createMelFilterBank(Math.max(cfg.melBands, coefficients), cfg.sampleRate, fftSize);
  const filters = bank.length;
  const firstBin = new Int32Array(filters);
  const weights: Float64Array[] = [];
  for (let f = 0; f < filters; f++) {
    const row = bank[f];
    let lo = 0;
    while (lo < bins && row[lo] === 0) lo++;
    let hi = bins;
    while (hi > lo && row[hi - 1] === 0) hi--;
    firstBin[f] = lo;
    weights.push(Float64Array.from(row.slice(lo, hi)));
  }
  // The `dct` package's table: cos(π/N · (n + 0.5) · k), computed the same way for equal rounding.
  const piN = Math.PI / filters;
  const cosines = new Float64Array(coefficients * filters);
  for (let k = 0; k < coefficients; k++) {
    for (let n = 0; n < filters; n++) cosines[k * filters + n] = Math.cos(piN * (n + 0.5) * k);
  }

  // PFFFT for sizes it supports (multiples of 32); the JS kernel below that. Either way the
  // windowed frames are written into a batch buffer and the amplitude spectra come out as a batch.
  const plan = fftSize % 32 === 0 ? realFftPlan(fftSize) : null;
  const capacity = plan ? plan.capacity : JS_CAPACITY;
  const jsSpectrum = plan ? null : createAmplitudeSpectrum(fftSize);
  const jsInput = plan ? null : new Float32Array(capacity * fftSize);
  const amplitudes = new Float32Array(capacity * bins);
  const logEnergy = new Float64Array(capacity);
  const logMel = new Float32Array(filters);
  const f32 = Math.fround;

  /** Amplitude spectra |X[k]| (Float32, as meyda's ampSpectrum) of batch frames 0 … n − 1. */
  const spectra = (n: number): void => {
    if (jsSpectrum) {
      for (let j = 0; j < n; j++) jsSpectrum(jsInput!.subarray(j * fftSize, (j + 1) * fftSize), amplitudes.subarray(j * bins, (j + 1) * bins));
      return;
    }
    plan!.forward(n);
    const out = plan!.output();
    for (let j = 0; j < n; j++) {
      const o = j * fftSize;
      const a = j * bins;
      amplitudes[a] = Math.abs(out[o]); // DC; out[o + 1] is the Nyquist bin, which meyda drops
      for (let k = 1; k < bins; k++) {
        const re = out[o + 2 * k];
        const im = out[o + 2 * k + 1];
        amplitudes[a + k] = Math.sqrt(re * re + im * im);
      }
    }
  };

  /** Scales, windows and zero-pads the frame at samples[at …] into input[base …]; returns its log energy. */
  const windowFrame = (input: Float32Array, base: number, samples: Float32Array, at: number): number => {
    let energy = 0;
    for (let i = 0; i < windowSize; i++) {
      const y = samples[at + i] * sampleScale;
      energy += y * y;
      input[base + i] = y * window[i];
    }
    for (let i = base + windowSize; i < base + fftSize; i++) input[i] = 0;
    return Math.log(1 + energy);
  };

  /** meyda's mel energies, log(x + 1) and DCT of the amplitude spectrum at amplitudes[a …]. */
  const cepstra = (a: number, out: Float32Array): void => {
    for (let f = 0; f < filters; f++) {
      const w = weights[f];
      const lo = a + firstBin[f];
      let sum = 0;
      for (let i = 0; i < w.length; i++) {
        const amp = amplitudes[lo + i];
        sum = f32(sum + f32(w[i] * f32(amp * amp)));
      }
      logMel[f] = Math.log(sum + 1);
    }
    for (let k = 1; k < coefficients; k++) {
      let c = 0;
      const row = k * filters;
      for (let m = 0; m < filters; m++) c += logMel[m] * cosines[row + m];
      out[k - 1] = 2 * c;
    }
  };

  return (samples, count = 1) => {
    if (!Number.isInteger(count) || count < 0 || (count > 0 && samples.length < (count - 1) * hopSize + windowSize)) {
      throw new RangeError(`createMfccExtractor: ${count} frames need ${(count - 1) * hopSize + windowSize} samples, got ${samples.length}`);
    }
    const results: Float32Array[] = [];
    for (let first = 0; first < count; first += capacity) {
      const n = Math.min(capacity, count - first);
      // Float32 like the signal meyda.extract converts its input to, zero-padded. The buffer may be
      // shared with other extractors (the PFFFT plan is per size), so the padding is rewritten on
      // every use rather than once.
      const input = plan ? plan.input() : jsInput!;
      for (let j = 0; j < n; j++) logEnergy[j] = windowFrame(input, j * fftSize, samples, (first + j) * hopSize);
      spectra(n);
      for (let j = 0; j < n; j++) {
        const out = new Float32Array(coefficients);
        cepstra(j * bins, out);
        out[numCepstra] = logEnergy[j];
        results.push(out);
      }
    }
    return results;
  };
}
