import { createRequire } from 'node:module';
import type { FeatureConfig } from './feature-config.ts';
import { createAmplitudeSpectrum } from './create-amplitude-spectrum.ts';
import { windowFunction } from './window-function.ts';

// The one place phonestream uses meyda. Its public `Meyda.extract` recomputes everything per call
// (fftjs allocating per butterfly, a dense 26 × 256 filterbank product with 26 fresh arrays, a
// map/reduce DCT) and runs at ~4,000–6,000 frames/s here; even its `mfcc` extractor alone, given a
// precomputed spectrum, stays under 10,000. So we take meyda's mel filterbank from meyda itself and
// repeat its arithmetic step for step (Float32 amplitude and power, Float32 accumulation in filter
// order, log(x + 1), the `dct` package's unnormalised DCT-II × 2), on precomputed tables.
// test/features/create-mfcc-extractor.test.ts checks the result against Meyda.extract.
const require = createRequire(import.meta.url);
const meydaUtilities = require('meyda/dist/node/utilities.js') as {
  createMelFilterBank(numFilters: number, sampleRate: number, bufferSize: number): number[][];
};

type MfccConfig = Pick<FeatureConfig, 'sampleRate' | 'windowSize' | 'fftSize' | 'window' | 'melBands' | 'numCepstra' | 'sampleScale'>;

/**
 * Builds a per-frame MFCC function: scales a pre-emphasised frame by `sampleScale`, applies the
 * window, zero-pads it to `fftSize` and returns meyda's MFCCs c1..c{numCepstra} followed by the
 * log energy log(1 + Σ (scale·y[n])²) of the un-windowed frame (replacing c0, as HTK's `_E`).
 * All tables (window, FFT plan, meyda's mel filterbank, DCT cosines) are built once here; a call
 * allocates only its result.
 *
 * @param cfg sizes in samples, `sampleRate` in Hz (16000), mel bands, number of cepstra, sample scale
 * @returns `(frame)` → Float32Array of numCepstra + 1 values; `frame` has `windowSize` samples
 *
 * ## Example
 * ```ts
 * const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
 * const v = mfcc(frame400); // 13 values: c1..c12, log energy
 * ```
 */
export function createMfccExtractor(cfg: MfccConfig): (frame: Float32Array) => Float32Array {
  const { windowSize, fftSize, numCepstra, sampleScale } = cfg;
  const bins = fftSize / 2;
  const coefficients = numCepstra + 1; // c0 is computed by meyda's DCT too, then dropped
  const window = windowFunction(cfg.window, windowSize);
  const spectrum = createAmplitudeSpectrum(fftSize);

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

  // Float32 like the signal meyda.extract converts its input to; samples beyond windowSize stay 0.
  const padded = new Float32Array(fftSize);
  const amplitudes = new Float32Array(bins);
  const logMel = new Float32Array(filters);
  const f32 = Math.fround;

  return (frame) => {
    let energy = 0;
    for (let n = 0; n < windowSize; n++) {
      const y = frame[n] * sampleScale;
      energy += y * y;
      padded[n] = y * window[n];
    }
    spectrum(padded, amplitudes);
    for (let f = 0; f < filters; f++) {
      const w = weights[f];
      const lo = firstBin[f];
      let sum = 0;
      for (let j = 0; j < w.length; j++) {
        const a = amplitudes[lo + j];
        sum = f32(sum + f32(w[j] * f32(a * a)));
      }
      logMel[f] = Math.log(sum + 1);
    }
    const out = new Float32Array(coefficients);
    for (let k = 1; k < coefficients; k++) {
      let c = 0;
      const row = k * filters;
      for (let n = 0; n < filters; n++) c += logMel[n] * cosines[row + n];
      out[k - 1] = 2 * c;
    }
    out[numCepstra] = Math.log(1 + energy);
    return out;
  };
}
