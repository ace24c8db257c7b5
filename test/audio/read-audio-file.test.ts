import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeAudio } from '../../src/audio/decode-audio.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { InputError } from '../../src/errors.ts';

const SYN = 'fixtures/synthetic';
// The generator's tone: 440 Hz at half scale, 0.1 s at 16 kHz.
const tone = Float64Array.from({ length: 1600 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));

function maxError(actual: Float32Array, expected: ArrayLike<number>, scale = 1): number {
  assert.equal(actual.length, expected.length);
  let m = 0;
  for (let i = 0; i < actual.length; i++) m = Math.max(m, Math.abs(actual[i] - scale * expected[i]));
  return m;
}

describe('readAudioFile', () => {
  it('reads a real 16 kHz 16-bit corpus file unchanged (no resampling)', async () => {
    const path = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
    const audio = await readAudioFile(path);
    assert.equal(audio.sampleRate, 16000);
    assert.equal(audio.source, path);
    const bytes = readFileSync(path);
    // 16-bit mono: sample count = data bytes / 2; the canonical header here is 44 bytes.
    assert.equal(audio.samples.length, (bytes.length - 44) / 2);
    const raw = bytes.readInt16LE(44 + 2 * 5000);
    assert.equal(audio.samples[5000], Math.fround(raw < 0 ? raw / 32768 : raw / 32767));
  });

  // Tolerances are each encoding's quantisation step (8-bit: 1/127).
  const encodings: [string, number][] = [
    ['pcm8.wav', 1 / 127],
    ['pcm16.wav', 1 / 32767],
    ['pcm16-size-unknown.wav', 1 / 32767],
    ['pcm24.wav', 1e-6],
    ['pcm24-extensible.wav', 1e-6],
    ['pcm32.wav', 1e-7],
    ['float32.wav', 1e-7],
    ['float64.wav', 1e-7],
  ];
  for (const [file, tolerance] of encodings) {
    it(`decodes ${file} to the generated tone`, async () => {
      const audio = await readAudioFile(`${SYN}/wav/${file}`);
      assert.equal(audio.sampleRate, 16000);
      assert.ok(maxError(audio.samples, tone) <= tolerance, `max error ${maxError(audio.samples, tone)}`);
    });
  }

  it('mixes stereo to mono by averaging', async () => {
    const audio = await readAudioFile(`${SYN}/wav/stereo-pcm16.wav`);
    assert.ok(maxError(audio.samples, tone, 0.5) <= 1 / 32767);
  });

  it('mixes 4 channels of WAVE_FORMAT_EXTENSIBLE float', async () => {
    const audio = await readAudioFile(`${SYN}/wav/quad-float32-extensible.wav`);
    // (tone + tone + 0.25 − 0.25) / 4
    assert.ok(maxError(audio.samples, tone, 0.5) <= 1e-7);
  });

  it('decodes full-scale negative 24-bit samples as -1 (works around wav-decoder)', async () => {
    const audio = await readAudioFile(`${SYN}/wav/pcm24-full-scale.wav`);
    assert.deepEqual(Array.from(audio.samples), [-1, 1, 0, -0.5]);
  });

  it('clips float samples past full scale to [-1, 1]', async () => {
    const audio = await readAudioFile(`${SYN}/wav/float32-over-full-scale.wav`);
    assert.deepEqual(Array.from(audio.samples), [1, -1, 0.25]);
  });

  for (const file of ['little-endian.sph', 'big-endian.sph']) {
    it(`decodes NIST SPHERE ${file} like the same samples in a WAV`, async () => {
      const audio = await readAudioFile(`${SYN}/sphere/${file}`);
      const wav = await readAudioFile(`${SYN}/wav/pcm16.wav`);
      assert.equal(audio.sampleRate, 16000);
      assert.deepEqual(audio.samples, wav.samples);
    });
  }

  it('tells SPHERE from WAV by content, not extension (TIMIT .WAV files are SPHERE)', async () => {
    const audio = await readAudioFile(`${SYN}/timit/TRAIN/DR1/FAKE0/SA1.WAV`);
    assert.ok(maxError(audio.samples, tone) <= 1 / 32767);
  });

  const bad: [string, RegExp][] = [
    ['not-audio.wav', /not a WAV, NIST SPHERE, FLAC or MP3 file/],
    ['empty.wav', /empty file/],
    ['truncated-header.wav', /truncated WAV header/],
    ['truncated-data.wav', /truncated data chunk: header says 3200 bytes, file has 1000/],
    ['zero-samples.wav', /zero samples/],
    ['float32-nan.wav', /sample 2 is NaN/],
    ['float32-infinity.wav', /sample 1 is -Infinity/],
    ['ima-adpcm.wav', /unsupported WAV encoding IMA ADPCM/],
    ['pcm12.wav', /unsupported WAV encoding: 12-bit PCM/],
    ['sphere-truncated.sph', /truncated SPHERE data/],
    ['sphere-shorten.sph', /unsupported SPHERE sample_coding "pcm,embedded-shorten-v2.00"/],
    ['sphere-zero-samples.sph', /zero samples/],
  ];
  for (const [file, pattern] of bad) {
    it(`refuses ${file} with an InputError naming the file`, async () => {
      const path = `${SYN}/bad/${file}`;
      await assert.rejects(readAudioFile(path), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.equal(err.source, path);
        assert.ok(err.message.startsWith(`${path}: `));
        assert.match(err.message, pattern);
        return true;
      });
    });
  }

  it('names a missing file', async () => {
    await assert.rejects(readAudioFile(`${SYN}/nope.wav`), /nope\.wav: cannot read file \(ENOENT\)/);
  });

  it('decodeAudio keeps the file rate (no resampling)', () => {
    const audio = decodeAudio(readFileSync(`${SYN}/rates/sine-1k-at-44k1.wav`), 'x.wav');
    assert.equal(audio.sampleRate, 44100);
    assert.equal(audio.samples.length, 11025);
  });
});
