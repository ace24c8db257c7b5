// AssemblyScript source of the wasm SIMD kernels (see kernels.ts for what each computes).
// Compiled by scripts/build-kernels.ts into lstm-kernels.wasm (committed). The extension is .as,
// not .ts, so `tsc` does not try to type-check AssemblyScript; the build copies it to a .ts file.
// Every pointer is a byte address in the imported memory; matrices are row-major f32.
// Memory below 64 KiB is left to AssemblyScript; the JS side allocates above it.

@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** y = W·x, or y += W·x when acc != 0. W [rows, cols]. Four rows at a time share each x load. */
export function matvec(w: usize, rows: i32, cols: i32, x: usize, y: usize, acc: i32): void {
  const cols4 = cols & ~3;
  const stride = <usize>cols << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const w0 = w + <usize>r * stride;
    const w1 = w0 + stride;
    const w2 = w1 + stride;
    const w3 = w2 + stride;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0);
    let k = 0;
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      const xv = v128.load(x + o);
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), xv));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + o), xv));
      a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + o), xv));
      a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + o), xv));
    }
    let s0 = hsum(a0);
    let s1 = hsum(a1);
    let s2 = hsum(a2);
    let s3 = hsum(a3);
    for (; k < cols; k++) {
      const o = <usize>k << 2;
      const xk = load<f32>(x + o);
      s0 += load<f32>(w0 + o) * xk;
      s1 += load<f32>(w1 + o) * xk;
      s2 += load<f32>(w2 + o) * xk;
      s3 += load<f32>(w3 + o) * xk;
    }
    const yo = y + (<usize>r << 2);
    if (acc != 0) {
      s0 += load<f32>(yo);
      s1 += load<f32>(yo, 4);
      s2 += load<f32>(yo, 8);
      s3 += load<f32>(yo, 12);
    }
    store<f32>(yo, s0);
    store<f32>(yo, s1, 4);
    store<f32>(yo, s2, 8);
    store<f32>(yo, s3, 12);
  }
  for (; r < rows; r++) {
    const w0 = w + <usize>r * stride;
    let a0 = f32x4.splat(0);
    let k = 0;
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), v128.load(x + o)));
    }
    let s0 = hsum(a0);
    for (; k < cols; k++) {
      const o = <usize>k << 2;
      s0 += load<f32>(w0 + o) * load<f32>(x + o);
    }
    const yo = y + (<usize>r << 2);
    if (acc != 0) s0 += load<f32>(yo);
    store<f32>(yo, s0);
  }
}

/** y = Wᵀ·v, or y += Wᵀ·v when acc != 0. W [rows, cols], v [rows], y [cols]. */
export function matvecT(w: usize, rows: i32, cols: i32, v: usize, y: usize, acc: i32): void {
  const cols4 = cols & ~3;
  const stride = <usize>cols << 2;
  if (acc == 0) memory.fill(y, 0, stride);
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const w0 = w + <usize>r * stride;
    const w1 = w0 + stride;
    const w2 = w1 + stride;
    const w3 = w2 + stride;
    const vo = v + (<usize>r << 2);
    const s0 = load<f32>(vo);
    const s1 = load<f32>(vo, 4);
    const s2 = load<f32>(vo, 8);
    const s3 = load<f32>(vo, 12);
    const v0 = f32x4.splat(s0);
    const v1 = f32x4.splat(s1);
    const v2 = f32x4.splat(s2);
    const v3 = f32x4.splat(s3);
    let k = 0;
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      let t = f32x4.mul(v128.load(w0 + o), v0);
      t = f32x4.add(t, f32x4.mul(v128.load(w1 + o), v1));
      t = f32x4.add(t, f32x4.mul(v128.load(w2 + o), v2));
      t = f32x4.add(t, f32x4.mul(v128.load(w3 + o), v3));
      v128.store(y + o, f32x4.add(v128.load(y + o), t));
    }
    for (; k < cols; k++) {
      const o = <usize>k << 2;
      store<f32>(y + o, load<f32>(y + o) + load<f32>(w0 + o) * s0 + load<f32>(w1 + o) * s1 + load<f32>(w2 + o) * s2 + load<f32>(w3 + o) * s3);
    }
  }
  for (; r < rows; r++) {
    const w0 = w + <usize>r * stride;
    const s0 = load<f32>(v + (<usize>r << 2));
    const v0 = f32x4.splat(s0);
    let k = 0;
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(v128.load(w0 + o), v0)));
    }
    for (; k < cols; k++) {
      const o = <usize>k << 2;
      store<f32>(y + o, load<f32>(y + o) + load<f32>(w0 + o) * s0);
    }
  }
}

/** A += u vᵀ. A [rows, cols]. */
export function outerAdd(a: usize, rows: i32, cols: i32, u: usize, v: usize): void {
  const cols4 = cols & ~3;
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const s = load<f32>(u + (<usize>r << 2));
    if (s == 0) continue;
    const sv = f32x4.splat(s);
    const row = a + <usize>r * stride;
    let k = 0;
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      v128.store(row + o, f32x4.add(v128.load(row + o), f32x4.mul(v128.load(v + o), sv)));
    }
    for (; k < cols; k++) {
      const o = <usize>k << 2;
      store<f32>(row + o, load<f32>(row + o) + load<f32>(v + o) * s);
    }
  }
}

