import { allocFloats, freeFloats } from '../learner/kernels/alloc-floats.ts';
import { kernelsFor } from '../learner/kernels/kernels-for.ts';
import { wasmArena } from '../learner/kernels/wasm-arena.ts';
import type { StreamResampler } from './stream-resampler.ts';

/** Top of the band kept flat, as a fraction of the output rate (7 kHz at 16 kHz). */
const PASSBAND = 7 / 16;
/** Where the stop band starts, as a fraction of the output rate: its Nyquist frequency, 8 kHz. */
const STOPBAND = 8 / 16;
/**
 * Stop-band attenuation designed for (dB). libsamplerate's `medium` measures 119.3 dB at worst on
 * test/audio's sweep (48 → 16 kHz); 125 dB keeps this filter above it with room for the Kaiser
 * formula's approximation.
 */
const ATTENUATION_DB = 125;

const designs = new Map<number, Float32Array>();

/**
 * A streaming decimator by a whole factor M (48 → 16 kHz: M = 3; 32 → 16 kHz: M = 2): a linear-phase
 * low-pass FIR (Kaiser-windowed sinc: flat to 7/16 of the output rate, at least 125 dB down from
 * its Nyquist frequency on) evaluated only at every M-th input sample, the polyphase saving: each
 * output is one dot product over the taps, run by the `firDecimate` wasm SIMD kernel on buffers in
 * the kernel arena (≈ 43 KB per decimator, reserved there; the TypeScript kernel without wasm).
 * 393 taps at 48 kHz: 6.3 M multiply-adds per second of audio in 4-wide SIMD, against
 * libsamplerate's general (any-ratio) sinc interpolator, several times the cost in plain code and
 * a 26 MB module per converter.
 *
 * Hand-written because no well-kept JS library fits: libsamplerate and speex are general-ratio
 * converters, each instance its own wasm/asm.js heap; `fili` designs Kaiser FIRs but its filter
 * computes every output sample (M times the work) and its last release is years old. The design
 * is the textbook one (Kaiser's β and length formulas), measured against libsamplerate `medium`
 * in test/audio/create-fir-decimator.test.ts.
 *
 * Same contract as libsamplerate's streaming converter here: the output is centred (zero phase:
 * output j is the filtered input at sample M·j, so nothing shifts in time), the input before the
 * first sample is zero, the output lags the input by (taps − 1) / 2 input samples (≈ 4 ms at
 * 48 kHz) until {@link StreamResampler.flush}, and the total is floor(n / M) samples. The samples
 * are exactly the same however the input was cut: each output is one fixed dot product.
 *
 * @param inputRate Hz, a whole multiple (≥ 2) of `outputRate`
 * @param outputRate Hz
 * @throws RangeError when the ratio is not a whole number ≥ 2
 *
 * ## Example
 * ```ts
 * const r = createFirDecimator(48000, 16000);
 * const a = r.push(chunk1), b = r.push(chunk2), tail = r.flush();
 * ```
 */
