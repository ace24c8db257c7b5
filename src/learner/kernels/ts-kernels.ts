import type { Kernels } from './kernels.ts';

// Float32 rounding of each intermediate: with it, these loops compute what tfjs's float32 ops and
// the wasm kernels do (one rounding of a float64 result is the float32 result for + − × ÷ √).
const f = Math.fround;

/** The value a bias multiplies, as an operand of {@link snap1Traces}. */
const ONE = new Float32Array([1]);

/**
 * n SnAp-1 traces of one gate row through one step, in place: c' = cc·c + ch·h + cz·u[k],
 * h' = hc·c' + hh·h + hz·u[k] (u the values the row's parameters multiply).
 */
function snap1Traces(
  th: Float32Array, hAt: number, tc: Float32Array, cAt: number, u: Float32Array, uOff: number, n: number,
  cc: number, ch: number, hc: number, hh: number, cz: number, hz: number,
): void {
  for (let k = 0; k < n; k++) {
    const hOld = th[hAt + k];
    const uk = u[uOff + k];
    const cNew = cc * tc[cAt + k] + ch * hOld + cz * uk;
    tc[cAt + k] = cNew;
    th[hAt + k] = hc * cNew + hh * hOld + hz * uk;
  }
}

/** Plain TypeScript {@link Kernels}: the reference the wasm kernels are tested against, and the fallback. */
export const tsKernels: Kernels = {
  matvec(w, wOff, rows, cols, x, xOff, y, yOff, accumulate) {
    for (let r = 0; r < rows; r++) {
      let s = 0;
      const row = wOff + r * cols;
      for (let k = 0; k < cols; k++) s += w[row + k] * x[xOff + k];
      y[yOff + r] = accumulate ? y[yOff + r] + s : s;
    }
  },
  matvecT(w, wOff, rows, cols, v, vOff, y, yOff, accumulate) {
    if (!accumulate) y.fill(0, yOff, yOff + cols);
    for (let r = 0; r < rows; r++) {
      const vr = v[vOff + r];
      if (vr === 0) continue;
      const row = wOff + r * cols;
      for (let k = 0; k < cols; k++) y[yOff + k] += w[row + k] * vr;
    }
  },
  outerAdd(a, aOff, rows, cols, u, uOff, v, vOff) {
    for (let r = 0; r < rows; r++) {
      const ur = u[uOff + r];
      if (ur === 0) continue;
      const row = aOff + r * cols;
      for (let k = 0; k < cols; k++) a[row + k] += ur * v[vOff + k];
    }
  },
  outerAddBatch(a, aOff, rows, cols, us, vs, n) {
    for (let i = 0; i < n; i++) this.outerAdd(a, aOff, rows, cols, us[i], 0, vs[i], 0);
  },
  addTo(dst, dOff, src, sOff, n) {
    for (let k = 0; k < n; k++) dst[dOff + k] += src[sOff + k];
  },
  cellForward(gates, gOff, bias, bIhOff, bHhOff, cPrev, cPrevOff, c, cOff, tanhC, tOff, h, hOff, H) {
    for (let j = 0; j < 4 * H; j++) {
      const z = gates[gOff + j] + bias[bIhOff + j] + bias[bHhOff + j];
      // Rows [2H, 3H) are the cell candidate g (tanh); the others are sigmoid gates.
      gates[gOff + j] = j >= 2 * H && j < 3 * H ? Math.tanh(z) : 1 / (1 + Math.exp(-z));
    }
    for (let j = 0; j < H; j++) {
      const i = gates[gOff + j];
      const f = gates[gOff + H + j];
      const g = gates[gOff + 2 * H + j];
      const o = gates[gOff + 3 * H + j];
      const cj = f * cPrev[cPrevOff + j] + i * g;
      c[cOff + j] = cj;
      const t = Math.tanh(Math.fround(cj));
      tanhC[tOff + j] = t;
      h[hOff + j] = o * Math.fround(t);
    }
  },
  cellBackward(dh, dhOff, dc, dcOff, gates, gOff, cPrev, cPrevOff, tanhC, tOff, dz, dzOff, H) {
    for (let j = 0; j < H; j++) {
      const i = gates[gOff + j];
      const f = gates[gOff + H + j];
      const g = gates[gOff + 2 * H + j];
      const o = gates[gOff + 3 * H + j];
      const t = tanhC[tOff + j];
      const dhj = dh[dhOff + j];
      const dcj = dc[dcOff + j] + dhj * o * (1 - t * t);
      dz[dzOff + j] = dcj * g * i * (1 - i);
      dz[dzOff + H + j] = dcj * cPrev[cPrevOff + j] * f * (1 - f);
      dz[dzOff + 2 * H + j] = dcj * i * (1 - g * g);
      dz[dzOff + 3 * H + j] = dhj * t * o * (1 - o);
      dc[dcOff + j] = dcj * f;
    }
  },
  sumSquares(g, n) {
    // Eight partial sums (i mod 8) and a tail, added in the wasm kernel's order: the same bits.
    const s = [0, 0, 0, 0, 0, 0, 0, 0];
    const n8 = n - (n % 8);
    for (let i = 0; i < n8; i += 8) {
      for (let j = 0; j < 8; j++) s[j] += g[i + j] * g[i + j];
    }
    let tail = 0;
    for (let i = n8; i < n; i++) tail += g[i] * g[i];
    return s[0] + s[1] + (s[2] + s[3]) + (s[4] + s[5] + (s[6] + s[7])) + tail;
  },
  adamStep(p, g, m, v, prev, n, scale, powers, h) {
    const b1 = f(h.beta1);
    const b2 = f(h.beta2);
    const ob1 = f(1 - h.beta1);
    const ob2 = f(1 - h.beta2);
    const eps = f(h.epsilon);
    const negLr = -f(h.lr);
    const acc1 = powers[0];
    const acc2 = powers[1];
    const c1 = f(1 - acc1);
    const c2 = f(1 - acc2);
    let finite = true;
    for (let i = 0; i < n; i++) {
      const gi = f(g[i] * scale);
      const mi = f(f(m[i] * b1) + f(gi * ob1));
      const vi = f(f(v[i] * b2) + f(f(gi * gi) * ob2));
      m[i] = mi;
      v[i] = vi;
      const pi = p[i];
      prev[i] = pi;
      const np = f(f(f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps)) * negLr) + pi);
      p[i] = np;
      if (!Number.isFinite(np)) finite = false;
    }
    powers[0] = f(acc1 * b1);
    powers[1] = f(acc2 * b2);
    return finite;
  },
  momentumStep(p, g, acc, prev, n, scale, lr, momentum) {
    const mu = f(momentum);
    const negLr = -f(lr);
    let finite = true;
    for (let i = 0; i < n; i++) {
      const ai = f(f(mu * acc[i]) + f(g[i] * scale));
      acc[i] = ai;
      const pi = p[i];
      prev[i] = pi;
      const np = f(f(negLr * ai) + pi);
      p[i] = np;
      if (!Number.isFinite(np)) finite = false;
    }
    return finite;
  },
  // Live-stream kernels (batched inference, the decimator).
  matvecBatch(w, wOff, rows, cols, xs, ys, yOff, n, accumulate) {
    for (let i = 0; i < n; i++) this.matvec(w, wOff, rows, cols, xs[i], 0, ys[i], yOff, accumulate);
  },
  firDecimate(x, xOff, taps, nTaps, step, y, yOff, count) {
    for (let o = 0; o < count; o++) {
      let s = 0;
      const at = xOff + o * step;
      for (let k = 0; k < nTaps; k++) s += taps[k] * x[at + k];
      y[yOff + o] = s;
    }
  },
  // Forward-gradient kernels (e-prop's eligibility traces).
  decayOuterAdd(a, aOff, rows, cols, s, sOff, u, uOff, v, vOff) {
    for (let r = 0; r < rows; r++) {
      const sr = s[sOff + r];
      const ur = u[uOff + r];
      const row = aOff + r * cols;
      for (let k = 0; k < cols; k++) a[row + k] = a[row + k] * sr + v[vOff + k] * ur;
    }
  },
  rowScaledAdd(a, aOff, rows, cols, s, sOff, b, bOff) {
    for (let r = 0; r < rows; r++) {
      const sr = s[sOff + r];
      if (sr === 0) continue;
      const ra = aOff + r * cols;
      const rb = bOff + r * cols;
      for (let k = 0; k < cols; k++) a[ra + k] += b[rb + k] * sr;
    }
  },
  // Forward-mode gradient kernels (issue 9).
  snap1Propagate(th, hOff, tc, cOff, input, inOff, inK, hPrev, hpOff, gates, gOff, cPrev, cpOff, tanhC, tOff, w, wHhOff, H) {
    const whh = 4 * H * inK; // where the W_hh traces start, then b_ih, b_hh
    const bih = whh + 4 * H * H;
    const bhh = bih + 4 * H;
    for (let j = 0; j < H; j++) {
      const i = gates[gOff + j];
      const fg = gates[gOff + H + j];
      const g = gates[gOff + 2 * H + j];
      const o = gates[gOff + 3 * H + j];
      const t = tanhC[tOff + j];
      // ∂c/∂z_q for q = i, f, g (the output gate does not touch c), ∂h/∂c and ∂h/∂z_o.
      const czI = g * i * (1 - i);
      const czF = cPrev[cpOff + j] * fg * (1 - fg);
      const czG = i * (1 - g * g);
      const hc = o * (1 - t * t);
      const ho = t * o * (1 - o);
      // The unit's own recurrent weights: how h_{j,t−1} reaches c_j and (via the output gate) h_j.
      const d = wHhOff + j * H + j;
      const ch = czI * w[d] + czF * w[d + H * H] + czG * w[d + 2 * H * H];
      const hh = ho * w[d + 3 * H * H];
      for (let q = 0; q < 4; q++) {
        const r = q * H + j;
        const cz = q === 0 ? czI : q === 1 ? czF : q === 2 ? czG : 0;
        const hz = q === 3 ? ho : 0;
        snap1Traces(th, hOff + r * inK, tc, cOff + r * inK, input, inOff, inK, fg, ch, hc, hh, cz, hz);
        snap1Traces(th, hOff + whh + r * H, tc, cOff + whh + r * H, hPrev, hpOff, H, fg, ch, hc, hh, cz, hz);
        snap1Traces(th, hOff + bih + r, tc, cOff + bih + r, ONE, 0, 1, fg, ch, hc, hh, cz, hz);
        snap1Traces(th, hOff + bhh + r, tc, cOff + bhh + r, ONE, 0, 1, fg, ch, hc, hh, cz, hz);
      }
    }
  },
  snap1Accumulate(grad, gOff, th, hOff, dh, dhOff, inK, H) {
    const whh = 4 * H * inK;
    const bih = whh + 4 * H * H;
    const bhh = bih + 4 * H;
    for (let r = 0; r < 4 * H; r++) {
      const d = dh[dhOff + (r % H)];
      for (let k = r * inK; k < (r + 1) * inK; k++) grad[gOff + k] += d * th[hOff + k];
      for (let k = whh + r * H; k < whh + (r + 1) * H; k++) grad[gOff + k] += d * th[hOff + k];
      grad[gOff + bih + r] += d * th[hOff + bih + r];
      grad[gOff + bhh + r] += d * th[hOff + bhh + r];
    }
  },
};
