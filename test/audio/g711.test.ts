import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeAudio } from '../../src/audio/decode-audio.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { decodeG711, g711Table, type G711Law } from '../../src/audio/g711.ts';

const SOURCE = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';

describe('G.711 tables', () => {
  it('expand the reference codes as g711.c does (16-bit scale / 32768)', () => {
    const mu = g711Table('mulaw');
    assert.equal(mu[0xff], 0);
    assert.equal(mu[0x7f], 0);
    assert.equal(mu[0x80], 32124 / 32768);
    assert.equal(mu[0x00], -32124 / 32768);
    assert.equal(mu[0xfe] * 32768, 8); // the smallest step: 8 on the 16-bit scale
    assert.equal(mu[0x7e] * 32768, -8);
    const a = g711Table('alaw');
    assert.equal(a[0xd5] * 32768, 8);
    assert.equal(a[0x55] * 32768, -8);
    assert.equal(a[0xaa], 32256 / 32768);
    assert.equal(a[0x2a], -32256 / 32768);
  });

  it('are odd-symmetric with 255 (μ-law, two zeros) or 256 (A-law) distinct values', () => {
    assert.equal(new Set(g711Table('mulaw')).size, 255);
    assert.equal(new Set(g711Table('alaw')).size, 256);
    for (let c = 0; c < 128; c++) {
      assert.equal(g711Table('mulaw')[c] + g711Table('mulaw')[c | 0x80], 0);
      assert.equal(g711Table('alaw')[c] + g711Table('alaw')[c | 0x80], 0);
    }
  });

  it('deinterleave channels', () => {
    const [l, r] = decodeG711(Uint8Array.of(0x80, 0x00, 0xff, 0x80), 'mulaw', 2);
    assert.deepEqual([...l], [32124 / 32768, 0].map(Math.fround));
    assert.deepEqual([...r], [-32124 / 32768, 32124 / 32768].map(Math.fround));
  });
});

/**
 * Within G.711's quantisation error: the decoded sample is a table value and no farther from the
 * 16-bit source sample than the gap between the two table values around it (one step of its
 * segment; sox rounds to the nearest, so at most half that in practice), plus the 1/32767 vs
 * 1/32768 scaling difference.
 */
function assertWithinOneStep(decoded: Float32Array, source: Float32Array, law: G711Law): void {
  const values = [...new Set(g711Table(law))].sort((x, y) => x - y);
  assert.equal(decoded.length, source.length);
  for (let i = 0; i < source.length; i++) {
    const x = source[i];
    let hi = values.findIndex((v) => v >= x);
    if (hi < 0) hi = values.length - 1;
    const step = values[hi] - values[Math.max(hi - 1, 0)];
    assert.ok(values.includes(decoded[i]), `sample ${i} is not a ${law} value`);
    assert.ok(Math.abs(decoded[i] - x) <= step + 2 / 32768, `sample ${i}: ${decoded[i]} vs ${x}, step ${step}`);
  }
}

describe('μ-law and A-law WAV (sox -e mu-law / -e a-law of a 16-bit corpus file)', () => {
  const source = decodeAudio(readFileSync(SOURCE), SOURCE).samples;
  for (const law of ['mulaw', 'alaw'] as const) {
    it(`decodes ${law} within one quantisation step of the 16-bit source`, async () => {
      const path = `fixtures/audio/LJ001-0008-${law}.wav`;
      const audio = await readAudioFile(path);
      assert.equal(audio.sampleRate, 16000);
      assertWithinOneStep(audio.samples, source, law);
    });
  }

  it('decodes 8 kHz μ-law (telephony) and resamples it to 16 kHz', async () => {
    const audio = await readAudioFile('fixtures/audio/LJ001-0008-8k-mulaw.wav');
    assert.equal(audio.sampleRate, 16000);
    // 14267 samples at 8 kHz → twice that at 16 kHz
    assert.ok(Math.abs(audio.samples.length - 2 * Math.floor(source.length / 2)) <= 2, `${audio.samples.length}`);
  });
});

describe('createPcmDecoder mulaw / alaw', () => {
  it('expands one byte a sample, in any chunking, with nothing carried', async () => {
    const { createPcmDecoder } = await import('../../src/audio/create-pcm-decoder.ts');
    for (const law of ['mulaw', 'alaw'] as const) {
      const d = createPcmDecoder(law, 'phone');
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const out = [...d.decode(bytes.subarray(0, 100)), ...d.decode(bytes.subarray(100))];
      d.end();
      assert.deepEqual(out, [...g711Table(law)]);
    }
  });
});