export function createFirDecimator(inputRate: number, outputRate: number): StreamResampler {
  const factor = inputRate / outputRate;
  if (!(Number.isInteger(factor) && factor >= 2 && outputRate > 0)) {
    throw new RangeError(`a FIR decimator needs an input rate that is a whole multiple (≥ 2) of the output rate, got ${inputRate} Hz → ${outputRate} Hz`);
  }
  let taps = designs.get(factor);
  if (taps === undefined) {
    taps = paddedTaps(designLowPass(factor));
    designs.set(factor, taps);
  }
  const tp = taps;
  const nTaps = tp.length;
  const half = designedHalf.get(factor)!;
  // Input samples from absolute index `base` on, in the kernel arena (the SIMD kernel reads them
  // in place). It starts with `half` zeros, the silence before the stream, so the first output is
  // centred on the first sample. Fixed size: a long chunk is taken in pieces.
  const releaseMemory = wasmArena()?.reserve(4 * (CAPACITY + Math.ceil(CAPACITY / factor)) + 64, `a ${inputRate} → ${outputRate} Hz decimator`) ?? (() => {});
  let buf = allocFloats(CAPACITY);
  let out = allocFloats(Math.ceil(CAPACITY / factor));
  const piece = CAPACITY - nTaps - factor;
  let len = half;
  let base = -half;
  let next = 0; // the next output's index
  let consumed = 0;
  let state: 'open' | 'flushed' | 'destroyed' = 'open';

  /** Every output before index `until` whose inputs (the padded taps' whole span) have arrived. */
  const drain = (until: number, parts: Float32Array[]): void => {
    // Output j reads inputs [M·j − half, M·j − half + nTaps).
    const ready = Math.min(until, Math.floor((base + len - nTaps + half) / factor) + 1);
    const count = Math.max(0, ready - next);
    if (count === 0) return;
    const from = factor * next - half - base;
    kernelsFor(buf, tp).firDecimate(buf, from, tp, nTaps, factor, out, 0, count);
    parts.push(out.slice(0, count));
    next += count;
    // Drop what no later output reads (a memmove of the few taps' worth of samples left).
    const keepFrom = factor * next - half - base;
    buf.copyWithin(0, keepFrom, len);
    len -= keepFrom;
    base += keepFrom;
  };
  const feed = (x: Float32Array, until: number): Float32Array => {
    const parts: Float32Array[] = [];
    for (let at = 0; at < x.length; at += piece) {
      const p = x.subarray(at, Math.min(x.length, at + piece));
      buf.set(p, len);
      len += p.length;
      drain(until, parts);
    }
    drain(until, parts);
    return concat(parts);
  };
  const check = (): void => {
    if (state === 'destroyed') throw new Error('resampler used after destroy()');
    if (state === 'flushed') throw new Error('resampler used after flush()');
  };
  return {
    inputRate,
    outputRate,
    push(chunk) {
      check();
      consumed += chunk.length;
      return feed(chunk, Infinity);
    },
    flush() {
      check();
      state = 'flushed';
      // The silence after the stream: enough for the last output's padded span.
      return feed(new Float32Array(nTaps), Math.floor(consumed / factor));
    },
    destroy() {
      if (state === 'destroyed') return;
      state = 'destroyed';
      freeFloats(buf);
      freeFloats(out);
      buf = out = new Float32Array(0);
      releaseMemory();
    },
  };
}

/** Input floats a decimator holds (its history and the piece of input being filtered). */
const CAPACITY = 8192;
const designedHalf = new Map<number, number>();

/** The taps as float32 in the kernel arena (shared by every decimator of this factor), zero-padded to a multiple of 4. */
function paddedTaps(h: Float64Array): Float32Array {
  const t = allocFloats((h.length + 3) & ~3);
  t.set(h);
  return t;
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return joined;
}

/**
 * Kaiser-windowed sinc low-pass at the input rate, cutoff halfway through the transition band,
 * normalised to unit gain at DC. Length and β from Kaiser's formulas for {@link ATTENUATION_DB}
 * over the transition width (an odd length, so the centre tap sits on an input sample).
 */
function designLowPass(factor: number): Float64Array {
  const width = (STOPBAND - PASSBAND) / factor; // cycles per input sample
  const cutoff = (PASSBAND + STOPBAND) / 2 / factor;
  let n = Math.ceil((ATTENUATION_DB - 7.95) / (14.36 * width)) + 1;
  if (n % 2 === 0) n++;
  const beta = 0.1102 * (ATTENUATION_DB - 8.7);
  const half = (n - 1) / 2;
  const h = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    const t = k - half;
    const sinc = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const r = t / half;
    h[k] = sinc * (besselI0(beta * Math.sqrt(1 - r * r)) / besselI0(beta));
    sum += h[k];
  }
  for (let k = 0; k < n; k++) h[k] /= sum;
  designedHalf.set(factor, half);
  return h;
}

/** The modified Bessel function I₀ by its power series (converges fast for the β used here). */
function besselI0(x: number): number {
  let term = 1;
  let sum = 1;
  const q = (x * x) / 4;
  for (let k = 1; term > 1e-17 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}
