/**
 * Writes the tiny synthetic edge-case files the tests read into fixtures/synthetic/: WAVs of each
 * encoding, channel count and rate, NIST SPHERE in both byte orders, broken files, label files
 * of each format (good and bad), and a TIMIT-shaped mini corpus. Plain TypeScript writing bytes,
 * no sox, so anyone can regenerate them: `npx tsx scripts/make-fixtures.ts`. Output is
 * deterministic (no randomness), so a rerun changes no file.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'synthetic');

function write(rel: string, data: Uint8Array | string): void {
  const path = join(OUT, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

function sine(freq: number, rate: number, seconds: number, amplitude: number): Float64Array {
  const n = Math.round(rate * seconds);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

interface WavSpec {
  rate: number;
  bits: number;
  float?: boolean;
  extensible?: boolean;
  /** Samples per channel, as values in [-1, 1] (or raw integers when `raw`). */
  channels: ArrayLike<number>[];
  raw?: boolean;
  formatTag?: number;
}

/** A RIFF WAVE file. Integer PCM uses round(x × (2^(bits−1) − 1)); 8-bit is offset binary. */
function wav(spec: WavSpec): Uint8Array {
  const { rate, bits, channels } = spec;
  const nch = channels.length;
  const n = channels[0].length;
  const width = bits / 8;
  const fmtSize = spec.extensible ? 40 : 16;
  const dataSize = n * nch * width;
  const buf = new Uint8Array(12 + 8 + fmtSize + 8 + dataSize + (dataSize & 1));
  const v = new DataView(buf.buffer);
  const ascii = (at: number, s: string): void => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  const baseTag = spec.formatTag ?? (spec.float ? 3 : 1);
  ascii(0, 'RIFF');
  v.setUint32(4, buf.length - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, spec.extensible ? 0xfffe : baseTag, true);
  v.setUint16(22, nch, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * nch * width, true);
  v.setUint16(32, nch * width, true);
  v.setUint16(34, bits, true);
  if (spec.extensible) {
    v.setUint16(36, 22, true); // cbSize
    v.setUint16(38, bits, true); // valid bits
    v.setUint32(40, nch === 2 ? 0x3 : nch === 4 ? 0x33 : 0x4, true); // channel mask
    // SubFormat GUID {0000000X-0000-0010-8000-00aa00389b71}
    v.setUint16(44, baseTag, true);
    [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71].forEach((b, i) => v.setUint8(46 + i, b));
  }
  const dataAt = 12 + 8 + fmtSize;
  ascii(dataAt, 'data');
  v.setUint32(dataAt + 4, dataSize, true);
  let p = dataAt + 8;
  const full = 2 ** (bits - 1) - 1;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < nch; c++, p += width) {
      const x = channels[c][i];
      if (spec.float && bits === 32) v.setFloat32(p, x, true);
      else if (spec.float) v.setFloat64(p, x, true);
      else {
        const q = spec.raw ? x : Math.round(x * full);
        if (bits === 8) v.setUint8(p, q + 128);
        else if (bits === 16) v.setInt16(p, q, true);
        else if (bits === 24) {
          const u = q < 0 ? q + 0x1000000 : q;
          v.setUint8(p, u & 0xff);
          v.setUint8(p + 1, (u >> 8) & 0xff);
          v.setUint8(p + 2, (u >> 16) & 0xff);
        } else v.setInt32(p, q, true);
      }
    }
  }
  return buf;
}

/** A NIST SPHERE file with TIMIT's header fields; 16-bit PCM in the given byte order. */
function sphere(samples: ArrayLike<number>, opts: { order: '01' | '10'; rate?: number; extra?: string; count?: number }): Uint8Array {
  const rate = opts.rate ?? 16000;
  const lines = [
    'NIST_1A',
    '   1024',
    'database_id -s5 TIMIT',
    'database_version -s3 1.0',
    'utterance_id -s8 fake_sa1',
    'channel_count -i 1',
    `sample_count -i ${opts.count ?? samples.length}`,
    `sample_rate -i ${rate}`,
    'sample_min -i -16384',
    'sample_max -i 16383',
    'sample_n_bytes -i 2',
    `sample_byte_format -s2 ${opts.order}`,
    'sample_sig_bits -i 16',
    ...(opts.extra ? [opts.extra] : []),
    'end_head',
  ];
  const header = lines.join('\n') + '\n';
  const buf = new Uint8Array(1024 + samples.length * 2);
  for (let i = 0; i < header.length; i++) buf[i] = header.charCodeAt(i);
  for (let i = header.length; i < 1024; i++) buf[i] = 0x20;
  const v = new DataView(buf.buffer);
  for (let i = 0; i < samples.length; i++) v.setInt16(1024 + 2 * i, Math.round(samples[i] * 32767), opts.order === '01');
  return buf;
}

