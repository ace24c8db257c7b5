import { InputError } from '../errors.ts';
import type { PcmEncoding } from './messages.ts';

/**
 * Checks one binary message of PCM before it reaches the pipeline: whole samples only, and no
 * NaN or infinite float32 sample (one NaN would poison the model's state for the whole stream).
 *
 * @param bytes - the message as received (little-endian samples).
 * @param encoding - the encoding announced by the stream's `start`.
 * @throws InputError (source `binary`) naming the problem.
 *
 * ## Example
 * ```ts
 * assertPcmBytes(new Uint8Array(3), 'int16'); // throws "binary: int16 PCM needs an even number of bytes, got 3"
 * ```
 */
export function assertPcmBytes(bytes: Uint8Array, encoding: PcmEncoding): void {
  const width = encoding === 'int16' ? 2 : 4;
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
