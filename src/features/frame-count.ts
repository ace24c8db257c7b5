/**
 * Number of whole analysis windows in a signal: floor((N − windowSize) / hopSize) + 1, or 0 when
 * the signal is shorter than one window (at 16 kHz: floor((N − 400) / 160) + 1).
 *
 * @param samples signal length N in samples
 * @param windowSize window length in samples (400 = 25 ms)
 * @param hopSize hop in samples (160 = 10 ms)
 *
 * ## Example
 * ```ts
 * frameCount(16000, 400, 160); // 98 frames in one second
 * ```
 */
export function frameCount(samples: number, windowSize: number, hopSize: number): number {
  return samples < windowSize ? 0 : Math.floor((samples - windowSize) / hopSize) + 1;
}
