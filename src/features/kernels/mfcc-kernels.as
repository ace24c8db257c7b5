// AssemblyScript source of the MFCC kernel (see mfcc-kernel-plan.ts, which builds its tables and
// calls it). Compiled by scripts/build-kernels.ts into mfcc-kernels.wasm (committed). The extension
// is .as, not .ts, so `tsc` does not try to type-check AssemblyScript; the build copies it first.
//
// One call turns a block of frames into meyda's MFCCs plus the log energy, reproducing meyda's
// arithmetic (see create-mfcc-extractor.ts): Float32 windowed input, a float64 FFT (meyda's fftjs
// is float64; a single-precision FFT moved coefficients by up to 1.5e-6 of c0 on real speech),
// Float32 amplitude and power, Float32 accumulation of the mel energies in filter order,
// log(x + 1) stored as Float32, then the `dct` package's DCT-II × 2 summed in float64 in order.
//
// Two frames are computed at once, one per f64x2 lane: every lane runs exactly the scalar
// algorithm, so SIMD changes neither the order nor the rounding of any operation, and no shuffles
// are needed. Every pointer is a byte address in the imported memory, read from the plan header
// that the JS side wrote and checked; the kernel touches only the regions the header names.

// Math.log from JS: V8 recognises an imported Math.log and calls its C implementation directly
// (no JS frame), and it is the very function meyda's Math.log is, so the logs are bit-identical.
// AssemblyScript's own log is musl's, which may differ from V8's fdlibm port in the last bit.
@external("env", "log")
declare function jsLog(x: f64): f64;

// Plan header (byte offsets): i32 sizes, then u32 region addresses, then the f64 sample scale.
const H_WINDOW_SIZE = 0;
const H_HOP = 4;
const H_HALF = 8; // M = fftSize / 2, the length of the packed complex FFT
const H_FILTERS = 12;
const H_CEPSTRA = 16;
const P_WINDOW = 24; // f64[windowSize]
const P_REVERSE = 28; // i32[M], bit reversal of log2(M) bits
const P_TWIDDLES = 32; // (f64 re, f64 im)[M]: e^{−iπk/h} of the stage of span h at [h + k]
const P_SPLIT = 36; // (f64 re, f64 im)[M]: e^{−2πik/fftSize}
// The filters go in pairs (2p, 2p + 1), a last odd filter with an all-zero partner: pair p has
// length[p] slots, slot s holding a bin and a weight for each filter of the pair (a filter shorter
// than its partner is padded at its end with weight 0 on its own first bin, which adds +0).
const P_PAIR_LENGTH = 40; // i32[ceil(filters / 2)]
const P_SLOT_BINS = 44; // (i32, i32)[Σ lengths]
const P_SLOT_WEIGHTS = 48; // (f64, f64)[Σ lengths]
const P_COSINES = 52; // f64[numCepstra × filters], row k − 1 = cos(π/F (n + ½) k)
const P_XBUF = 56; // f64x2[2M] windowed frames; [windowSize, 2M) stays zero (never written)
const P_RE = 60; // f64x2[M]
const P_IM = 64; // f64x2[M]
const P_POWER = 68; // f64x2[M] power spectrum (Float32 values)
const P_LOG_MEL = 72; // f64x2[filters]
const P_INPUT = 76; // f32[(capacity − 1)·hop + windowSize]
const P_OUTPUT = 80; // f32[capacity × (numCepstra + 1)]
const H_SCALE = 88; // f64

@inline function ptr(plan: usize, field: usize): usize {
  return <usize>load<u32>(plan + field);
}

/** Rounds both lanes to the nearest float32 (and back), as a store into a Float32Array does. */
@inline function round32(v: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v));
}

/** (zr + i zi)·(wr + i wi), real part, with the twiddle splat across lanes. */
@inline function mulRe(zr: v128, zi: v128, wr: v128, wi: v128): v128 {
  return f64x2.sub(f64x2.mul(zr, wr), f64x2.mul(zi, wi));
}
@inline function mulIm(zr: v128, zi: v128, wr: v128, wi: v128): v128 {
  return f64x2.add(f64x2.mul(zr, wi), f64x2.mul(zi, wr));
}

