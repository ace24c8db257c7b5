import { InputError } from '../errors.ts';

/**
 * Refuses NaN or infinite samples: one of them would poison every later feature and the model's
 * state for the rest of the stream.
 *
 * @param samples the signal
 * @param source file or stream name for the error
 * @param offset index of `samples[0]` in the whole stream, so the message points at the right sample
 * @throws InputError naming `source` and the first bad sample's index and value
 *
 * ## Example
 * ```ts
 * assertFiniteSamples(new Float32Array([0, NaN]), 'a.wav'); // throws "a.wav: sample 1 is NaN; …"
 * ```
 */
export function assertFiniteSamples(samples: Float32Array, source: string, offset = 0): void {
  for (let i = 0; i < samples.length; i++) {
    if (!Number.isFinite(samples[i])) {
      throw new InputError(source, `sample ${offset + i} is ${samples[i]}; samples must be finite numbers`);
    }
  }
}