/**
 * A += Σ_i u_i v_iᵀ over n pairs: the weight gradient of a whole window in one pass, so A is read
 * and written once instead of n times. uPtrs / vPtrs: n u32 byte addresses each.
 */
export function outerAddBatch(a: usize, rows: i32, cols: i32, uPtrs: usize, vPtrs: usize, n: i32): void {
  const cols16 = cols & ~15;
  const cols4 = cols & ~3;
  const stride = <usize>cols << 2;
  let r = 0;
  // Two rows at a time: each v block loaded once feeds 8 accumulators (fits x64's 16 registers).
  for (; r + 2 <= rows; r += 2) {
    const row0 = a + <usize>r * stride;
    const row1 = row0 + stride;
    const ro = <usize>r << 2;
    let k = 0;
    for (; k < cols16; k += 16) {
      const o = <usize>k << 2;
      let a0 = v128.load(row0 + o);
      let a1 = v128.load(row0 + o, 16);
      let a2 = v128.load(row0 + o, 32);
      let a3 = v128.load(row0 + o, 48);
      let b0 = v128.load(row1 + o);
      let b1 = v128.load(row1 + o, 16);
      let b2 = v128.load(row1 + o, 32);
      let b3 = v128.load(row1 + o, 48);
      for (let i = 0; i < n; i++) {
        const ip = <usize>i << 2;
        const up = <usize>load<u32>(uPtrs + ip) + ro;
        const s0 = f32x4.splat(load<f32>(up));
        const s1 = f32x4.splat(load<f32>(up, 4));
        const vp = <usize>load<u32>(vPtrs + ip) + o;
        const v0 = v128.load(vp);
        const v1 = v128.load(vp, 16);
        const v2 = v128.load(vp, 32);
        const v3 = v128.load(vp, 48);
        a0 = f32x4.add(a0, f32x4.mul(v0, s0));
        a1 = f32x4.add(a1, f32x4.mul(v1, s0));
        a2 = f32x4.add(a2, f32x4.mul(v2, s0));
        a3 = f32x4.add(a3, f32x4.mul(v3, s0));
        b0 = f32x4.add(b0, f32x4.mul(v0, s1));
        b1 = f32x4.add(b1, f32x4.mul(v1, s1));
        b2 = f32x4.add(b2, f32x4.mul(v2, s1));
        b3 = f32x4.add(b3, f32x4.mul(v3, s1));
      }
      v128.store(row0 + o, a0);
      v128.store(row0 + o, a1, 16);
      v128.store(row0 + o, a2, 32);
      v128.store(row0 + o, a3, 48);
      v128.store(row1 + o, b0);
      v128.store(row1 + o, b1, 16);
      v128.store(row1 + o, b2, 32);
      v128.store(row1 + o, b3, 48);
    }
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      let a0 = v128.load(row0 + o);
      let b0 = v128.load(row1 + o);
      for (let i = 0; i < n; i++) {
        const ip = <usize>i << 2;
        const up = <usize>load<u32>(uPtrs + ip) + ro;
        const v0 = v128.load(<usize>load<u32>(vPtrs + ip) + o);
        a0 = f32x4.add(a0, f32x4.mul(v0, f32x4.splat(load<f32>(up))));
        b0 = f32x4.add(b0, f32x4.mul(v0, f32x4.splat(load<f32>(up, 4))));
      }
      v128.store(row0 + o, a0);
      v128.store(row1 + o, b0);
    }
  }
  // An odd last row.
  for (; r < rows; r++) {
    const row = a + <usize>r * stride;
    const ro = <usize>r << 2;
    for (let k = 0; k < cols4; k += 4) {
      const o = <usize>k << 2;
      let a0 = v128.load(row + o);
      for (let i = 0; i < n; i++) {
        const ip = <usize>i << 2;
        const s = f32x4.splat(load<f32>(<usize>load<u32>(uPtrs + ip) + ro));
        a0 = f32x4.add(a0, f32x4.mul(v128.load(<usize>load<u32>(vPtrs + ip) + o), s));
      }
      v128.store(row + o, a0);
    }
  }
  // The last cols % 4 columns (39 inputs leave 3): four rows at a time, their four u entries one
  // vector load, a column of A gathered into one register. Each element still gets its n terms
  // added in order, as above, so the result does not depend on which loop handled it.
  const rows4 = rows & ~3;
  for (let k = cols4; k < cols; k++) {
    const o = <usize>k << 2;
    for (r = 0; r < rows4; r += 4) {
      const p0 = a + <usize>r * stride + o;
      const ro = <usize>r << 2;
      let acc = f32x4.splat(load<f32>(p0));
      acc = f32x4.replace_lane(acc, 1, load<f32>(p0 + stride));
      acc = f32x4.replace_lane(acc, 2, load<f32>(p0 + 2 * stride));
      acc = f32x4.replace_lane(acc, 3, load<f32>(p0 + 3 * stride));
      for (let i = 0; i < n; i++) {
        const ip = <usize>i << 2;
        const uv = v128.load(<usize>load<u32>(uPtrs + ip) + ro);
        acc = f32x4.add(acc, f32x4.mul(uv, v128.load32_splat(<usize>load<u32>(vPtrs + ip) + o)));
      }
      store<f32>(p0, f32x4.extract_lane(acc, 0));
      store<f32>(p0 + stride, f32x4.extract_lane(acc, 1));
      store<f32>(p0 + 2 * stride, f32x4.extract_lane(acc, 2));
      store<f32>(p0 + 3 * stride, f32x4.extract_lane(acc, 3));
    }
    for (; r < rows; r++) {
      const p0 = a + <usize>r * stride + o;
      const ro = <usize>r << 2;
      let s = load<f32>(p0);
      for (let i = 0; i < n; i++) {
        const ip = <usize>i << 2;
        s += load<f32>(<usize>load<u32>(uPtrs + ip) + ro) * load<f32>(<usize>load<u32>(vPtrs + ip) + o);
      }
      store<f32>(p0, s);
    }
  }
}

