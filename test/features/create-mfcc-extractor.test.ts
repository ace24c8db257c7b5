import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { frameSignal } from '../../src/features/frame-signal.ts';
import { frameCount } from '../../src/features/frame-count.ts';
import { createMfccExtractor } from '../../src/features/create-mfcc-extractor.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/features/feature-config.ts';
import { meydaMfcc } from './meyda-reference.ts';

/** Speech-like test frames: harmonics plus noise, over 5 decades of level, deterministic. */
function testFrames(count: number): Float32Array[] {
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  return Array.from({ length: count }, (_, t) => {
    const level = 10 ** (-(t % 10) / 2);
    const f0 = 0.03 + (t % 7) * 0.01;
    return Float32Array.from({ length: 400 }, (__, n) => level * (0.5 * Math.sin(n * f0) + 0.2 * Math.sin(n * f0 * 3) + 0.1 * rand()));
  });
}

let fixture: Promise<{ samples: number; signal: Float32Array; frames: Float32Array[]; ours: Float32Array[]; ref: number[][] }> | undefined;

/** The fixture utterance's pre-emphasised signal, its frames, our MFCCs of each frame and meyda's. */
function fixtureComparison() {
  fixture ??= (async () => {
    const audio = await readAudioFile('fixtures/corpus/ljspeech/wav/LJ001-0008.wav');
    const cfg = DEFAULT_FEATURE_CONFIG;
    const signal = audio.samples.map((x, n) => x - cfg.preEmphasis * (n > 0 ? audio.samples[n - 1] : 0));
    const frames = await lastValueFrom(from([audio.samples]).pipe(frameSignal(cfg), toArray()));
    const mfcc = createMfccExtractor(cfg);
    return { samples: audio.samples.length, signal, frames, ours: frames.map((f) => mfcc(f)[0]), ref: frames.map((f) => meydaMfcc(f, cfg)) };
  })();
  return fixture;
}

/** Agreement of two MFCC vectors, relative to the largest coefficient (c0 included). */
function assertCloseToMeyda(ours: Float32Array, ref: number[], numCepstra: number): void {
  const scale = Math.max(...ref.map(Math.abs));
  for (let k = 1; k <= numCepstra; k++) {
    const diff = Math.abs(ours[k - 1] - ref[k]);
    assert.ok(diff <= 1e-6 * scale, `c${k}: ${ours[k - 1]} vs meyda ${ref[k]} (diff ${diff}, scale ${scale})`);
  }
}

describe('createMfccExtractor', () => {
  const cases: [string, FeatureConfig][] = [
    ['the default (Hamming, 26 mel bands, 12 cepstra)', DEFAULT_FEATURE_CONFIG],
    ['a Hann window', { ...DEFAULT_FEATURE_CONFIG, window: 'hann' }],
    ['40 mel bands and 20 cepstra', { ...DEFAULT_FEATURE_CONFIG, melBands: 40, numCepstra: 20 }],
    ['unscaled samples', { ...DEFAULT_FEATURE_CONFIG, sampleScale: 1 }],
  ];
  for (const [name, cfg] of cases) {
    it(`should equal Meyda.extract('mfcc') on the same padded window for ${name}`, () => {
      const mfcc = createMfccExtractor(cfg);
      for (const frame of testFrames(40)) {
        const [ours] = mfcc(frame);
        assert.equal(ours.length, cfg.numCepstra + 1);
        assertCloseToMeyda(ours, meydaMfcc(frame, cfg), cfg.numCepstra);
      }
    });
  }

  it("should equal Meyda.extract('mfcc') on every frame of a real utterance (fixture)", async () => {
    const { samples, frames, ours, ref } = await fixtureComparison();
    assert.equal(frames.length, frameCount(samples, 400, 160));
    ours.forEach((v, t) => assertCloseToMeyda(v, ref[t], 12));
  });

  it("should give every coefficient of every fixture frame within 1e-4 of that coefficient's spread (or 1e-5) of meyda's", async () => {
    // The FFT is float64 like meyda's but a different algorithm, so coefficients are not
    // bit-equal; bound each one by its own scale across the utterance, not by c0, whose size
    // would hide an error in a small coefficient.
    const { ours, ref } = await fixtureComparison();
    const T = ref.length;
    for (let k = 1; k <= 12; k++) {
      let mean = 0;
      for (const r of ref) mean += r[k] / T;
      let variance = 0;
      for (const r of ref) variance += (r[k] - mean) ** 2 / T;
      const tolerance = Math.max(1e-4 * Math.sqrt(variance), 1e-5);
      let worst = 0;
      let at = 0;
      ours.forEach((v, t) => {
        const diff = Math.abs(v[k - 1] - ref[t][k]);
        if (diff > worst) [worst, at] = [diff, t];
      });
      assert.ok(worst <= tolerance, `c${k}: frame ${at} differs by ${worst} (std ${Math.sqrt(variance)}, tolerance ${tolerance})`);
    }
  });

  it('should compute a block of frames (frame j at j·hop) as it computes each frame alone', async () => {
    const { frames, signal, ours } = await fixtureComparison();
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    // Whole utterance in one call: several batches of the FFT plan, the last one partial.
    assert.deepEqual(mfcc(signal, frames.length), ours);
    assert.ok(frames.length > 130, 'the fixture spans more than two batches');
    for (const t of [0, 63, 64, 65, frames.length - 1]) assert.deepEqual(mfcc(frames[t]), [ours[t]], `frame ${t}`);
  });

  it('should refuse a block with fewer samples than its frames need', () => {
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    assert.throws(() => mfcc(new Float32Array(559), 2), /2 frames need 560 samples, got 559/);
    assert.deepEqual(mfcc(new Float32Array(0), 0), []);
  });

  it('should end with the log energy log(1 + Σ (scale·y)²) of the un-windowed frame', () => {
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    for (const frame of testFrames(10)) {
      let e = 0;
      for (const y of frame) e += (y * 32768) ** 2;
      assert.equal(mfcc(frame)[0][12], Math.fround(Math.log(1 + e)));
    }
    assert.equal(mfcc(new Float32Array(400))[0][12], 0, 'digital silence has log energy 0, not −∞');
  });

  it('should return a fresh array per call', () => {
    const mfcc = createMfccExtractor(DEFAULT_FEATURE_CONFIG);
    const [a, b] = testFrames(2);
    const [first] = mfcc(a);
    const copy = first.slice();
    mfcc(b);
    assert.deepEqual(first, copy);
  });
});
