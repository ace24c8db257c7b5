import PFFFT from '@echogarden/pffft-wasm/simd';

// PFFFT (Pommier's SIMD FFT, BSD) built for WebAssembly SIMD by the Echogarden project. Node 20
// always has wasm SIMD, so the SIMD build is loaded unconditionally. Emscripten instantiates it
// asynchronously; awaiting it once here keeps every feature function synchronous.
const pffft = await PFFFT();

/** Frames per batch: 64 × 512 floats in and out is 256 KB, small enough to stay in cache. */
const CAPACITY = 64;

/**
 * A batch of real forward FFTs of `size` points in wasm memory: write up to `capacity` signals
 * (frame j at `input()[j·size …]`), call `forward(count)`, read the spectra at `output()`, frame
 * j at `[j·size …]` in PFFFT's ordered layout: X[0] (real), X[size/2] (real), then Re X[k], Im X[k]
 * for k = 1 … size/2 − 1. Unscaled, single precision.
 */
export interface RealFftPlan {
  readonly size: number;
  readonly capacity: number;
  /** The input batch (capacity × size floats), a view into wasm memory: use it before any other plan is created. */
  input(): Float32Array;
  /** The output batch (capacity × size floats), a view into wasm memory. */
  output(): Float32Array;
  /** Transforms input frames 0 … count − 1 into the output. */
  forward(count: number): void;
}

const plans = new Map<number, RealFftPlan>();

/**
 * The process-wide PFFFT plan for `size`-point real FFTs (PFFFT needs a multiple of 32), created
 * on first use and shared: a batch is written, transformed and read within one synchronous call,
 * so two feature streams never use it at once, and wasm memory is allocated once per size rather
 * than per stream (Emscripten's heap is never given back).
 *
 * @param size FFT length, a multiple of 32 (512 for a zero-padded 25 ms window at 16 kHz)
 *
 * ## Example
 * ```ts
 * const plan = realFftPlan(512);
 * plan.input().set(windowed, 0);
 * plan.forward(1);
 * const dc = plan.output()[0];
 * ```
 */
export function realFftPlan(size: number): RealFftPlan {
  if (!Number.isInteger(size) || size < 32 || size % 32 !== 0) {
    throw new RangeError(`realFftPlan: size must be a positive multiple of 32, got ${size}`);
  }
  const cached = plans.get(size);
  if (cached) return cached;
  const setup = pffft._pffft_new_setup(size, 0);
  const bytes = CAPACITY * size * 4;
  const inPtr = pffft._pffft_aligned_malloc(bytes);
  const outPtr = pffft._pffft_aligned_malloc(bytes);
  const workPtr = pffft._pffft_aligned_malloc(size * 4);
  if (setup === 0 || inPtr === 0 || outPtr === 0 || workPtr === 0) throw new Error(`realFftPlan: PFFFT could not allocate a ${size}-point plan`);
  // Views are cached and rebuilt only when the heap has grown (which detaches the old buffer).
  let heap: ArrayBufferLike | null = null;
  let inView: Float32Array = new Float32Array(0);
  let outView: Float32Array = new Float32Array(0);
  const refresh = (): void => {
    if (heap === pffft.HEAPF32.buffer) return;
    heap = pffft.HEAPF32.buffer;
    inView = new Float32Array(heap, inPtr, CAPACITY * size);
    outView = new Float32Array(heap, outPtr, CAPACITY * size);
  };
  const plan: RealFftPlan = {
    size,
    capacity: CAPACITY,
    input() {
      refresh();
      return inView;
    },
    output() {
      refresh();
      return outView;
    },
    forward(count) {
      if (!Number.isInteger(count) || count < 0 || count > CAPACITY) throw new RangeError(`realFftPlan: count must be 0 … ${CAPACITY}, got ${count}`);
      // PFFFT transforms one signal per call; the data stays in wasm memory, so a call carries four
      // integers and the batch's samples cross into wasm once, through the input view.
      const stride = size * 4;
      for (let j = 0; j < count; j++) pffft._pffft_transform_ordered(setup, inPtr + j * stride, outPtr + j * stride, workPtr, 0);
    },
  };
  plans.set(size, plan);
  return plan;
}