/** dst += src over n floats. */
export function addTo(dst: usize, src: usize, n: i32): void {
  const n4 = n & ~3;
  let k = 0;
  for (; k < n4; k += 4) {
    const o = <usize>k << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; k < n; k++) {
    const o = <usize>k << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

@inline function sigmoid(z: f32): f32 {
  return 1 / (1 + Mathf.exp(-z));
}

// Vector exp, Cephes expf: n = round(x / ln 2), r = x − n ln 2 (in two parts, exact), a degree-6
// polynomial for e^r on |r| ≤ ln2/2, times 2^n built in the exponent bits. About 1 ulp; the
// clamp keeps 2^n a normal float. Scalar Mathf.exp/tanh cost ~30 ns each: they were 40% of a frame.
@inline function expv(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const er = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(er, scale);
}

@inline function sigmoidv(z: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), expv(f32x4.neg(z))));
}

// tanh: (1 − e^{−2|z|}) / (1 + e^{−2|z|}) with z's sign; below |z| = 0.3 that subtraction would
// cancel, so an odd Taylor polynomial (error < 2e-8 relative there) takes over.
@inline function tanhv(z: v128): v128 {
  const a = f32x4.abs(z);
  const e = expv(f32x4.mul(a, f32x4.splat(-2)));
  const big = f32x4.div(f32x4.sub(f32x4.splat(1), e), f32x4.add(f32x4.splat(1), e));
  const signed = v128.or(big, v128.and(z, i32x4.splat(0x80000000)));
  const z2 = f32x4.mul(z, z);
  let q = f32x4.splat(<f32>(62.0 / 2835.0));
  q = f32x4.add(f32x4.mul(q, z2), f32x4.splat(<f32>(-17.0 / 315.0)));
  q = f32x4.add(f32x4.mul(q, z2), f32x4.splat(<f32>(2.0 / 15.0)));
  q = f32x4.add(f32x4.mul(q, z2), f32x4.splat(<f32>(-1.0 / 3.0)));
  const small = f32x4.add(z, f32x4.mul(f32x4.mul(q, z2), z));
  return v128.bitselect(small, signed, f32x4.lt(a, f32x4.splat(0.3)));
}

/** LSTM cell forward: biases, activations in place (i, f, g, o), c, tanh(c), h. */
export function cellForward(g: usize, bih: usize, bhh: usize, cPrev: usize, c: usize, tanhC: usize, h: usize, hidden: i32): void {
  const hb = <usize>hidden << 2;
  const h4 = hidden & ~3;
  let j = 0;
  for (; j < h4; j += 4) {
    const o = <usize>j << 2;
    const zi = f32x4.add(v128.load(g + o), f32x4.add(v128.load(bih + o), v128.load(bhh + o)));
    const zf = f32x4.add(v128.load(g + hb + o), f32x4.add(v128.load(bih + hb + o), v128.load(bhh + hb + o)));
    const zg = f32x4.add(v128.load(g + 2 * hb + o), f32x4.add(v128.load(bih + 2 * hb + o), v128.load(bhh + 2 * hb + o)));
    const zo = f32x4.add(v128.load(g + 3 * hb + o), f32x4.add(v128.load(bih + 3 * hb + o), v128.load(bhh + 3 * hb + o)));
    const gi = sigmoidv(zi);
    const gf = sigmoidv(zf);
    const gg = tanhv(zg);
    const go = sigmoidv(zo);
    v128.store(g + o, gi);
    v128.store(g + hb + o, gf);
    v128.store(g + 2 * hb + o, gg);
    v128.store(g + 3 * hb + o, go);
    const cv = f32x4.add(f32x4.mul(gf, v128.load(cPrev + o)), f32x4.mul(gi, gg));
    v128.store(c + o, cv);
    const t = tanhv(cv);
    v128.store(tanhC + o, t);
    v128.store(h + o, f32x4.mul(go, t));
  }
  // Hidden sizes not a multiple of 4: the last units one at a time.
  for (; j < hidden; j++) {
    const o = <usize>j << 2;
    const gi = sigmoid(load<f32>(g + o) + load<f32>(bih + o) + load<f32>(bhh + o));
    const gf = sigmoid(load<f32>(g + hb + o) + load<f32>(bih + hb + o) + load<f32>(bhh + hb + o));
    const gg = Mathf.tanh(load<f32>(g + 2 * hb + o) + load<f32>(bih + 2 * hb + o) + load<f32>(bhh + 2 * hb + o));
    const go = sigmoid(load<f32>(g + 3 * hb + o) + load<f32>(bih + 3 * hb + o) + load<f32>(bhh + 3 * hb + o));
    store<f32>(g + o, gi);
    store<f32>(g + hb + o, gf);
    store<f32>(g + 2 * hb + o, gg);
    store<f32>(g + 3 * hb + o, go);
    const cj = gf * load<f32>(cPrev + o) + gi * gg;
    store<f32>(c + o, cj);
    const t = Mathf.tanh(cj);
    store<f32>(tanhC + o, t);
    store<f32>(h + o, go * t);
  }
}

