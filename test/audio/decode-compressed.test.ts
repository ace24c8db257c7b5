import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeAudio, decodeAudioFile } from '../../src/audio/decode-audio.ts';
import { compressedFormatOf } from '../../src/audio/decode-compressed.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { InputError } from '../../src/errors.ts';

// fixtures/audio/LJ001-0008.flac: `sox LJ001-0008.wav LJ001-0008.flac`;
// fixtures/audio/LJ001-0008.mp3: `lame -b 64 LJ001-0008.wav` (LAME 3.100, with its gapless Info header).
const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const source = decodeAudio(readFileSync(WAV), WAV).samples;

function correlation(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/** An ID3v2.4 tag of `n` bytes of padding before `bytes` (the size is syncsafe: 7 bits a byte). */
function withId3(bytes: Uint8Array, n = 100): Uint8Array {
  const out = new Uint8Array(10 + n + bytes.length);
  out.set([0x49, 0x44, 0x33, 4, 0, 0, (n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
  out.set(bytes, 10 + n);
  return out;
}

describe('FLAC and MP3', () => {
  const flac = new Uint8Array(readFileSync('fixtures/audio/LJ001-0008.flac'));
  const mp3 = new Uint8Array(readFileSync('fixtures/audio/LJ001-0008.mp3'));

  it('are told by their magic bytes, not the extension', () => {
    assert.equal(compressedFormatOf(flac), 'flac');
    assert.equal(compressedFormatOf(mp3), 'mp3');
    assert.equal(compressedFormatOf(withId3(mp3)), 'mp3');
    assert.equal(compressedFormatOf(withId3(flac)), 'flac');
    assert.equal(compressedFormatOf(readFileSync(WAV)), undefined);
    // AAC ADTS shares the 12 sync bits but has layer 00: not MPEG audio
    assert.equal(compressedFormatOf(Uint8Array.of(0xff, 0xf1, 0x50, 0x80)), undefined);
  });

  it('decodes 16-bit FLAC to exactly the samples of the WAV it was made from', async () => {
    const audio = await readAudioFile('fixtures/audio/LJ001-0008.flac');
    assert.equal(audio.sampleRate, 16000);
    assert.deepEqual(audio.samples, source);
  });

  it('decodes 24-bit FLAC to exactly the samples of the WAV it was made from (sox pcm24.wav tone-pcm24.flac)', async () => {
    const wav = await readAudioFile('fixtures/synthetic/wav/pcm24.wav');
    assert.deepEqual((await readAudioFile('fixtures/audio/tone-pcm24.flac')).samples, wav.samples);
  });

  it('decodes MP3 (lossy): the same length (gapless header) and a correlation ≥ 0.95 with the WAV', async () => {
    const audio = await readAudioFile('fixtures/audio/LJ001-0008.mp3');
    assert.equal(audio.sampleRate, 16000);
    assert.equal(audio.samples.length, source.length);
    const r = correlation(audio.samples, source);
    assert.ok(r >= 0.95, `correlation ${r}`);
  });

  it('skips an ID3v2 tag before the MP3 frames', async () => {
    const audio = await decodeAudioFile(withId3(mp3), 'tagged.mp3');
    assert.equal(audio.samples.length, source.length);
  });

  it('refuses a truncated or corrupt file, naming it', async () => {
    await assert.rejects(decodeAudioFile(flac.subarray(0, 60), 'cut.flac'), (err: unknown) => err instanceof InputError && /^cut\.flac: /.test(err.message));
    const junk = Uint8Array.from({ length: 4000 }, (_, i) => (i < 4 ? [0xff, 0xfb, 0x90, 0x64][i] : (i * 7919) & 0xff));
    await assert.rejects(decodeAudioFile(junk, 'junk.mp3'), (err: unknown) => err instanceof InputError && /^junk\.mp3: /.test(err.message));
  });

  it('the synchronous decodeAudio says to use the asynchronous one', () => {
    assert.throws(() => decodeAudio(flac, 'a.flac'), /a\.flac: FLAC: decoded only asynchronously/);
  });
});