rmSync(OUT, { recursive: true, force: true });

// --- every WAV encoding: a 440 Hz sine at half scale, 0.1 s at 16 kHz.
const tone = sine(440, 16000, 0.1, 0.5);
write('wav/pcm8.wav', wav({ rate: 16000, bits: 8, channels: [tone] }));
write('wav/pcm16.wav', wav({ rate: 16000, bits: 16, channels: [tone] }));
write('wav/pcm24-extensible.wav', wav({ rate: 16000, bits: 24, extensible: true, channels: [tone] }));
write('wav/pcm24.wav', wav({ rate: 16000, bits: 24, channels: [tone] }));
write('wav/pcm32.wav', wav({ rate: 16000, bits: 32, channels: [tone] }));
write('wav/float32.wav', wav({ rate: 16000, bits: 32, float: true, channels: [tone] }));
write('wav/float64.wav', wav({ rate: 16000, bits: 64, float: true, channels: [tone] }));
// Left the tone, right silence: the mono mix is the tone at half amplitude.
write('wav/stereo-pcm16.wav', wav({ rate: 16000, bits: 16, channels: [tone, new Float64Array(tone.length)] }));
// Four channels, the tone in the first two, ±0.25 DC in the others (cancelling).
const dc = (x: number): Float64Array => new Float64Array(tone.length).fill(x);
write('wav/quad-float32-extensible.wav', wav({ rate: 16000, bits: 32, float: true, extensible: true, channels: [tone, tone, dc(0.25), dc(-0.25)] }));
// Full scale both ways in 24 bits: wav-decoder decodes −8388608 as +1.0000001 unless corrected.
write('wav/pcm24-full-scale.wav', wav({ rate: 16000, bits: 24, raw: true, channels: [[-8388608, 8388607, 0, -4194304]] }));
// As ffmpeg writes to a pipe: RIFF and data sizes unknown (0xFFFFFFFF), data runs to the end of the file.
write('wav/pcm16-size-unknown.wav', (() => {
  const b = wav({ rate: 16000, bits: 16, channels: [tone] });
  const v = new DataView(b.buffer);
  v.setUint32(4, 0xffffffff, true);
  v.setUint32(40, 0xffffffff, true);
  return b;
})());
// Float samples past full scale (clipped to ±1 on reading).
write('wav/float32-over-full-scale.wav', wav({ rate: 16000, bits: 32, float: true, channels: [[1.5, -2, 0.25]] }));

// --- other rates, for the resampler: 1 kHz at 8 and 44.1 kHz; 7 kHz and 10 kHz at 48 kHz. 0.25 s each.
write('rates/sine-1k-at-8k.wav', wav({ rate: 8000, bits: 16, channels: [sine(1000, 8000, 0.25, 0.5)] }));
write('rates/sine-1k-at-44k1.wav', wav({ rate: 44100, bits: 16, channels: [sine(1000, 44100, 0.25, 0.5)] }));
write('rates/sine-7k-at-48k.wav', wav({ rate: 48000, bits: 16, channels: [sine(7000, 48000, 0.25, 0.5)] }));
write('rates/sine-10k-at-48k.wav', wav({ rate: 48000, bits: 16, channels: [sine(10000, 48000, 0.25, 0.5)] }));

// --- NIST SPHERE, both byte orders, same samples as wav/pcm16.wav.
write('sphere/little-endian.sph', sphere(tone, { order: '01' }));
write('sphere/big-endian.sph', sphere(tone, { order: '10' }));

// --- bad audio.
const good = wav({ rate: 16000, bits: 16, channels: [tone] });
write('bad/truncated-header.wav', good.slice(0, 30));
write('bad/truncated-data.wav', good.slice(0, 44 + 1000));
write('bad/zero-samples.wav', wav({ rate: 16000, bits: 16, channels: [[]] }));
write('bad/float32-nan.wav', wav({ rate: 16000, bits: 32, float: true, channels: [[0, 0.5, NaN, 0]] }));
write('bad/float32-infinity.wav', wav({ rate: 16000, bits: 32, float: true, channels: [[0, -Infinity, 0]] }));
// An encoding we do not decode (A-law, once refused, is decoded now): IMA ADPCM's tag on 8-bit data.
write('bad/ima-adpcm.wav', wav({ rate: 8000, bits: 8, formatTag: 0x11, channels: [[0.1, 0.2, 0.3, 0.4]] }));
write('bad/pcm12.wav', (() => {
  const b = wav({ rate: 16000, bits: 16, channels: [[0.1, 0.2]] });
  new DataView(b.buffer).setUint16(34, 12, true); // claims 12-bit samples
  return b;
})());
write('bad/not-audio.wav', 'This is a text file, not audio.\n');
write('bad/empty.wav', new Uint8Array(0));
write('bad/sphere-truncated.sph', sphere(tone, { order: '01' }).slice(0, 1024 + 100));
write('bad/sphere-shorten.sph', sphere(tone, { order: '01', extra: 'sample_coding -s26 pcm,embedded-shorten-v2.00' }));
write('bad/sphere-zero-samples.sph', sphere([], { order: '01' }));