/** LSTM cell backward: dz from dh and dc (dc is overwritten with the gradient of cPrev). */
export function cellBackward(dh: usize, dc: usize, g: usize, cPrev: usize, tanhC: usize, dz: usize, hidden: i32): void {
  const hb = <usize>hidden << 2;
  const h4 = hidden & ~3;
  const one = f32x4.splat(1);
  let j = 0;
  for (; j < h4; j += 4) {
    const o = <usize>j << 2;
    const gi = v128.load(g + o);
    const gf = v128.load(g + hb + o);
    const gg = v128.load(g + 2 * hb + o);
    const go = v128.load(g + 3 * hb + o);
    const t = v128.load(tanhC + o);
    const dhv = v128.load(dh + o);
    const dcv = f32x4.add(v128.load(dc + o), f32x4.mul(f32x4.mul(dhv, go), f32x4.sub(one, f32x4.mul(t, t))));
    v128.store(dz + o, f32x4.mul(f32x4.mul(f32x4.mul(dcv, gg), gi), f32x4.sub(one, gi)));
    v128.store(dz + hb + o, f32x4.mul(f32x4.mul(f32x4.mul(dcv, v128.load(cPrev + o)), gf), f32x4.sub(one, gf)));
    v128.store(dz + 2 * hb + o, f32x4.mul(f32x4.mul(dcv, gi), f32x4.sub(one, f32x4.mul(gg, gg))));
    v128.store(dz + 3 * hb + o, f32x4.mul(f32x4.mul(f32x4.mul(dhv, t), go), f32x4.sub(one, go)));
    v128.store(dc + o, f32x4.mul(dcv, gf));
  }
  for (; j < hidden; j++) {
    const o = <usize>j << 2;
    const gi = load<f32>(g + o);
    const gf = load<f32>(g + hb + o);
    const gg = load<f32>(g + 2 * hb + o);
    const go = load<f32>(g + 3 * hb + o);
    const t = load<f32>(tanhC + o);
    const dhj = load<f32>(dh + o);
    const dcj = load<f32>(dc + o) + dhj * go * (1 - t * t);
    store<f32>(dz + o, dcj * gg * gi * (1 - gi));
    store<f32>(dz + hb + o, dcj * load<f32>(cPrev + o) * gf * (1 - gf));
    store<f32>(dz + 2 * hb + o, dcj * gi * (1 - gg * gg));
    store<f32>(dz + 3 * hb + o, dhj * t * go * (1 - go));
    store<f32>(dc + o, dcj * gf);
  }
}

// ---- The optimiser step: tfjs 4.22's Adam and momentum SGD, float32 op for op ----------------
// The learner's parameters, gradient and optimiser state all live in this memory, so one update is
// two passes here instead of ~15 tfjs ops, a weight upload and a download. Each op below is the one
// tfjs applies, in its order, in float32 with IEEE rounding (no fused multiply-add, no reciprocal
// shortcuts): the results are the ones tf.train.adam / tf.train.momentum compute.

/**
 * Σ g[i]² over n floats, in float64: lane k of the four f64x2 accumulators sums the elements i ≡ k
 * (mod 8) (four chains, so the adds overlap), the tail is summed apart, and the parts are added in
 * a fixed order, so the TypeScript kernel reproduces the sum bit for bit. (Squares of float32 are
 * exact in float64.)
 */
export function sumSquares(g: usize, n: i32): f64 {
  const n8 = n & ~7;
  let a01 = f64x2.splat(0);
  let a23 = f64x2.splat(0);
  let a45 = f64x2.splat(0);
  let a67 = f64x2.splat(0);
  let k = 0;
  for (; k < n8; k += 8) {
    const o = <usize>k << 2;
    const x = v128.load(g + o);
    const y = v128.load(g + o, 16);
    const x01 = f64x2.promote_low_f32x4(x);
    const x23 = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
    const y45 = f64x2.promote_low_f32x4(y);
    const y67 = f64x2.promote_low_f32x4(v128.shuffle<f32>(y, y, 2, 3, 0, 1));
    a01 = f64x2.add(a01, f64x2.mul(x01, x01));
    a23 = f64x2.add(a23, f64x2.mul(x23, x23));
    a45 = f64x2.add(a45, f64x2.mul(y45, y45));
    a67 = f64x2.add(a67, f64x2.mul(y67, y67));
  }
  let tail: f64 = 0;
  for (; k < n; k++) {
    const x = <f64>load<f32>(g + (<usize>k << 2));
    tail += x * x;
  }
  const low = f64x2.extract_lane(a01, 0) + f64x2.extract_lane(a01, 1) + (f64x2.extract_lane(a23, 0) + f64x2.extract_lane(a23, 1));
  const high = f64x2.extract_lane(a45, 0) + f64x2.extract_lane(a45, 1) + (f64x2.extract_lane(a67, 0) + f64x2.extract_lane(a67, 1));
  return low + high + tail;
}

/**
 * The clipped gradient: fround(g · scale) with the product in float64, as the JS `g[i] *= scale`
 * of a float64 scale computes it (scale 1 leaves g exactly as it is).
 */
