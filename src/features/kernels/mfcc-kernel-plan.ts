import { kernelModule } from '../../kernels/kernel-module.ts';
import type { FeatureConfig } from '../feature-config.ts';
import { windowFunction } from '../window-function.ts';

import { createMelFilterBank } from './meyda-filter-bank.ts';

export type MfccKernelConfig = Pick<FeatureConfig, 'sampleRate' | 'windowSize' | 'hopSize' | 'fftSize' | 'window' | 'melBands' | 'numCepstra' | 'sampleScale'>;

/**
 * The MFCC kernel's tables and buffers for one configuration, in the kernel's own wasm memory.
 * `run` is synchronous, so one plan can serve any number of streams (never two at once).
 */
export interface MfccKernelPlan {
  /** Frames per `run` call at most. */
  readonly capacity: number;
  /** Values per frame: c1..c{numCepstra}, then the log energy. */
  readonly dims: number;
  /**
   * Computes frames `first … first + count − 1` of `samples` (frame j at samples[j·hop …],
   * windowSize long) and returns their values, count × dims, frame after frame: a view into wasm
   * memory, valid until the next call of any plan. Checks every index before calling the kernel.
   */
  run(samples: Float32Array, first: number, count: number): Float32Array;
  /** Samples the kernel's input region holds: (capacity − 1)·hop + windowSize. */
  readonly inputLength: number;
  /**
   * The kernel's input region itself, for a caller that writes its frames' samples there directly
   * instead of handing `run` an array to copy from (see cepstraFromChunks). Valid until the memory
   * grows (a plan for a new configuration is built), and shared with every stream of this
   * configuration: fill it and call `runInput` within one synchronous step.
   */
  input(): Float32Array;
  /**
   * Computes frames 0 … count − 1 of the input region as it stands (frame j at input[j·hop …]);
   * returns their values as `run` does.
   */
  runInput(count: number): Float32Array;
  /**
   * Pre-emphasises input[at, at + n) in place, y[i] = x[i] − k·x[i − 1] with x[at − 1] = previous,
   * bit for bit as `preEmphasise` does (in the kernel, four samples at a time). Returns true when
   * every x was finite.
   */
  preEmphasiseInput(at: number, n: number, k: number, previous: number): boolean;
}

// The kernel's exports (pointers are byte addresses in its memory).
interface MfccExports {
  mfcc(plan: number, count: number): void;
  preEmphasis(plan: number, at: number, n: number, k: number, previous: number): number;
}

const PAGE_BYTES = 65536;
// AssemblyScript keeps the start of memory for its static data; our regions start above it.
const HEAP_START = 65536;
// 1 GiB: far more than any valid configuration needs (fftSize ≤ 65536 is a few MB of tables).
const MAX_PAGES = 16384;
/** Samples a plan's input region holds at most (1 MB), which bounds its capacity for long hops. */
const MAX_INPUT_SAMPLES = 262144;
const MAX_CAPACITY = 128;
const HEADER_BYTES = 96;

// The kernel's own memory: not the learner's arena, which is sized for weights and histories and
// never grows. This one grows when a plan for a new configuration needs room (plans are cached per
// configuration and never freed, so it holds one set of tables per configuration ever used).
// Instantiated on the first plan, not at import: a browser compiles the kernel asynchronously
// (loadKernels) after this module is imported.
let memory: WebAssembly.Memory;
let kernels: MfccExports | undefined;
let top = HEAP_START;

function instantiate(): MfccExports {
  if (kernels === undefined) {
    memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES });
    // Math.log is imported as is: V8 calls an imported Math function's C implementation directly, and
    // it is the log meyda (and every other part of this pipeline) uses, so the results are bit-equal.
    kernels = new WebAssembly.Instance(kernelModule('mfcc'), { env: { memory, log: Math.log } }).exports as unknown as MfccExports;
  }
  return kernels;
}

