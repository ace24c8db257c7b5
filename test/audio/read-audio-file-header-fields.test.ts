import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeAudio } from '../../src/audio/decode-audio.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { InputError } from '../../src/errors.ts';

// Corrupted copies of real fixtures, written where a user's file would be: the error must name it.
const dir = mkdtempSync(join(tmpdir(), 'phonestream-header-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LJ = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const SPHERE = 'fixtures/synthetic/sphere/little-endian.sph';
// Offsets in the canonical 44-byte header LJ001-0008.wav has.
const WAV_FIELD = { channels: [22, 2], sampleRate: [24, 4], blockAlign: [32, 2], bitsPerSample: [34, 2], dataSize: [40, 4] } as const;

function corruptWav(name: string, field: keyof typeof WAV_FIELD, value: number): string {
  const bytes = Buffer.from(readFileSync(LJ));
  const [at, width] = WAV_FIELD[field];
  if (width === 2) bytes.writeUInt16LE(value, at);
  else bytes.writeUInt32LE(value, at);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The SPHERE fixture with one header line's value replaced, the header kept at its 1024 bytes. */
function corruptSphere(name: string, field: string, value: string, headerSize = 1024): string {
  const text = Buffer.from(readFileSync(SPHERE)).toString('latin1');
  const edited = text.slice(0, 1024).replace(new RegExp(`^${field} (-\\S+) .*$`, 'm'), `${field} $1 ${value}`);
  const head = edited.replace(/^( +1024)/m, String(headerSize).padStart(7)).replace(/ +$/, '');
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([Buffer.from(head.padEnd(headerSize, ' '), 'latin1'), Buffer.from(text.slice(1024), 'latin1')]));
  return path;
}

async function assertRefused(path: string, pattern: RegExp): Promise<void> {
  await assert.rejects(readAudioFile(path), (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.equal(err.source, path);
    assert.ok(err.message.startsWith(`${path}: `), err.message);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('readAudioFile: corrupt WAV header fields', () => {
  const rates: [string, number][] = [
    ['zero', 0],
    ['one', 1],
    ['below 8 kHz', 7999],
    ['above 192 kHz', 192001],
    ['maxed', 0xffffffff],
  ];
  for (const [what, rate] of rates) {
    it(`refuses a sample rate of ${rate} (${what}), naming the file and the field`, async () => {
      await assertRefused(corruptWav(`rate-${rate}.wav`, 'sampleRate', rate), new RegExp(`fmt sampleRate is ${rate}: expected 8000\\.\\.192000 Hz`));
    });
  }

  it('still reads the lowest and highest rates it allows', async () => {
    for (const rate of [8000, 192000]) {
      const audio = await readAudioFile(corruptWav(`rate-ok-${rate}.wav`, 'sampleRate', rate));
      assert.equal(audio.sampleRate, 16000);
      assert.equal(audio.samples.length, Math.floor((28535 * 16000) / rate));
    }
  });

  it('refuses 0 or 65535 channels, naming the field', async () => {
    await assertRefused(corruptWav('channels-0.wav', 'channels', 0), /fmt channels is 0: expected 1\.\.256/);
    await assertRefused(corruptWav('channels-max.wav', 'channels', 0xffff), /fmt channels is 65535: expected 1\.\.256/);
  });

  it('refuses a block align that does not match channels and bits', async () => {
    await assertRefused(corruptWav('block-align.wav', 'blockAlign', 3), /fmt blockAlign is 3: expected 2 \(1 channel × 16 bits \/ 8\)/);
  });

  it('refuses zeroed bits per sample, naming the field', async () => {
    await assertRefused(corruptWav('bits-0.wav', 'bitsPerSample', 0), /fmt bitsPerSample is 0: expected 8, 16, 24 or 32 for PCM/);
  });

  it('refuses a data size past the end of the file (4 GB claimed) without allocating it', async () => {
    const path = corruptWav('data-huge.wav', 'dataSize', 0xfffffff0);
    const before = process.memoryUsage().arrayBuffers;
    await assertRefused(path, /truncated data chunk: header says 4294967280 bytes, file has 57070/);
    // Allocating what the header claims would add GBs here (nothing can free it in between but a GC).
    assert.ok(process.memoryUsage().arrayBuffers - before < 50e6);
  });

  it('reads a data size of 0 (a writer that never finalised its header) to the end of the file', async () => {
    const audio = await readAudioFile(corruptWav('data-0.wav', 'dataSize', 0));
    assert.deepEqual(audio.samples, (await readAudioFile(LJ)).samples);
  });
});

describe('readAudioFile: chunk layout', () => {
  it('reads a WAV with an odd-sized chunk (and its pad byte) before the data', async () => {
    const tone = readFileSync('fixtures/synthetic/wav/pcm16.wav');
    // RIFF rules: a 3-byte LIST chunk is followed by one pad byte before the next chunk.
    const list = Buffer.from('LIST\x03\x00\x00\x00abc\x00', 'latin1');
    const path = join(dir, 'odd-chunk.wav');
    writeFileSync(path, Buffer.concat([tone.subarray(0, 36), list, tone.subarray(36)]));
    assert.deepEqual((await readAudioFile(path)).samples, (await readAudioFile('fixtures/synthetic/wav/pcm16.wav')).samples);
  });
});

describe('readAudioFile: corrupt NIST SPHERE header fields', () => {
  for (const rate of ['0', '7999', '192001', '4294967295']) {
    it(`refuses sample_rate ${rate}, naming the file and the field`, async () => {
      await assertRefused(corruptSphere(`rate-${rate}.sph`, 'sample_rate', rate), new RegExp(`SPHERE sample_rate is ${rate}: expected 8000\\.\\.192000 Hz`));
    });
  }

  it('refuses channel_count 0 or 100000', async () => {
    await assertRefused(corruptSphere('channels-0.sph', 'channel_count', '0'), /SPHERE channel_count is 0: expected 1\.\.256/);
    await assertRefused(corruptSphere('channels-big.sph', 'channel_count', '100000'), /SPHERE channel_count is 100000: expected 1\.\.256/);
  });

  it('refuses sample_n_bytes other than 2', async () => {
    await assertRefused(corruptSphere('width-0.sph', 'sample_n_bytes', '0'), /SPHERE sample_n_bytes is 0: expected 2 \(16-bit PCM\)/);
  });

  it('refuses a sample_count past the end of the file (4 G samples claimed) without allocating it', async () => {
    const path = corruptSphere('count-huge.sph', 'sample_count', '4294967295');
    const before = process.memoryUsage().arrayBuffers;
    await assertRefused(path, /truncated SPHERE data: header says 4294967295 samples \(8589934590 bytes\), file has 3200 bytes/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 50e6);
  });

  it('reads a header far larger than usual (128 KB) instead of crashing on it', async () => {
    const audio = await readAudioFile(corruptSphere('big-header.sph', 'sample_rate', '16000', 131072));
    assert.deepEqual(audio.samples, (await readAudioFile(SPHERE)).samples);
  });

  it('quotes only the start of a long bad header line', async () => {
    const path = corruptSphere('long-line.sph', 'sample_sig_bits', `16\n${'x'.repeat(500)}`);
    await assertRefused(path, new RegExp(`bad SPHERE header line "${'x'.repeat(60)}…"; expected "name -type value"$`));
  });

  it('ignores a header field that collides with an internal name', () => {
    const path = corruptSphere('collide.sph', 'sample_sig_bits', '16\n__header_size -i 16');
    assert.deepEqual(decodeAudio(readFileSync(path), path).samples, decodeAudio(readFileSync(SPHERE), SPHERE).samples);
  });
});
