import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import Meyda from 'meyda';
import { from, lastValueFrom, map, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/features/feature-config.ts';
import { toFeatureFrames, type TimedFeatures } from '../../src/features/to-feature-frames.ts';
import { windowFunction } from '../../src/features/window-function.ts';

const RAW: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'none' } };

/** A deterministic speech-like signal: a gliding tone with harmonics, noise and a quiet gap. */
function signal(n: number, seed = 1): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  return Float32Array.from({ length: n }, (_, i) => {
    const env = i % 4000 < 3000 ? 0.3 : 0.001;
    const ph = i * (0.02 + (i / 16000) * 0.01);
    return env * (Math.sin(ph) + 0.4 * Math.sin(2 * ph) + 0.2 * rand());
  });
}

async function features(chunks: Float32Array[], cfg: FeatureConfig): Promise<TimedFeatures[]> {
  return lastValueFrom(from(chunks).pipe(toFeatureFrames(cfg), toArray()));
}

function chunk(x: Float32Array, sizes: number[]): Float32Array[] {
  const out: Float32Array[] = [];
  let at = 0;
  for (const size of sizes) {
    out.push(x.subarray(at, Math.min(x.length, at + size)));
    at = Math.min(x.length, at + size);
  }
  out.push(x.subarray(at));
  return out;
}

describe('toFeatureFrames operator', () => {
  it('should emit 26-dimensional frames every 10 ms, floor((N − 400) / 160) + 1 of them', async () => {
    for (const n of [0, 399, 400, 559, 560, 4000, 16000]) {
      const out = await features([signal(n)], RAW);
      assert.equal(out.length, n < 400 ? 0 : Math.floor((n - 400) / 160) + 1, `N = ${n}`);
      out.forEach((f, i) => {
        assert.equal(f.index, i);
        assert.equal(f.t, i / 100);
        assert.equal(f.features.length, 26);
        assert.ok(f.features.every(Number.isFinite));
      });
    }
  });

  it('should emit 39 dimensions with deltaOrder 2, the first 26 equal to the 26-dimensional output', async () => {
    const x = signal(8000);
    const d26 = await features([x], RAW);
    const d39 = await features([x], { ...RAW, deltaOrder: 2 });
    assert.equal(d39.length, d26.length);
    d39.forEach((f, i) => {
      assert.equal(f.features.length, 39);
      assert.deepEqual(f.features.subarray(0, 26), d26[i].features);
    });
  });

  it('should equal an offline reference built from Meyda.extract and the HTK delta formula', async () => {
    const x = signal(6000);
    const out = await features([x], RAW);
    const meyda = Meyda as unknown as { extract(f: string, s: Float32Array): number[] } & Record<string, unknown>;
    Object.assign(meyda, { bufferSize: 512, sampleRate: 16000, windowingFunction: 'rect', melBands: 26, numberOfMFCCCoefficients: 13 });
    const w = windowFunction('hamming', 400);
    const y = x.map((v, i) => v - 0.97 * (i > 0 ? x[i - 1] : 0));
    const statics: number[][] = [];
    for (let s = 0; s + 400 <= y.length; s += 160) {
      const padded = new Float32Array(512);
      let e = 0;
      for (let n = 0; n < 400; n++) {
        padded[n] = y[s + n] * 32768 * w[n];
        e += (y[s + n] * 32768) ** 2;
      }
      statics.push([...meyda.extract('mfcc', padded).slice(1), Math.log(1 + e)]);
    }
    const T = statics.length;
    assert.equal(out.length, T);
    statics.forEach((c, t) => {
      const at = (j: number) => statics[Math.min(T - 1, Math.max(0, j))];
      const delta = c.map((_, k) => (at(t + 1)[k] - at(t - 1)[k] + 2 * (at(t + 2)[k] - at(t - 2)[k])) / 10);
      const expected = [...c, ...delta];
      const scale = Math.max(...expected.map(Math.abs));
      expected.forEach((e, k) => assert.ok(Math.abs(out[t].features[k] - e) <= 1e-5 * scale, `frame ${t} dim ${k}: ${out[t].features[k]} vs ${e}`));
    });
  });

  it('should give bit-identical output however the input was chunked (property, running normalisation)', async () => {
    const cfg: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, normalization: { kind: 'running', warmupFrames: 5 } };
    const x = signal(5000, 7);
    const whole = await features([x], cfg);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 900 }), { maxLength: 40 }), async (sizes) => {
        assert.deepEqual(await features(chunk(x, sizes), cfg), whole);
      }),
      { numRuns: 40 },
    );
    assert.deepEqual(await features(chunk(x, new Array(5000).fill(1)), cfg), whole, 'one sample at a time');
  });

  it('should emit frame i two frames after it is complete (the delta look-ahead) and flush at completion', () => {
    const ts = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
    ts.run(({ cold, expectObservable, expectSubscriptions }) => {
      const c = signal(160);
      // 160-sample chunks: frame 0 is complete after chunk c (480 samples), frame 1 after d, …
      const src = cold('abcdef|', { a: c, b: c, c, d: c, e: c, f: c });
      const indices = src.pipe(toFeatureFrames(RAW), map((f) => f.index));
      expectObservable(indices).toBe('----xy(zw|)', { x: 0, y: 1, z: 2, w: 3 });
      expectSubscriptions(src.subscriptions).toBe('^-----!');
    });
  });

  it('should refuse a bad configuration when the pipeline is built', () => {
    assert.throws(() => toFeatureFrames({ ...RAW, numCepstra: 45 }), ConfigError);
  });
});
