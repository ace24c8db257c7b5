/** Adam's hyper-parameters, as tfjs's AdamOptimizer holds them (each is used as a float32). */
export interface AdamConstants {
  lr: number;
  beta1: number;
  beta2: number;
  /** tfjs's default is the backend's `epsilon()`: 1e-7 on the cpu, wasm and tensorflow backends. */
  epsilon: number;
}

/**
 * The hot primitives of the LSTM math and of the optimiser step. Two implementations share this interface: plain TypeScript
 * loops (`tsKernels`) and WebAssembly SIMD (`wasmKernels`, used when every array lives in the wasm
 * arena). Every array argument is followed by an element offset, so parameter tensors are
 * addressed inside the one flat parameter vector without creating views.
 */
export interface Kernels {
  /** y = W·x (or y += W·x when `accumulate`), W row-major [rows, cols]. */
  matvec(
    w: Float32Array, wOff: number, rows: number, cols: number,
    x: Float32Array, xOff: number, y: Float32Array, yOff: number, accumulate: boolean,
  ): void;
  /** y = Wᵀ·v (or y += Wᵀ·v), W row-major [rows, cols], v of `rows`, y of `cols`. */
  matvecT(
    w: Float32Array, wOff: number, rows: number, cols: number,
    v: Float32Array, vOff: number, y: Float32Array, yOff: number, accumulate: boolean,
  ): void;
  /** A += u vᵀ, A row-major [rows, cols]. */
  outerAdd(
    a: Float32Array, aOff: number, rows: number, cols: number,
    u: Float32Array, uOff: number, v: Float32Array, vOff: number,
  ): void;
  /**
   * A += Σ_{i<n} us[i] vs[i]ᵀ (each us[i] of `rows` floats from its start, vs[i] of `cols`): a whole
   * window's weight gradient in one pass over A.
   */
  outerAddBatch(
    a: Float32Array, aOff: number, rows: number, cols: number,
    us: Float32Array[], vs: Float32Array[], n: number,
  ): void;
  /** dst[dOff..dOff+n) += src[sOff..sOff+n). */
  addTo(dst: Float32Array, dOff: number, src: Float32Array, sOff: number, n: number): void;
  /**
   * LSTM cell forward. `gates` holds the 4H pre-activations W_ih x + W_hh h on entry (order i, f, g, o);
   * adds both biases, activates them in place, and writes c = f⊙cPrev + i⊙g, tanhC = tanh(c),
   * h = o⊙tanhC.
   */
  cellForward(
    gates: Float32Array, gOff: number, bias: Float32Array, bIhOff: number, bHhOff: number,
    cPrev: Float32Array, cPrevOff: number, c: Float32Array, cOff: number,
    tanhC: Float32Array, tOff: number, h: Float32Array, hOff: number, hidden: number,
  ): void;
  /**
   * LSTM cell backward. Given dh (total gradient of the step's h) and dc (gradient of the step's c
   * from the future, overwritten with the gradient of cPrev), writes dz, the 4H gradients of the
   * pre-activations.
   */
  cellBackward(
    dh: Float32Array, dhOff: number, dc: Float32Array, dcOff: number,
    gates: Float32Array, gOff: number, cPrev: Float32Array, cPrevOff: number,
    tanhC: Float32Array, tOff: number, dz: Float32Array, dzOff: number, hidden: number,
  ): void;
  /**
   * Σ g[i]² over g's first n floats, in float64, summed in a fixed order (eight interleaved partial
   * sums i ≡ 0..7 mod 8, then the tail), so both implementations return the same bits.
   */
  sumSquares(g: Float32Array, n: number): number;
  /**
   * One tfjs Adam step over the first n floats (see lstm-kernels.as for the exact float32 ops):
   * g·scale (float64 product, rounded) is the gradient; m, v and `powers` = [β1ᵗ, β2ᵗ] are updated;
   * p is updated in place after its old values are copied to `prev`. g is only read.
   * Returns whether every new weight is finite.
   */
  adamStep(
    p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, prev: Float32Array, n: number,
    scale: number, powers: Float32Array, h: AdamConstants,
  ): boolean;
  /**
   * One tfjs momentum SGD step (no Nesterov) over the first n floats: acc ← μ·acc + g·scale,
   * p ← (−lr)·acc + p, the old p copied to `prev`. Returns whether every new weight is finite.
   */
  momentumStep(
    p: Float32Array, g: Float32Array, acc: Float32Array, prev: Float32Array, n: number,
    scale: number, lr: number, momentum: number,
  ): boolean;