@inline function scaled(x: v128, s: v128): v128 {
  const a = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(x), s));
  const b = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1)), s));
  return v128.shuffle<f32>(a, b, 0, 1, 4, 5);
}

/**
 * One Adam step over n parameters, as tfjs's AdamOptimizer.applyGradients:
 *   g ← fround(g·scale); m ← m·β1 + g·(1−β1); v ← v·β2 + g²·(1−β2);
 *   p ← (m / (1−β1ᵗ)) / (sqrt(v / (1−β2ᵗ)) + ε) · (−lr) + p;  then β1ᵗ ← β1ᵗ·β1, β2ᵗ ← β2ᵗ·β2.
 * `powers` holds [β1ᵗ, β2ᵗ] (tfjs's accBeta1/2, float32). The weights before the step are copied to
 * `prev` on the way, so a step that makes any weight non-finite can be undone by the caller. g is
 * only read. Returns 1 when every new weight is finite, else 0 (m, v and the powers keep the step,
 * as tfjs's do when the caller restores its variable).
 */
export function adamStep(
  p: usize, g: usize, m: usize, v: usize, prev: usize, n: i32, scale: f64, powers: usize,
  lr: f32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32,
): i32 {
  const acc1 = load<f32>(powers);
  const acc2 = load<f32>(powers, 4);
  const c1: f32 = 1 - acc1;
  const c2: f32 = 1 - acc2;
  const negLr: f32 = -lr;
  const clipping = scale != 1;
  const s = f64x2.splat(scale);
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const ob1 = f32x4.splat(oneMinusBeta1);
  const ob2 = f32x4.splat(oneMinusBeta2);
  const c1v = f32x4.splat(c1);
  const c2v = f32x4.splat(c2);
  const ev = f32x4.splat(eps);
  const lv = f32x4.splat(negLr);
  // OR of (p − p) over the new weights: +0 (all bits clear) for a finite p, NaN for ±Inf or NaN.
  let bad = i32x4.splat(0);
  const n4 = n & ~3;
  let k = 0;
  for (; k < n4; k += 4) {
    const o = <usize>k << 2;
    const gx = v128.load(g + o);
    const gv = clipping ? scaled(gx, s) : gx;
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gv, ob1));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gv, gv), ob2));
    v128.store(m + o, mv);
    v128.store(v + o, vv);
    const mh = f32x4.div(mv, c1v);
    const vh = f32x4.div(vv, c2v);
    const pv = v128.load(p + o);
    v128.store(prev + o, pv);
    const np = f32x4.add(f32x4.mul(f32x4.div(mh, f32x4.add(f32x4.sqrt(vh), ev)), lv), pv);
    v128.store(p + o, np);
    bad = v128.or(bad, f32x4.sub(np, np));
  }
  let finite = !v128.any_true(bad);
  for (; k < n; k++) {
    const o = <usize>k << 2;
    const gk = <f32>(<f64>load<f32>(g + o) * scale);
    const mk: f32 = load<f32>(m + o) * beta1 + gk * oneMinusBeta1;
    const vk: f32 = load<f32>(v + o) * beta2 + gk * gk * oneMinusBeta2;
    store<f32>(m + o, mk);
    store<f32>(v + o, vk);
    const pk = load<f32>(p + o);
    store<f32>(prev + o, pk);
    const np: f32 = (mk / c1) / (Mathf.sqrt(vk / c2) + eps) * negLr + pk;
    store<f32>(p + o, np);
    if (!isFinite<f32>(np)) finite = false;
  }
  store<f32>(powers, acc1 * beta1);
  store<f32>(powers, acc2 * beta2, 4);
  return finite ? 1 : 0;
}

/**
 * One momentum SGD step over n parameters, as tfjs's MomentumOptimizer (useNesterov false):
 *   g ← fround(g·scale); a ← μ·a + g; p ← (−lr)·a + p.
 * The weights before the step go to `prev`; returns 1 when every new weight is finite, else 0.
 */
