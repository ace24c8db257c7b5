import type { WindowKind } from './feature-config.ts';

/**
 * The symmetric analysis window of `length` samples (as HTK and MATLAB's `hamming(N)` define it):
 * Hamming 0.54 − 0.46·cos(2πn/(N−1)), Hann 0.5 − 0.5·cos(2πn/(N−1)). We window the 400 samples
 * ourselves and zero-pad afterwards, because meyda would window the padded 512-sample buffer.
 *
 * @param kind `hamming` or `hann`
 * @param length window length in samples (400 = 25 ms at 16 kHz)
 *
 * ## Example
 * ```ts
 * const w = windowFunction('hamming', 400); // w[0] ≈ 0.08, w[199] ≈ 1
 * ```
 */
export function windowFunction(kind: WindowKind, length: number): Float64Array {
  const w = new Float64Array(length);
  const [a, b] = kind === 'hamming' ? [0.54, 0.46] : [0.5, 0.5];
  const denom = Math.max(1, length - 1);
  for (let n = 0; n < length; n++) w[n] = a - b * Math.cos((2 * Math.PI * n) / denom);
  return w;
}