  // Live-stream kernels (batched inference, the decimator): kept together at the end.
  /**
   * y_i = W·x_i (or y_i += W·x_i) for each of n streams: xs[i] holds `cols` floats from its start,
   * ys[i] `rows` floats from `yOff`. Bit-for-bit the results of n {@link matvec} calls. The ys must
   * not overlap each other or any x (streams are computed two at a time).
   */
  matvecBatch(
    w: Float32Array, wOff: number, rows: number, cols: number,
    xs: readonly Float32Array[], ys: readonly Float32Array[], yOff: number, n: number, accumulate: boolean,
  ): void;
  /**
   * A decimating FIR: y[yOff + o] = Σ_{k<nTaps} taps[k]·x[xOff + o·step + k] for o < count. nTaps
   * a multiple of 4 (pad the taps with zeros).
   */
  firDecimate(
    x: Float32Array, xOff: number, taps: Float32Array, nTaps: number, step: number,
    y: Float32Array, yOff: number, count: number,
  ): void;

  // Forward-gradient kernels (e-prop's eligibility traces): each row scaled by its own factor.
  /** A[r] = s[r]·A[r] + u[r]·v for each row r of A [rows, cols] (s, u of `rows`, v of `cols`). */
  decayOuterAdd(
    a: Float32Array, aOff: number, rows: number, cols: number,
    s: Float32Array, sOff: number, u: Float32Array, uOff: number, v: Float32Array, vOff: number,
  ): void;
  /** A[r] += s[r]·B[r] for each row r, A and B row-major [rows, cols]. */
  rowScaledAdd(
    a: Float32Array, aOff: number, rows: number, cols: number,
    s: Float32Array, sOff: number, b: Float32Array, bOff: number,
  ): void;

  // Forward-mode gradient kernels (issue 9, algorithms/snap1.ts).
  /**
   * SnAp-1's step of one layer's traces, in place. `traceH`, `traceC` (from their offsets) are laid
   * out like the layer's parameters: W_ih [4H, inK], W_hh [4H, H], b_ih [4H], b_hh [4H]. For each
   * parameter θ of gate row r = q·H + j, u the value it multiplies (input[k], hPrev[k] or 1):
   *   c' = f_j·c + a_j·h + ∂c/∂z_r·u,   h' = o_j(1−tanh²c_j)·c' + tanh(c_j)·o_j(1−o_j)·(w_j·h + [q = o]·u),
   * a_j = Σ_q ∂c/∂z_{qH+j}·W_hh[qH+j, j] and w_j = W_hh[3H+j, j] (the diagonal of W_hh at `wHhOff`
   * in `w`); gates, cPrev, tanhC as the forward step cached them.
   */
  snap1Propagate(
    traceH: Float32Array, hOff: number, traceC: Float32Array, cOff: number,
    input: Float32Array, inOff: number, inK: number, hPrev: Float32Array, hpOff: number,
    gates: Float32Array, gOff: number, cPrev: Float32Array, cpOff: number, tanhC: Float32Array, tOff: number,
    w: Float32Array, wHhOff: number, hidden: number,
  ): void;
  /** grad[θ] += dh[j]·traceH[θ] over one layer's parameters (the layout above), j θ's unit. */
  snap1Accumulate(
    grad: Float32Array, gOff: number, traceH: Float32Array, hOff: number, dh: Float32Array, dhOff: number,
    inK: number, hidden: number,
  ): void;
}