export function momentumStep(p: usize, g: usize, a: usize, prev: usize, n: i32, scale: f64, lr: f32, momentum: f32): i32 {
  const negLr: f32 = -lr;
  const clipping = scale != 1;
  const s = f64x2.splat(scale);
  const mu = f32x4.splat(momentum);
  const lv = f32x4.splat(negLr);
  let bad = i32x4.splat(0);
  const n4 = n & ~3;
  let k = 0;
  for (; k < n4; k += 4) {
    const o = <usize>k << 2;
    const gx = v128.load(g + o);
    const gv = clipping ? scaled(gx, s) : gx;
    const av = f32x4.add(f32x4.mul(mu, v128.load(a + o)), gv);
    v128.store(a + o, av);
    const pv = v128.load(p + o);
    v128.store(prev + o, pv);
    const np = f32x4.add(f32x4.mul(lv, av), pv);
    v128.store(p + o, np);
    bad = v128.or(bad, f32x4.sub(np, np));
  }
  let finite = !v128.any_true(bad);
  for (; k < n; k++) {
    const o = <usize>k << 2;
    const gk = <f32>(<f64>load<f32>(g + o) * scale);
    const ak: f32 = momentum * load<f32>(a + o) + gk;
    store<f32>(a + o, ak);
    const pk = load<f32>(p + o);
    store<f32>(prev + o, pk);
    const np: f32 = negLr * ak + pk;
    store<f32>(p + o, np);
    if (!isFinite<f32>(np)) finite = false;
  }
  return finite ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Live-stream kernels (branch i8-live): batched inference across streams, and the 48 → 16 kHz
// decimator. Kept together at the end of the file so merging with other kernel additions is easy.
// ---------------------------------------------------------------------------------------------

/**
 * For each of n streams: y_i = W·x_i, or y_i += W·x_i when acc != 0 (W [rows, cols]; xPtrs / yPtrs:
 * n u32 byte addresses). The rows are the outer loop, so each block of four rows of W is read from
 * memory once and reused from L1 by every stream, instead of the whole matrix streaming past once
 * per stream. Each output is computed with exactly matvec's operations in matvec's order (four
 * lane sums over k, their hsum, the scalar tail, then the accumulate), so the results are
 * bit-for-bit those of n matvec calls.
 */
export function matvecBatch(w: usize, rows: i32, cols: i32, xPtrs: usize, yPtrs: usize, n: i32, acc: i32): void {
  const cols4 = cols & ~3;
  const stride = <usize>cols << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const w0 = w + <usize>r * stride;
    const w1 = w0 + stride;
    const w2 = w1 + stride;
    const w3 = w2 + stride;
    const ro = <usize>r << 2;
    let i = 0;
    // Two streams at a time: each W load feeds both (eight independent sums in flight), each
    // stream's sums still in matvec's order.
    for (; i + 2 <= n; i += 2) {
      const ip = <usize>i << 2;
      const x = <usize>load<u32>(xPtrs + ip);
      const xb = <usize>load<u32>(xPtrs + ip, 4);
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0);
      let b1 = f32x4.splat(0);
      let b2 = f32x4.splat(0);
      let b3 = f32x4.splat(0);
      let k = 0;
      for (; k < cols4; k += 4) {
        const o = <usize>k << 2;
        const xv = v128.load(x + o);
        const xw = v128.load(xb + o);
        const m0 = v128.load(w0 + o);
        const m1 = v128.load(w1 + o);
        const m2 = v128.load(w2 + o);
        const m3 = v128.load(w3 + o);
        a0 = f32x4.add(a0, f32x4.mul(m0, xv));
        a1 = f32x4.add(a1, f32x4.mul(m1, xv));
        a2 = f32x4.add(a2, f32x4.mul(m2, xv));
        a3 = f32x4.add(a3, f32x4.mul(m3, xv));
        b0 = f32x4.add(b0, f32x4.mul(m0, xw));
        b1 = f32x4.add(b1, f32x4.mul(m1, xw));
        b2 = f32x4.add(b2, f32x4.mul(m2, xw));
        b3 = f32x4.add(b3, f32x4.mul(m3, xw));
      }
      let s0 = hsum(a0);
      let s1 = hsum(a1);
      let s2 = hsum(a2);
      let s3 = hsum(a3);
      let t0 = hsum(b0);
      let t1 = hsum(b1);
      let t2 = hsum(b2);
      let t3 = hsum(b3);
      for (; k < cols; k++) {
        const o = <usize>k << 2;
        const xk = load<f32>(x + o);
        const xl = load<f32>(xb + o);
        const e0 = load<f32>(w0 + o);
        const e1 = load<f32>(w1 + o);
        const e2 = load<f32>(w2 + o);
        const e3 = load<f32>(w3 + o);
        s0 += e0 * xk;
        s1 += e1 * xk;
        s2 += e2 * xk;
        s3 += e3 * xk;
        t0 += e0 * xl;
        t1 += e1 * xl;
        t2 += e2 * xl;
        t3 += e3 * xl;
      }
      const yo = <usize>load<u32>(yPtrs + ip) + ro;
      const yb = <usize>load<u32>(yPtrs + ip, 4) + ro;
      if (acc != 0) {
        s0 += load<f32>(yo);
        s1 += load<f32>(yo, 4);
        s2 += load<f32>(yo, 8);
        s3 += load<f32>(yo, 12);
        t0 += load<f32>(yb);
        t1 += load<f32>(yb, 4);
        t2 += load<f32>(yb, 8);
        t3 += load<f32>(yb, 12);
      }
      store<f32>(yo, s0);
      store<f32>(yo, s1, 4);
      store<f32>(yo, s2, 8);
      store<f32>(yo, s3, 12);
      store<f32>(yb, t0);
      store<f32>(yb, t1, 4);
      store<f32>(yb, t2, 8);
      store<f32>(yb, t3, 12);
    }
    for (; i < n; i++) {
      const ip = <usize>i << 2;
      const x = <usize>load<u32>(xPtrs + ip);
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let k = 0;
      for (; k < cols4; k += 4) {
        const o = <usize>k << 2;
        const xv = v128.load(x + o);
        a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), xv));
        a1 = f32x4.add(a1, f32x4.mul(v128.load(w1 + o), xv));
        a2 = f32x4.add(a2, f32x4.mul(v128.load(w2 + o), xv));
        a3 = f32x4.add(a3, f32x4.mul(v128.load(w3 + o), xv));
      }
      let s0 = hsum(a0);
      let s1 = hsum(a1);
      let s2 = hsum(a2);
      let s3 = hsum(a3);
      for (; k < cols; k++) {
        const o = <usize>k << 2;
        const xk = load<f32>(x + o);
        s0 += load<f32>(w0 + o) * xk;
        s1 += load<f32>(w1 + o) * xk;
        s2 += load<f32>(w2 + o) * xk;
        s3 += load<f32>(w3 + o) * xk;
      }
      const yo = <usize>load<u32>(yPtrs + ip) + ro;
      if (acc != 0) {
        s0 += load<f32>(yo);
        s1 += load<f32>(yo, 4);
        s2 += load<f32>(yo, 8);
        s3 += load<f32>(yo, 12);
      }
      store<f32>(yo, s0);
      store<f32>(yo, s1, 4);
      store<f32>(yo, s2, 8);
      store<f32>(yo, s3, 12);
    }
  }
  for (; r < rows; r++) {
    const w0 = w + <usize>r * stride;
    const ro = <usize>r << 2;
    for (let i = 0; i < n; i++) {
      const ip = <usize>i << 2;
      const x = <usize>load<u32>(xPtrs + ip);
      let a0 = f32x4.splat(0);
      let k = 0;
      for (; k < cols4; k += 4) {
        const o = <usize>k << 2;
        a0 = f32x4.add(a0, f32x4.mul(v128.load(w0 + o), v128.load(x + o)));
      }
      let s0 = hsum(a0);
      for (; k < cols; k++) {
        const o = <usize>k << 2;
        s0 += load<f32>(w0 + o) * load<f32>(x + o);
      }
      const yo = <usize>load<u32>(yPtrs + ip) + ro;
      if (acc != 0) s0 += load<f32>(yo);
      store<f32>(yo, s0);
    }
  }
}

