import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import wavDecoder from 'wav-decoder';
import { decodeWav } from '../../src/audio/decode-wav.ts';

/** wav-decoder's own output, the reference for our 16-bit fast path. */
const byWavDecoder = (bytes: Uint8Array) => wavDecoder.decode.sync(bytes.slice().buffer).channelData;

describe('decodeWav', () => {
  // (Files wav-decoder reads as they are; pcm16.wav has a chunk layout it does not.)
  for (const file of ['fixtures/synthetic/wav/stereo-pcm16.wav', 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav']) {
    it(`should decode 16-bit PCM bit-identically to wav-decoder (${file})`, () => {
      const bytes = readFileSync(file);
      const ours = decodeWav(bytes, file);
      assert.equal(ours.integer, true);
      assert.deepEqual(ours.channels, byWavDecoder(bytes));
    });
  }

  it('should decode 16-bit PCM from bytes at an odd offset in their buffer', () => {
    const file = readFileSync('fixtures/synthetic/wav/stereo-pcm16.wav');
    const shifted = new Uint8Array(file.byteLength + 1);
    shifted.set(file, 1);
    assert.deepEqual(decodeWav(shifted.subarray(1), 'shifted').channels, byWavDecoder(file));
  });

  it('should mark float files as not integer, so their samples get checked and clipped', () => {
    assert.equal(decodeWav(readFileSync('fixtures/synthetic/wav/float32.wav'), 'f').integer, false);
    assert.equal(decodeWav(readFileSync('fixtures/synthetic/wav/pcm24.wav'), 'p').integer, true);
  });
});