/** A fresh 16-byte-aligned region of `bytes` bytes (zeroed: memory is never reused). */
function region(bytes: number): number {
  const at = top;
  top += (bytes + 15) & ~15;
  const need = Math.ceil(top / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
  if (need > 0) memory.grow(need);
  return at;
}

const plans = new Map<string, MfccKernelPlan>();

/**
 * The process-wide MFCC kernel plan for `cfg`, built on first use and cached: the window, the bit
 * reversal and twiddles of the float64 FFT, meyda's mel filterbank stored sparsely (each filter's
 * nonzero bins, two filters side by side), the DCT cosines computed as the `dct` package computes them, and the kernel's
 * input, output and scratch buffers.
 *
 * @param cfg sizes in samples (`fftSize` a power of two ≥ 16 and ≥ windowSize), window, mel bands,
 *   number of cepstra (numCepstra + 1 ≤ melBands), sample scale: as `validateFeatureConfig` checks
 *
 * ## Example
 * ```ts
 * const plan = mfccKernelPlan(DEFAULT_FEATURE_CONFIG);
 * const values = plan.run(block.samples, 0, Math.min(block.count, plan.capacity)); // 13 per frame
 * ```
 */
export function mfccKernelPlan(cfg: MfccKernelConfig): MfccKernelPlan {
  const { sampleRate, windowSize, hopSize, fftSize, window, melBands, numCepstra, sampleScale } = cfg;
  const key = JSON.stringify([sampleRate, windowSize, hopSize, fftSize, window, melBands, numCepstra, sampleScale]);
  const cached = plans.get(key);
  if (cached) return cached;
  const kernels = instantiate();
  if (!Number.isInteger(fftSize) || fftSize < 16 || (fftSize & (fftSize - 1)) !== 0) throw new RangeError(`mfccKernelPlan: fftSize must be a power of two ≥ 16, got ${fftSize}`);
  if (!Number.isInteger(windowSize) || windowSize < 2 || windowSize > fftSize) throw new RangeError(`mfccKernelPlan: windowSize must be an integer from 2 to fftSize, got ${windowSize}`);
  if (!Number.isInteger(hopSize) || hopSize < 1 || hopSize > windowSize) throw new RangeError(`mfccKernelPlan: hopSize must be an integer from 1 to windowSize, got ${hopSize}`);
  const M = fftSize / 2;
  const coefficients = numCepstra + 1; // c0 is part of meyda's DCT; the kernel skips it
  if (!Number.isInteger(numCepstra) || numCepstra < 1) throw new RangeError(`mfccKernelPlan: numCepstra must be an integer ≥ 1, got ${numCepstra}`);

  // meyda builds max(melBands, coefficients) filters over fftSize/2 + 1 bins; the power spectrum
  // it multiplies them with has fftSize/2 bins, so only those count. Each filter is kept from its
  // first nonzero bin to its last (the zeros outside add nothing), and the filters are laid out in
  // pairs for the kernel, which sums two at once: slot s of pair p holds bin and weight of both.
  const bank = createMelFilterBank(Math.max(melBands, coefficients), sampleRate, fftSize);
  const F = bank.length;
  const rows = bank.map((row) => {
    let lo = 0;
    while (lo < M && row[lo] === 0) lo++;
    let hi = M;
    while (hi > lo && row[hi - 1] === 0) hi--;
    return { first: lo, weights: row.slice(lo, hi) };
  });
  const pairs = Math.ceil(F / 2);
  const pairLength = new Int32Array(pairs);
  const slotBins: number[] = [];
  const slotWeights: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const a = rows[2 * p];
    const b = rows[2 * p + 1] ?? { first: 0, weights: [] }; // an odd last filter's partner: all zero
    const n = Math.max(a.weights.length, b.weights.length);
    pairLength[p] = n;
    // Padding: weight 0 on the filter's own first bin (a finite power), which adds exactly +0.
    for (let i = 0; i < n; i++) {
      slotBins.push(i < a.weights.length ? a.first + i : a.first, i < b.weights.length ? b.first + i : b.first);
      slotWeights.push(i < a.weights.length ? a.weights[i] : 0, i < b.weights.length ? b.weights[i] : 0);
    }
  }
  const slots = slotBins.length / 2;
  const capacity = Math.max(1, Math.min(MAX_CAPACITY, Math.floor((MAX_INPUT_SAMPLES - windowSize) / hopSize) + 1));
  const inputLength = (capacity - 1) * hopSize + windowSize;

  const header = region(HEADER_BYTES);
  const at = {
    window: region(8 * windowSize),
    reverse: region(4 * M),
    twiddles: region(16 * M),
    split: region(16 * M),
    pairLength: region(4 * pairs),
    slotBins: region(8 * slots),
    slotWeights: region(16 * slots),
    cosines: region(8 * numCepstra * F),
    xbuf: region(32 * M),
    re: region(16 * M),
    im: region(16 * M),
    power: region(16 * M),
    logMel: region(16 * F),
    input: region(4 * inputLength),
    output: region(4 * capacity * coefficients),
  };
  const end = top;
  const buf = memory.buffer;
  const i32 = new Int32Array(buf, header, 24);
  i32.set([windowSize, hopSize, M, F, numCepstra, 0]);
  i32.set([at.window, at.reverse, at.twiddles, at.split, at.pairLength, at.slotBins, at.slotWeights, at.cosines, at.xbuf, at.re, at.im, at.power, at.logMel, at.input, at.output], 6);
  new Float64Array(buf, header + 88, 1)[0] = sampleScale;
  new Float64Array(buf, at.window, windowSize).set(windowFunction(window, windowSize));
  const bits = Math.log2(M);
  const reverse = new Int32Array(buf, at.reverse, M);
  for (let i = 0; i < M; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reverse[i] = r;
  }
  // Stage of span h: e^{−iπk/h} at [h + k]; the split step: e^{−2πik/fftSize} at [k].
  const twiddles = new Float64Array(buf, at.twiddles, 2 * M);
  for (let h = 1; h < M; h <<= 1) {
    for (let k = 0; k < h; k++) {
      twiddles[2 * (h + k)] = Math.cos((Math.PI * k) / h);
      twiddles[2 * (h + k) + 1] = -Math.sin((Math.PI * k) / h);
    }
  }
  const split = new Float64Array(buf, at.split, 2 * M);
  for (let k = 0; k < M; k++) {
    split[2 * k] = Math.cos((2 * Math.PI * k) / fftSize);
    split[2 * k + 1] = -Math.sin((2 * Math.PI * k) / fftSize);
  }
  new Int32Array(buf, at.pairLength, pairs).set(pairLength);
  new Int32Array(buf, at.slotBins, 2 * slots).set(slotBins);
  new Float64Array(buf, at.slotWeights, 2 * slots).set(slotWeights);
  // The `dct` package's table: cos(π/N · (n + 0.5) · k), computed the same way for equal rounding.
  const cosines = new Float64Array(buf, at.cosines, numCepstra * F);
  const piN = Math.PI / F;
  for (let k = 1; k <= numCepstra; k++) {
    for (let n = 0; n < F; n++) cosines[(k - 1) * F + n] = Math.cos(piN * (n + 0.5) * k);
  }
  // The kernel writes xbuf[0, windowSize) only and relies on the zero padding after it.
  new Float64Array(buf, at.xbuf, 4 * M).fill(0);

  // Views are rebuilt when the memory has grown (growth detaches the old buffer).
  let viewOf: ArrayBuffer | null = null;
  let input = new Float32Array(0);
  let output = new Float32Array(0);
  const refreshViews = () => {
    if (viewOf === memory.buffer) return;
    viewOf = memory.buffer;
    // Every region of the plan lies below `end`, inside the memory (which only grows).
    if (end > viewOf.byteLength) throw new Error('mfccKernelPlan: plan lies outside the kernel memory');
    input = new Float32Array(viewOf, at.input, inputLength);
    output = new Float32Array(viewOf, at.output, capacity * coefficients);
  };
  const checkCount = (count: number) => {
    if (!Number.isInteger(count) || count < 0 || count > capacity) throw new RangeError(`mfccKernelPlan: count must be an integer from 0 to ${capacity}, got ${count}`);
  };
  const plan: MfccKernelPlan = {
    capacity,
    dims: coefficients,
    inputLength,
    run(samples, first, count) {
      checkCount(count);
      if (count === 0) return new Float32Array(0);
      const from = first * hopSize;
      const n = (count - 1) * hopSize + windowSize;
      if (!Number.isInteger(first) || first < 0 || from + n > samples.length) {
        throw new RangeError(`mfccKernelPlan: frames ${first} … ${first + count - 1} need samples up to ${from + n}, got ${samples.length}`);
      }
      refreshViews();
      input.set(samples.subarray(from, from + n));
      kernels.mfcc(header, count);
      return output.subarray(0, count * coefficients);
    },
    input() {
      refreshViews();
      return input;
    },
    preEmphasiseInput(at, n, k, previous) {
      if (!Number.isInteger(at) || !Number.isInteger(n) || at < 0 || n < 0 || at + n > inputLength) {
        throw new RangeError(`mfccKernelPlan: pre-emphasis of input [${at}, ${at + n}) outside the ${inputLength} samples of the input region`);
      }
      return kernels.preEmphasis(header, at, n, k, previous) === 1;
    },
    runInput(count) {
      checkCount(count);
      if (count === 0) return new Float32Array(0);
      refreshViews();
      kernels.mfcc(header, count);
      return output.subarray(0, count * coefficients);
    },
  };
  plans.set(key, plan);
  return plan;
}