/**
 * A decimating FIR: y[o] = Σ_{k<nTaps} taps[k]·x[o·step + k] for o < count, i.e. the filter
 * evaluated at every step-th input only. nTaps must be a multiple of 4 (the caller pads the taps
 * with zeros); two accumulators keep two independent add chains in flight.
 */
export function firDecimate(x: usize, taps: usize, nTaps: i32, step: i32, y: usize, count: i32): void {
  const stride = <usize>step << 2;
  for (let o = 0; o < count; o++) {
    const xo = x + <usize>o * stride;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let k = 0;
    for (; k + 8 <= nTaps; k += 8) {
      const b = <usize>k << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(taps + b), v128.load(xo + b)));
      a1 = f32x4.add(a1, f32x4.mul(v128.load(taps + b, 16), v128.load(xo + b, 16)));
    }
    for (; k < nTaps; k += 4) {
      const b = <usize>k << 2;
      a0 = f32x4.add(a0, f32x4.mul(v128.load(taps + b), v128.load(xo + b)));
    }
    store<f32>(y + (<usize>o << 2), hsum(f32x4.add(a0, a1)));
  }
}

// Forward-gradient kernels (e-prop's eligibility traces): rows scaled each by their own factor.

/** A[r] = s[r]·A[r] + u[r]·v for every row r: decay each row, then add a rank-one term. A [rows, cols]. */
export function decayOuterAdd(a: usize, rows: i32, cols: i32, s: usize, u: usize, v: usize): void {
  const cols4 = cols & ~3;
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const ro = <usize>r << 2;
    const sr = load<f32>(s + ro);
    const ur = load<f32>(u + ro);
    const sv = f32x4.splat(sr);
    const uv = f32x4.splat(ur);
    const row = a + <usize>r * stride;
    let k = 0;
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      v128.store(row + o, f32x4.add(f32x4.mul(v128.load(row + o), sv), f32x4.mul(v128.load(v + o), uv)));
    }
    for (; k < cols; k++) {
      const o = <usize>k << 2;
      store<f32>(row + o, load<f32>(row + o) * sr + load<f32>(v + o) * ur);
    }
  }
}

/** A[r] += s[r]·B[r] for every row r. A and B [rows, cols]. */
export function rowScaledAdd(a: usize, rows: i32, cols: i32, s: usize, b: usize): void {
  const cols4 = cols & ~3;
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const sr = load<f32>(s + (<usize>r << 2));
    if (sr == 0) continue;
    const sv = f32x4.splat(sr);
    const ra = a + <usize>r * stride;
    const rb = b + <usize>r * stride;
    let k = 0;
    for (; k < cols4; k += 4) {
      const o = <usize>k << 2;
      v128.store(ra + o, f32x4.add(v128.load(ra + o), f32x4.mul(v128.load(rb + o), sv)));
    }
    for (; k < cols; k++) {
      const o = <usize>k << 2;
      store<f32>(ra + o, load<f32>(ra + o) + load<f32>(rb + o) * sr);
    }
  }
}

// ---- Forward-mode gradient kernels (issue 9) ---------------------------------------------------
// SnAp-1's traces (src/learner/algorithms/snap1.ts): two per LSTM parameter, laid out like the
// layer's parameters, W_ih [4H, inK], W_hh [4H, H], b_ih [4H], b_hh [4H].

/**
 * n traces of one gate row through one step: c' = cc·c + ch·h + cz·u[k], h' = hc·c' + hh·h + hz·u[k]
 * (u the values the row's parameters multiply), four at a time.
 */
