import Meyda from 'meyda';
import type { FeatureConfig } from '../../src/features/feature-config.ts';
import { windowFunction } from '../../src/features/window-function.ts';

// meyda's public API, used plainly as the reference: a rectangular "window" because we pass it the
// already windowed, zero-padded frame (meyda would otherwise window all fftSize samples, padding included).
type MeydaGlobal = { extract(f: string, s: Float32Array): number[] } & Record<string, unknown>;
const meyda = Meyda as unknown as MeydaGlobal;

/** Meyda.extract('mfcc') of the scaled, windowed frame zero-padded to fftSize. */
export function meydaMfcc(frame: Float32Array, cfg: FeatureConfig): number[] {
  Object.assign(meyda, { bufferSize: cfg.fftSize, sampleRate: cfg.sampleRate, windowingFunction: 'rect', melBands: cfg.melBands, numberOfMFCCCoefficients: cfg.numCepstra + 1 });
  const w = windowFunction(cfg.window, cfg.windowSize);
  const padded = new Float32Array(cfg.fftSize);
  for (let n = 0; n < cfg.windowSize; n++) padded[n] = frame[n] * cfg.sampleScale * w[n];
  return meyda.extract('mfcc', padded);
}
