import { InputError } from '../errors.ts';
import { DEFAULT_FEATURE_CONFIG } from './feature-config.ts';

/**
 * Refuses audio too short for a single analysis window (at 16 kHz: 400 samples, 25 ms), which
 * would give no frames at all: an InputError naming the file and its length.
 *
 * @param samples the audio's length at 16 kHz
 * @param source the file, for the message
 * @param windowSize samples per window (default 400)
 *
 * ## Example
 * ```ts
 * assertAtLeastOneFrame(300, 'a.wav'); // InputError: a.wav: shorter than one 25 ms frame: 300 samples at 16 kHz (400 needed)
 * ```
 */
export function assertAtLeastOneFrame(samples: number, source: string, windowSize = DEFAULT_FEATURE_CONFIG.windowSize): void {
  if (samples >= windowSize) return;
  const ms = (1000 * windowSize) / 16000;
  throw new InputError(source, `shorter than one ${ms} ms frame: ${samples} samples at 16 kHz (${windowSize} needed)`);
}
