import type { Kernels } from './kernels.ts';

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
};