// --- label files (0.1 s of audio = 1600 samples at 16 kHz).
write('labels/timit.PHN', '0 400 h#\n400 900 sh\n900 1300 ix\n1300 1600 h#\n');
write('labels/festival.lab', 'separator ;\nnfields 1\n#\n    0.02500 125 pau\n    0.05625 125 hh\n    0.08125 125 ax\n    0.10000 125 pau\n');
write('labels/htk.lab', '0 250000 sil\n250000 562500 hh\n562500 812500 ah\n812500 1000000 sil\n');
write('labels/seconds.lab', '0.0 0.025 sil\n0.025 0.05625 HH\n0.05625 0.08125 AH0\n0.08125 0.1 sp\n');
write(
  'labels/short-format.TextGrid',
  'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n0.1\n<exists>\n2\n"IntervalTier"\n"words"\n0\n0.1\n1\n0\n0.1\n"ha"\n' +
    '"IntervalTier"\n"phones"\n0\n0.1\n3\n0\n0.025\n""\n0.025\n0.06\n"HH"\n0.06\n0.1\n"AA1"\n',
);
write('labels/overlap.PHN', '0 400 h#\n400 900 sh\n800 1300 ix\n1300 1600 h#\n');
write('labels/decreasing.lab', '0.0 0.025 sil\n0.05 0.03 hh\n');
write('labels/bad-line.PHN', '0 400 h#\n400 sh\n');
write('labels/bad-festival.lab', '#\n0.1 125 pau\nabc 125 hh\n');
write(
  'labels/no-phones-tier.TextGrid',
  'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n0.1\n<exists>\n1\n"IntervalTier"\n"words"\n0\n0.1\n1\n0\n0.1\n"ha"\n',
);
write(
  'labels/truncated.TextGrid',
  'File type = "ooTextFile"\nObject class = "TextGrid"\n\n0\n0.1\n<exists>\n1\n"IntervalTier"\n"phones"\n0\n0.1\n3\n0\n0.025\n""\n',
);

// --- a TIMIT-shaped mini corpus: SPHERE .WAV beside .PHN, one converted copy, one unlabelled file.
const timitPhn = '0 400 h#\n400 900 sh\n900 1300 ix\n1300 1600 h#\n';
write('timit/TRAIN/DR1/FAKE0/SA1.WAV', sphere(tone, { order: '01' }));
write('timit/TRAIN/DR1/FAKE0/SA1.PHN', timitPhn);
write('timit/TRAIN/DR1/FAKE0/SA1.WAV.wav', wav({ rate: 16000, bits: 16, channels: [tone] }));
write('timit/TRAIN/DR1/FAKE0/SA2.WAV', sphere(tone, { order: '10' }));
write('timit/TRAIN/DR1/FAKE0/SA2.PHN', '0 400 h#\n400 900 q\n900 1300 ix\n1300 1600 h#\n');
write('timit/TRAIN/DR1/FAKE0/SX3.WAV', sphere(tone, { order: '01' }));
write('timit/TEST/DR2/FAKE1/SI4.WAV', sphere(tone, { order: '10' }));
write('timit/TEST/DR2/FAKE1/SI4.PHN', '0 400 h#\n400 900 sh\n800 1300 ix\n1300 1600 h#\n');

write(
  'README.md',
  '# Synthetic test fixtures\n\nGenerated by `npx tsx scripts/make-fixtures.ts` (deterministic; do not edit by hand, rerun the\n' +
    'script). Tiny edge cases for the audio, label and corpus readers: WAVs of each encoding, channel count\n' +
    'and rate (`wav/`, `rates/`), NIST SPHERE in both byte orders (`sphere/`), broken audio (`bad/`), label\n' +
    'files good and bad (`labels/`), and a TIMIT-shaped mini corpus (`timit/`). The tone is 440 Hz at half\n' +
    'scale, 0.1 s at 16 kHz, unless the file name says otherwise. No real speech: see ../corpus for that.\n',
);

console.log(`wrote fixtures to ${OUT}`);
