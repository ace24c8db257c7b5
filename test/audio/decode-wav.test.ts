import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import wavDecoder from 'wav-decoder';
import { decodeWav } from '../../src/audio/decode-wav.ts';

/** wav-decoder's own output, the reference for our 16-bit fast path. */
const byWavDecoder = (bytes: Uint8Array) => wavDecoder.decode.sync(bytes.slice().buffer).channelData;

/** A canonical 44-byte-header 16-bit PCM WAV at 16 kHz of interleaved `pcm`. */
function pcm16Wav(pcm: Int16Array, channels: number): Uint8Array {
  const bytes = new Uint8Array(44 + pcm.byteLength);
  const v = new DataView(bytes.buffer);
  bytes.set(Buffer.from('RIFF'), 0);
  v.setUint32(4, 36 + pcm.byteLength, true);
  bytes.set(Buffer.from('WAVEfmt '), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, 16000, true);
  v.setUint32(28, 16000 * 2 * channels, true);
  v.setUint16(32, 2 * channels, true);
  v.setUint16(34, 16, true);
  bytes.set(Buffer.from('data'), 36);
  v.setUint32(40, pcm.byteLength, true);
  for (let i = 0; i < pcm.length; i++) v.setInt16(44 + 2 * i, pcm[i], true);
  return bytes;
}

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

  it('should decode every 16-bit value as wav-decoder does, mono and interleaved stereo', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => ((i * 7919) % 65536) - 32768); // each value once, shuffled
    for (const channels of [1, 2]) {
      const file = pcm16Wav(all, channels);
      assert.deepEqual(decodeWav(file, 'all.wav').channels, byWavDecoder(file), `${channels} channel(s)`);
    }
  });

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
