import { InputError } from '../errors.ts';
import type { PcmEncoding } from './messages.ts';

/**
 * Checks one binary message of PCM before it reaches the pipeline: whole samples only (whole
 * sample frames, one sample per channel, when there are several channels), and no NaN or
 * infinite float32 sample (one NaN would poison the model's state for the whole stream).
 *
 * @param bytes - the message as received (little-endian samples, channels interleaved).
 * @param encoding - the encoding announced by the stream's `start`.
 * @param channels - the channels announced by the stream's `start` (default 1).
 * @throws InputError (source `binary`) naming the problem.
 *
 * ## Example
 * ```ts
 * assertPcmBytes(new Uint8Array(3), 'int16'); // throws "binary: int16 PCM needs an even number of bytes, got 3"
 * assertPcmBytes(new Uint8Array(6), 'int16', 2); // throws "binary: int16 PCM with channels 2 needs whole sample frames, a multiple of 4 bytes (2 channels × 2 bytes), got 6"
 * ```
 */
export function assertPcmBytes(bytes: Uint8Array, encoding: PcmEncoding, channels = 1): void {
  const width = encoding === 'int16' ? 2 : 4;
  if (channels > 1 && bytes.byteLength % (width * channels) !== 0) {
    throw new InputError(
      'binary',
      `${encoding} PCM with channels ${channels} needs whole sample frames, a multiple of ${width * channels} bytes ` +
        `(${channels} channels × ${width} bytes), got ${bytes.byteLength}`,
    );
  }
  if (bytes.byteLength % width !== 0) {
    const expected = width === 2 ? 'an even number of bytes' : 'a multiple of 4 bytes';
    throw new InputError('binary', `${encoding} PCM needs ${expected}, got ${bytes.byteLength}`);
  }
  if (encoding === 'float32') {
    // DataView: the received buffer may not be 4-byte aligned, which a Float32Array view requires.
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let k = 0; k < bytes.byteLength; k += 4) {
      const x = view.getFloat32(k, true);
      if (!Number.isFinite(x)) {
        throw new InputError('binary', `float32 sample ${k / 4} is ${x}; samples must be finite numbers`);
      }
    }
  }
}
