import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../../src/features/feature-config.ts';
import { mfccKernelPlan } from '../../../src/features/kernels/mfcc-kernel-plan.ts';
import { preEmphasise } from '../../../src/features/pre-emphasise.ts';
import { meydaMfcc } from '../meyda-reference.ts';

function signal(length: number, seed: number): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  return Float32Array.from({ length }, (_, n) => 0.3 * Math.sin(n * 0.05) * Math.sin(n * 0.0007) + 0.1 * Math.sin(n * 0.71) + 0.02 * rand());
}

describe('mfccKernelPlan', () => {
  // fftSize 16 and 1024 end on a radix-4 pass, 32 and 512 on a radix-2 stage; 2048 with a
  // window shorter than the FFT, an odd frame count (lane 1 unused for the last frame).
  const cases: [string, FeatureConfig][] = [
    ['the default', DEFAULT_FEATURE_CONFIG],
    ['fftSize 16', { ...DEFAULT_FEATURE_CONFIG, fftSize: 16, windowSize: 16, hopSize: 8, melBands: 4, numCepstra: 3 }],
    ['fftSize 32', { ...DEFAULT_FEATURE_CONFIG, fftSize: 32, windowSize: 30, hopSize: 10, melBands: 6, numCepstra: 4 }],
    ['fftSize 1024', { ...DEFAULT_FEATURE_CONFIG, fftSize: 1024, windowSize: 800, hopSize: 320, melBands: 40, numCepstra: 20, window: 'hann' }],
    ['fftSize 2048', { ...DEFAULT_FEATURE_CONFIG, fftSize: 2048, windowSize: 1500, hopSize: 700, melBands: 26, numCepstra: 12 }],
  ];
  for (const [name, cfg] of cases) {
    it(`should give meyda's MFCCs (within 1e-6 of the frame's largest) and the log energy for ${name}`, () => {
      const plan = mfccKernelPlan(cfg);
      const count = 7;
      const x = signal((count - 1) * cfg.hopSize + cfg.windowSize, cfg.fftSize);
      const values = plan.run(x, 0, count).slice();
      assert.equal(values.length, count * (cfg.numCepstra + 1));
      for (let j = 0; j < count; j++) {
        const frame = x.subarray(j * cfg.hopSize, j * cfg.hopSize + cfg.windowSize);
        const ref = meydaMfcc(frame, cfg);
        const scale = Math.max(...ref.map(Math.abs));
        for (let k = 1; k <= cfg.numCepstra; k++) {
          const got = values[j * (cfg.numCepstra + 1) + k - 1];
          assert.ok(Math.abs(got - ref[k]) <= 1e-6 * scale, `frame ${j} c${k}: ${got} vs meyda ${ref[k]}`);
        }
        let e = 0;
        for (const y of frame) e += (y * cfg.sampleScale) ** 2;
        assert.equal(values[j * (cfg.numCepstra + 1) + cfg.numCepstra], Math.fround(Math.log(1 + e)), `frame ${j} log energy`);
      }
    });
  }

  it('should share one plan per configuration, and keep working after its memory grows', () => {
    const a = mfccKernelPlan(DEFAULT_FEATURE_CONFIG);
    assert.equal(mfccKernelPlan({ ...DEFAULT_FEATURE_CONFIG }), a);
    const x = signal(4000, 7);
    const before = a.run(x, 3, 5).slice();
    // fftSize 65536: several MB of tables and buffers, more than the memory holds so far.
    const big = { ...DEFAULT_FEATURE_CONFIG, fftSize: 65536, windowSize: 65536, hopSize: 65536 };
    mfccKernelPlan(big).run(signal(65536, 3), 0, 1);
    assert.deepEqual(a.run(x, 3, 5), before);
  });

  it('should refuse a count past its capacity and frames past the end of the samples, before calling in', () => {
    const plan = mfccKernelPlan(DEFAULT_FEATURE_CONFIG);
    const x = new Float32Array(400 + 160 * 9); // 10 frames
    assert.equal(plan.run(x, 0, 10).length, 130);
    assert.equal(plan.run(x, 9, 1).length, 13);
    assert.throws(() => plan.run(x, 0, 11), /frames 0 … 10 need samples up to 2000, got 1840/);
    assert.throws(() => plan.run(x, 10, 1), /frames 10 … 10 need samples up to 2000, got 1840/);
    assert.throws(() => plan.run(x, -1, 1), /frames -1 … -1/);
    assert.throws(() => plan.run(x, 0.5, 1), /frames 0.5/);
    assert.throws(() => plan.run(new Float32Array(400 * 200), 0, plan.capacity + 1), new RegExp(`count must be an integer from 0 to ${plan.capacity}, got ${plan.capacity + 1}`));
    assert.throws(() => plan.run(x, 0, 1.5), /count must be an integer/);
    assert.equal(plan.run(x, 0, 0).length, 0);
  });

  it('should pre-emphasise its input in place bit for bit as preEmphasise does, at any offset and length', () => {
    const plan = mfccKernelPlan(DEFAULT_FEATURE_CONFIG);
    const x = signal(plan.inputLength, 5);
    for (const [at, n] of [[0, plan.inputLength], [1, 4], [3, 5], [7, 1001], [100, 0], [plan.inputLength - 6, 6]]) {
      for (const [k, previous] of [[0.97, x[at > 0 ? at - 1 : 0]], [0.5, -0.25], [0, 0]]) {
        const expected = new Float32Array(n);
        assert.equal(preEmphasise(x, at, at + n, k, previous, expected, 0), true);
        const input = plan.input();
        input.set(x);
        assert.equal(plan.preEmphasiseInput(at, n, k, previous), true);
        const got = plan.input().slice(at, at + n);
        assert.deepEqual(new Uint32Array(got.buffer), new Uint32Array(expected.buffer), `at ${at}, n ${n}, k ${k}`);
        assert.deepEqual(plan.input().subarray(0, at), x.subarray(0, at), 'samples before untouched');
        assert.deepEqual(plan.input().subarray(at + n), x.subarray(at + n), 'samples after untouched');
      }
    }
  });

  it('should report a NaN or infinite sample anywhere in the pre-emphasised range, and refuse a range past the input', () => {
    const plan = mfccKernelPlan(DEFAULT_FEATURE_CONFIG);
    const x = signal(1001, 6);
    // In the four-at-a-time part (each lane) and in the scalar tail (1001 = 4·250 + 1).
    for (const bad of [0, 1, 2, 3, 501, 1000]) {
      for (const value of [Number.NaN, Infinity, -Infinity]) {
        const y = x.slice();
        y[bad] = value;
        plan.input().set(y);
        assert.equal(plan.preEmphasiseInput(0, 1001, 0.97, 0), false, `${value} at ${bad}`);
      }
    }
    plan.input().set(x);
    assert.equal(plan.preEmphasiseInput(0, 1001, 0.97, 0), true);
    assert.throws(() => plan.preEmphasiseInput(plan.inputLength - 3, 4, 0.97, 0), /pre-emphasis of input \[\d+, \d+\) outside the \d+ samples/);
    assert.throws(() => plan.preEmphasiseInput(-1, 4, 0.97, 0), /outside/);
  });
});

describe('scripts/build-kernels.ts mfcc', () => {
  it('rebuilds src/features/kernels/mfcc-kernels.wasm byte for byte (asc output is deterministic)', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'mfcc-kernels-test-'));
    try {
      const out = join(dir, 'm.wasm');
      execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-kernels.ts'), 'mfcc', '--out', out], { stdio: 'pipe' });
      assert.ok(readFileSync(out).equals(readFileSync(join(root, 'src/features/kernels/mfcc-kernels.wasm'))), 'committed wasm is stale: run npx tsx scripts/build-kernels.ts mfcc');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