/**
 * Pre-emphasis in place on input[at, at + n): y[i] = f32(x[i] − k·x[i − 1]) in float64, x[at − 1]
 * being `previous`, exactly the arithmetic of the JS loop (src/features/pre-emphasise.ts) it
 * replaces for samples bound for the kernel, four samples at a time. Returns 1 if every x is finite,
 * else 0 (x·0 is NaN exactly for NaN and ±∞, and a NaN stays in its lane of the sum).
 */
export function preEmphasis(plan: usize, at: i32, n: i32, k: f64, previous: f64): i32 {
  let p = ptr(plan, P_INPUT) + (<usize>at << 2);
  const end = p + (<usize>n << 2);
  const kk = f64x2.splat(k);
  const zero = f32x4.splat(0);
  // x[i − 4 … i − 1], read before they were overwritten; lane 3 is x[i − 1].
  let before = f32x4.replace_lane(zero, 3, <f32>previous);
  let poison = zero;
  for (; p + 16 <= end; p += 16) {
    const x = v128.load(p);
    const shifted = i8x16.shuffle(before, x, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27); // x[i − 1 … i + 2]
    poison = f32x4.add(poison, f32x4.mul(x, zero));
    const lo = f64x2.sub(f64x2.promote_low_f32x4(x), f64x2.mul(kk, f64x2.promote_low_f32x4(shifted)));
    const xHigh = i8x16.shuffle(x, x, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
    const sHigh = i8x16.shuffle(shifted, shifted, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
    const hi = f64x2.sub(f64x2.promote_low_f32x4(xHigh), f64x2.mul(kk, f64x2.promote_low_f32x4(sHigh)));
    v128.store(p, i8x16.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
    before = x;
  }
  let prev = <f64>f32x4.extract_lane(before, 3);
  let bad: f64 = 0;
  for (; p < end; p += 4) {
    const x = <f64>load<f32>(p);
    bad += x * 0;
    store<f32>(p, <f32>(x - k * prev));
    prev = x;
  }
  const sum = f32x4.extract_lane(poison, 0) + f32x4.extract_lane(poison, 1) + f32x4.extract_lane(poison, 2) + f32x4.extract_lane(poison, 3);
  return sum == sum && bad == bad ? 1 : 0;
}

/**
 * MFCCs of frames 0 … count − 1 of the plan's input (frame j at input[j·hop …], windowSize long):
 * output[j·(C + 1) + k − 1] = c_k for k = 1 … C, output[j·(C + 1) + C] = log(1 + Σ (scale·y)²).
 */
export function mfcc(plan: usize, count: i32): void {
  const C = load<i32>(plan + H_CEPSTRA);
  const input = ptr(plan, P_INPUT);
  const output = ptr(plan, P_OUTPUT);
  const hop = load<i32>(plan + H_HOP);
  const stride = <usize>(C + 1) << 2;
  for (let j = 0; j < count; j += 2) {
    // An odd last frame is computed in both lanes; lane 1 is then not stored.
    const j1 = j + 1 < count ? j + 1 : j;
    const energy = windowPair(plan, input + ((<usize>j * <usize>hop) << 2), input + ((<usize>j1 * <usize>hop) << 2));
    fftPair(plan);
    powerPair(plan);
    const out0 = output + <usize>j * stride;
    const out1 = output + <usize>j1 * stride;
    cepstraPair(plan, out0, out1);
    const e = f64x2.add(f64x2.splat(1), energy);
    store<f32>(out0 + (<usize>C << 2), <f32>jsLog(f64x2.extract_lane(e, 0)));
    if (j1 != j) store<f32>(out1 + (<usize>C << 2), <f32>jsLog(f64x2.extract_lane(e, 1)));
  }
}

/**
 * y = scale·x, Σ y² in order (the log energy's sum), and the Float32 windowed frame y·w[n] into
 * xbuf, frame a in lane 0 and frame b in lane 1. Returns the two energies.
 */
@inline function windowPair(plan: usize, a: usize, b: usize): v128 {
  const W = load<i32>(plan + H_WINDOW_SIZE);
  const win = ptr(plan, P_WINDOW);
  const xbuf = ptr(plan, P_XBUF);
  const scale = v128.load64_splat(plan + H_SCALE);
  let energy = f64x2.splat(0);
  for (let n = 0; n < W; n++) {
    const o = <usize>n << 2;
    const x = f64x2.promote_low_f32x4(v128.load32_lane(b + o, v128.load32_zero(a + o), 1));
    const y = f64x2.mul(x, scale);
    energy = f64x2.add(energy, f64x2.mul(y, y));
    v128.store(xbuf + (<usize>n << 4), round32(f64x2.mul(y, v128.load64_splat(win + (<usize>n << 3)))));
  }
  return energy;
}

/**
 * The M-point complex FFT of z[m] = x[2m] + i·x[2m + 1] into (re, im): bit-reversed load fused
 * with the first radix-2 stage (twiddle 1), then radix-4 passes, each two radix-2 stages (spans h
 * and 2h) done in registers with the radix-2 twiddles, and a last radix-2 stage if one is left.
 */
@inline function fftPair(plan: usize): void {
  const M = load<i32>(plan + H_HALF);
  const rev = ptr(plan, P_REVERSE);
  const tw = ptr(plan, P_TWIDDLES);
  const xbuf = ptr(plan, P_XBUF);
  const re = ptr(plan, P_RE);
  const im = ptr(plan, P_IM);
  for (let i = 0; i < M; i += 2) {
    const a = xbuf + (<usize>load<i32>(rev + (<usize>i << 2)) << 5);
    const b = xbuf + (<usize>load<i32>(rev + (<usize>(i + 1) << 2)) << 5);
    const ar = v128.load(a);
    const ai = v128.load(a, 16);
    const br = v128.load(b);
    const bi = v128.load(b, 16);
    const o = <usize>i << 4;
    v128.store(re + o, f64x2.add(ar, br));
    v128.store(im + o, f64x2.add(ai, bi));
    v128.store(re + o, f64x2.sub(ar, br), 16);
    v128.store(im + o, f64x2.sub(ai, bi), 16);
  }
  let h = 2;
  for (; 4 * h <= M; h *= 4) {
    const span = <usize>h << 4;
    for (let s = 0; s < M; s += 4 * h) {
      for (let k = 0; k < h; k++) {
        const o0 = <usize>(s + k) << 4;
        const o1 = o0 + span;
        const o2 = o1 + span;
        const o3 = o2 + span;
        const t1 = tw + (<usize>(h + k) << 4);
        const t2 = tw + (<usize>(2 * h + k) << 4);
        const t3 = tw + (<usize>(3 * h + k) << 4);
        // Stage h: (0, 1) and (2, 3), both with e^{−iπk/h}.
        const w1r = v128.load64_splat(t1);
        const w1i = v128.load64_splat(t1, 8);
        const z1r = v128.load(re + o1);
        const z1i = v128.load(im + o1);
        const x1r = mulRe(z1r, z1i, w1r, w1i);
        const x1i = mulIm(z1r, z1i, w1r, w1i);
        const z0r = v128.load(re + o0);
        const z0i = v128.load(im + o0);
        const b0r = f64x2.add(z0r, x1r);
        const b0i = f64x2.add(z0i, x1i);
        const b1r = f64x2.sub(z0r, x1r);
        const b1i = f64x2.sub(z0i, x1i);
        const z3r = v128.load(re + o3);
        const z3i = v128.load(im + o3);
        const x3r = mulRe(z3r, z3i, w1r, w1i);
        const x3i = mulIm(z3r, z3i, w1r, w1i);
        const z2r = v128.load(re + o2);
        const z2i = v128.load(im + o2);
        const b2r = f64x2.add(z2r, x3r);
        const b2i = f64x2.add(z2i, x3i);
        const b3r = f64x2.sub(z2r, x3r);
        const b3i = f64x2.sub(z2i, x3i);
        // Stage 2h: (0, 2) with e^{−iπk/2h}, (1, 3) with e^{−iπ(k + h)/2h}.
        const w2r = v128.load64_splat(t2);
        const w2i = v128.load64_splat(t2, 8);
        const y2r = mulRe(b2r, b2i, w2r, w2i);
        const y2i = mulIm(b2r, b2i, w2r, w2i);
        v128.store(re + o0, f64x2.add(b0r, y2r));
        v128.store(im + o0, f64x2.add(b0i, y2i));
        v128.store(re + o2, f64x2.sub(b0r, y2r));
        v128.store(im + o2, f64x2.sub(b0i, y2i));
        const w3r = v128.load64_splat(t3);
        const w3i = v128.load64_splat(t3, 8);
        const y3r = mulRe(b3r, b3i, w3r, w3i);
        const y3i = mulIm(b3r, b3i, w3r, w3i);
        v128.store(re + o1, f64x2.add(b1r, y3r));
        v128.store(im + o1, f64x2.add(b1i, y3i));
        v128.store(re + o3, f64x2.sub(b1r, y3r));
        v128.store(im + o3, f64x2.sub(b1i, y3i));
      }
    }
  }
  if (h < M) {
    const span = <usize>h << 4;
    for (let s = 0; s < M; s += 2 * h) {
      for (let k = 0; k < h; k++) {
        const oa = <usize>(s + k) << 4;
        const ob = oa + span;
        const t = tw + (<usize>(h + k) << 4);
        const wr = v128.load64_splat(t);
        const wi = v128.load64_splat(t, 8);
        const zr = v128.load(re + ob);
        const zi = v128.load(im + ob);
        const xr = mulRe(zr, zi, wr, wi);
        const xi = mulIm(zr, zi, wr, wi);
        const ar = v128.load(re + oa);
        const ai = v128.load(im + oa);
        v128.store(re + ob, f64x2.sub(ar, xr));
        v128.store(im + ob, f64x2.sub(ai, xi));
        v128.store(re + oa, f64x2.add(ar, xr));
        v128.store(im + oa, f64x2.add(ai, xi));
      }
    }
  }
}

/**
 * Splits Z = FFT(even + i·odd) into X[k] = E[k] + e^{−2πik/N}·O[k] for k = 0 … M − 1 (meyda keeps
 * N/2 bins, without Nyquist), and stores the power f32(f32(|X[k]|)²) of both frames. Bins k and
 * M − k are done together: E[M − k] = conj E[k] and O[M − k] = conj O[k] exactly (the same sums
 * and differences, negated), so Z is read once and E, O computed once per pair.
 */
@inline function powerPair(plan: usize): void {
  const M = load<i32>(plan + H_HALF);
  const sp = ptr(plan, P_SPLIT);
  const re = ptr(plan, P_RE);
  const im = ptr(plan, P_IM);
  const power = ptr(plan, P_POWER);
  const half = f64x2.splat(0.5);
  const minusHalf = f64x2.splat(-0.5);
  for (let k = 0; k <= M >> 1; k++) {
    const j = (M - k) & (M - 1);
    const ok = <usize>k << 4;
    const oj = <usize>j << 4;
    const zr = v128.load(re + ok);
    const zi = v128.load(im + ok);
    const cr = v128.load(re + oj);
    const ci = f64x2.neg(v128.load(im + oj));
    const er = f64x2.mul(half, f64x2.add(zr, cr));
    const ei = f64x2.mul(half, f64x2.add(zi, ci));
    const or = f64x2.mul(half, f64x2.sub(zi, ci));
    const oi = f64x2.mul(minusHalf, f64x2.sub(zr, cr));
    binPower(power + ok, sp + ok, er, ei, or, oi);
    if (j != k) binPower(power + oj, sp + oj, er, f64x2.neg(ei), or, f64x2.neg(oi));
  }
}

/** Stores f32(f32(|X|)²) of X = E + w·O, w = (wr, wi) at `t`. */
@inline function binPower(out: usize, t: usize, er: v128, ei: v128, or: v128, oi: v128): void {
  const wr = v128.load64_splat(t);
  const wi = v128.load64_splat(t, 8);
  const xr = f64x2.sub(f64x2.add(er, f64x2.mul(wr, or)), f64x2.mul(wi, oi));
  const xi = f64x2.add(f64x2.add(ei, f64x2.mul(wr, oi)), f64x2.mul(wi, or));
  const amp = round32(f64x2.sqrt(f64x2.add(f64x2.mul(xr, xr), f64x2.mul(xi, xi))));
  v128.store(out, round32(f64x2.mul(amp, amp)));
}

/**
 * meyda's mel energies (Float32 products and sums over each filter's bins in order), log(x + 1)
 * as Float32, and the DCT rows k = 1 … C (float64 sums in filter order, × 2) into out0 / out1.
 * A Float32 sum is one long chain of dependent additions, so two filters are summed at once in
 * the four f32 lanes (filter A frames 0, 1; filter B frames 0, 1): f32x4.add rounds each lane as
 * a store of the float64 sum into a Float32Array would (the sum of two floats, rounded twice, is
 * rounded once: 53 ≥ 2·24 + 2). Four DCT rows are likewise summed at once, each in its own order.
 */
@inline function cepstraPair(plan: usize, out0: usize, out1: usize): void {
  const F = load<i32>(plan + H_FILTERS);
  const C = load<i32>(plan + H_CEPSTRA);
  const lengths = ptr(plan, P_PAIR_LENGTH);
  const power = ptr(plan, P_POWER);
  const logMel = ptr(plan, P_LOG_MEL);
  let bins = ptr(plan, P_SLOT_BINS);
  let weights = ptr(plan, P_SLOT_WEIGHTS);
  const one = f64x2.splat(1);
  for (let f = 0; f < F; f += 2) {
    const n = load<i32>(lengths + (<usize>f << 1));
    let sum = f32x4.splat(0);
    for (let i = 0; i < n; i++) {
      const pa = v128.load(power + (<usize>load<i32>(bins) << 4));
      const pb = v128.load(power + (<usize>load<i32>(bins, 4) << 4));
      const ta = f32x4.demote_f64x2_zero(f64x2.mul(v128.load64_splat(weights), pa));
      const tb = f32x4.demote_f64x2_zero(f64x2.mul(v128.load64_splat(weights, 8), pb));
      sum = f32x4.add(sum, i8x16.shuffle(ta, tb, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23));
      bins += 8;
      weights += 16;
    }
    const sa = f64x2.add(f64x2.promote_low_f32x4(sum), one);
    const la0 = jsLog(f64x2.extract_lane(sa, 0));
    const la1 = jsLog(f64x2.extract_lane(sa, 1));
    v128.store(logMel + (<usize>f << 4), round32(f64x2.replace_lane(f64x2.splat(la0), 1, la1)));
    if (f + 1 < F) {
      const sb = f64x2.add(f64x2.promote_low_f32x4(i8x16.shuffle(sum, sum, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15)), one);
      const lb0 = jsLog(f64x2.extract_lane(sb, 0));
      const lb1 = jsLog(f64x2.extract_lane(sb, 1));
      v128.store(logMel + (<usize>(f + 1) << 4), round32(f64x2.replace_lane(f64x2.splat(lb0), 1, lb1)));
    }
  }
  const cosines = ptr(plan, P_COSINES);
  const rowBytes = <usize>F << 3;
  let k = 0;
  for (; k + 4 <= C; k += 4) {
    const r0 = cosines + <usize>k * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const r3 = r2 + rowBytes;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    for (let m = 0; m < F; m++) {
      const lm = v128.load(logMel + (<usize>m << 4));
      const o = <usize>m << 3;
      a0 = f64x2.add(a0, f64x2.mul(lm, v128.load64_splat(r0 + o)));
      a1 = f64x2.add(a1, f64x2.mul(lm, v128.load64_splat(r1 + o)));
      a2 = f64x2.add(a2, f64x2.mul(lm, v128.load64_splat(r2 + o)));
      a3 = f64x2.add(a3, f64x2.mul(lm, v128.load64_splat(r3 + o)));
    }
    storeCepstrum(out0, out1, k, a0);
    storeCepstrum(out0, out1, k + 1, a1);
    storeCepstrum(out0, out1, k + 2, a2);
    storeCepstrum(out0, out1, k + 3, a3);
  }
  for (; k < C; k++) {
    const row = cosines + <usize>k * rowBytes;
    let acc = f64x2.splat(0);
    for (let m = 0; m < F; m++) {
      acc = f64x2.add(acc, f64x2.mul(v128.load(logMel + (<usize>m << 4)), v128.load64_splat(row + (<usize>m << 3))));
    }
    storeCepstrum(out0, out1, k, acc);
  }
}

/** c_{k+1} = f32(2·acc) of both frames (the `dct` package's scale 2). */
@inline function storeCepstrum(out0: usize, out1: usize, k: i32, acc: v128): void {
  const c = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.splat(2), acc));
  store<f32>(out0 + (<usize>k << 2), f32x4.extract_lane(c, 0));
  store<f32>(out1 + (<usize>k << 2), f32x4.extract_lane(c, 1));
}