@inline function snap1Row(th: usize, tc: usize, u: usize, n: i32, cc: f32, ch: f32, hc: f32, hh: f32, cz: f32, hz: f32): void {
  const n4 = n & ~3;
  const vcc = f32x4.splat(cc);
  const vch = f32x4.splat(ch);
  const vhc = f32x4.splat(hc);
  const vhh = f32x4.splat(hh);
  const vcz = f32x4.splat(cz);
  const vhz = f32x4.splat(hz);
  let k = 0;
  for (; k < n4; k += 4) {
    const o = <usize>k << 2;
    const hv = v128.load(th + o);
    const uv = v128.load(u + o);
    const cv = f32x4.add(f32x4.add(f32x4.mul(vcc, v128.load(tc + o)), f32x4.mul(vch, hv)), f32x4.mul(vcz, uv));
    v128.store(tc + o, cv);
    v128.store(th + o, f32x4.add(f32x4.add(f32x4.mul(vhc, cv), f32x4.mul(vhh, hv)), f32x4.mul(vhz, uv)));
  }
  for (; k < n; k++) {
    const o = <usize>k << 2;
    const hv = load<f32>(th + o);
    const uv = load<f32>(u + o);
    const cv = cc * load<f32>(tc + o) + ch * hv + cz * uv;
    store<f32>(tc + o, cv);
    store<f32>(th + o, hc * cv + hh * hv + hz * uv);
  }
}

/** One bias trace (u = 1) through one step. */
@inline function snap1One(th: usize, tc: usize, cc: f32, ch: f32, hc: f32, hh: f32, cz: f32, hz: f32): void {
  const hv = load<f32>(th);
  const cv = cc * load<f32>(tc) + ch * hv + cz;
  store<f32>(tc, cv);
  store<f32>(th, hc * cv + hh * hv + hz);
}

/** SnAp-1's step of one layer's traces (see kernels.ts snap1Propagate for the formulas). */
export function snap1Propagate(th: usize, tc: usize, input: usize, inK: i32, hPrev: usize, g: usize, cPrev: usize, tanhC: usize, wHh: usize, hidden: i32): void {
  const H = <usize>hidden;
  const hb = H << 2;
  const whh = (H * 4 * <usize>inK) << 2; // byte offsets of the W_hh, b_ih, b_hh traces
  const bih = whh + ((H * H * 4) << 2);
  const bhh = bih + (hb * 4);
  for (let j: usize = 0; j < H; j++) {
    const jb = j << 2;
    const gi = load<f32>(g + jb);
    const gf = load<f32>(g + hb + jb);
    const gg = load<f32>(g + hb * 2 + jb);
    const go = load<f32>(g + hb * 3 + jb);
    const t = load<f32>(tanhC + jb);
    const czI = gg * gi * (1 - gi);
    const czF = load<f32>(cPrev + jb) * gf * (1 - gf);
    const czG = gi * (1 - gg * gg);
    const hc = go * (1 - t * t);
    const ho = t * go * (1 - go);
    // The diagonal of each gate block of W_hh: how the unit's own h_{t−1} reaches its gates.
    const ch = czI * load<f32>(wHh + ((j * H + j) << 2)) + czF * load<f32>(wHh + (((H + j) * H + j) << 2)) +
      czG * load<f32>(wHh + (((H * 2 + j) * H + j) << 2));
    const hh = ho * load<f32>(wHh + (((H * 3 + j) * H + j) << 2));
    for (let q: usize = 0; q < 4; q++) {
      const r = q * H + j;
      const cz: f32 = q == 0 ? czI : q == 1 ? czF : q == 2 ? czG : 0;
      const hz: f32 = q == 3 ? ho : 0;
      const wi = (r * <usize>inK) << 2;
      snap1Row(th + wi, tc + wi, input, inK, gf, ch, hc, hh, cz, hz);
      const wh = whh + ((r * H) << 2);
      snap1Row(th + wh, tc + wh, hPrev, hidden, gf, ch, hc, hh, cz, hz);
      snap1One(th + bih + (r << 2), tc + bih + (r << 2), gf, ch, hc, hh, cz, hz);
      snap1One(th + bhh + (r << 2), tc + bhh + (r << 2), gf, ch, hc, hh, cz, hz);
    }
  }
}

/** grad += dh[r mod H]·th over n floats of one gate row, four at a time. */
@inline function scaledAdd(grad: usize, th: usize, n: i32, d: f32): void {
  const n4 = n & ~3;
  const vd = f32x4.splat(d);
  let k = 0;
  for (; k < n4; k += 4) {
    const o = <usize>k << 2;
    v128.store(grad + o, f32x4.add(v128.load(grad + o), f32x4.mul(vd, v128.load(th + o))));
  }
  for (; k < n; k++) {
    const o = <usize>k << 2;
    store<f32>(grad + o, load<f32>(grad + o) + d * load<f32>(th + o));
  }
}

/** grad[θ] += dh[j]·th[θ] over one layer's parameters, j the unit of θ's gate row. */
export function snap1Accumulate(grad: usize, th: usize, dh: usize, inK: i32, hidden: i32): void {
  const H = <usize>hidden;
  const whh = (H * 4 * <usize>inK) << 2;
  const bih = whh + ((H * H * 4) << 2);
  const bhh = bih + ((H * 4) << 2);
  for (let r: usize = 0; r < H * 4; r++) {
    const d = load<f32>(dh + ((r % H) << 2));
    const wi = (r * <usize>inK) << 2;
    scaledAdd(grad + wi, th + wi, inK, d);
    const wh = whh + ((r * H) << 2);
    scaledAdd(grad + wh, th + wh, hidden, d);
    const b = r << 2;
    store<f32>(grad + bih + b, load<f32>(grad + bih + b) + d * load<f32>(th + bih + b));
    store<f32>(grad + bhh + b, load<f32>(grad + bhh + b) + d * load<f32>(th + bhh + b));
  }
}
