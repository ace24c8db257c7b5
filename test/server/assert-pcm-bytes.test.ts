import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertPcmBytes } from '../../src/server/assert-pcm-bytes.ts';

function float32Bytes(values: number[], offset = 0): Uint8Array {
  const buffer = new ArrayBuffer(offset + values.length * 4);
  const view = new DataView(buffer, offset);
  values.forEach((v, k) => view.setFloat32(k * 4, v, true));
  return new Uint8Array(buffer, offset);
}

describe('assertPcmBytes', () => {
  it('accepts whole int16 and float32 samples, and an empty message', () => {
    assertPcmBytes(new Uint8Array(6), 'int16');
    assertPcmBytes(float32Bytes([0, 0.5, -1]), 'float32');
    assertPcmBytes(new Uint8Array(0), 'float32');
  });

  it('refuses an odd int16 byte count', () => {
    assert.throws(() => assertPcmBytes(new Uint8Array(3), 'int16'), {
      message: 'binary: int16 PCM needs an even number of bytes, got 3',
    });
  });

  it('refuses a float32 byte count that is not a multiple of 4', () => {
    assert.throws(() => assertPcmBytes(new Uint8Array(6), 'float32'), {
      message: 'binary: float32 PCM needs a multiple of 4 bytes, got 6',
    });
  });

  it('refuses NaN and infinite float32 samples, naming the sample, even in an unaligned buffer', () => {
    assert.throws(() => assertPcmBytes(float32Bytes([0, 0, NaN], 1), 'float32'), {
      message: 'binary: float32 sample 2 is NaN; samples must be finite numbers',
    });
    assert.throws(() => assertPcmBytes(float32Bytes([Infinity]), 'float32'), /sample 0 is Infinity/);
  });

  it('with channels, refuses a message that is not whole sample frames, naming channels and the sizes', () => {
    assertPcmBytes(new Uint8Array(8), 'int16', 2);
    assertPcmBytes(float32Bytes([0, 0.5, 0, 0.5, 1, 1]), 'float32', 3);
    assert.throws(() => assertPcmBytes(new Uint8Array(6), 'int16', 2), {
      message: 'binary: int16 PCM with channels 2 needs whole sample frames, a multiple of 4 bytes (2 channels × 2 bytes), got 6',
    });
    assert.throws(() => assertPcmBytes(float32Bytes([0, 0]), 'float32', 3), {
      message: 'binary: float32 PCM with channels 3 needs whole sample frames, a multiple of 12 bytes (3 channels × 4 bytes), got 8',
    });
  });
});
