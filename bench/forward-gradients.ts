/**
 * `npx tsx bench/forward-gradients.ts [-- --hidden 128] [-- --layers 1] [-- --frames N] [-- --repeats R]`
 *
 * The per-frame cost of each online gradient method of issue 9 on its own (no learner, no
 * optimiser): ms per frame of `propagate` + `accumulate` (every frame labelled), and of the forward
 * step that precedes it, for context. One stream, 26 random inputs, 61 outputs, frozen weights.
 * Each method runs `repeats` times; the fastest run is kept (the machine is shared).
 */
import { createEprop } from '../src/learner/algorithms/eprop.ts';
import type { ForwardGradient } from '../src/learner/algorithms/forward-gradient.ts';
import { createUoro } from '../src/learner/algorithms/uoro.ts';
import { forwardStep } from '../src/learner/forward-step.ts';
import { allocFloats } from '../src/learner/kernels/alloc-floats.ts';
import { initParams } from '../src/learner/init-params.ts';
import type { LstmShape } from '../src/learner/lstm-shape.ts';
import { zeroState } from '../src/learner/lstm-state.ts';
import { mulberry32 } from '../src/learner/math-mulberry32.ts';
import { paramLayout } from '../src/learner/param-layout.ts';
import { selectBackend } from '../src/learner/select-backend.ts';
import { createStepCache, stateAfter } from '../src/learner/step-cache.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const hidden = option('hidden', 128);
const layers = option('layers', 1);
const frames = option('frames', 2000);
const repeats = option('repeats', 5);

await selectBackend('cpu');
const shape: LstmShape = { inputSize: 26, hiddenSize: hidden, layers, outputSize: 61 };
const params = initParams(shape, 1);
const rand = mulberry32(2);
const xs = Array.from({ length: frames }, () => Float32Array.from({ length: 26 }, () => 2 * rand() - 1));
const dh = Float32Array.from({ length: hidden }, () => (rand() - 0.5) * 0.1);
const grad = allocFloats(paramLayout(shape).total);
const cache = createStepCache(shape);

/** Fastest of `repeats` runs over the frames, in ms per frame. */
function time(method: ForwardGradient | null): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    method?.reset();
    let prev = zeroState(shape);
    let spent = 0;
    for (let t = 0; t < frames; t++) {
      forwardStep(params, shape, xs[t], prev, cache);
      prev = stateAfter(cache);
      const t0 = performance.now();
      if (method !== null) {
        method.propagate(cache, params);
        method.accumulate(cache, params, dh, grad);
      }
      spent += performance.now() - t0;
    }
    best = Math.min(best, spent / frames);
  }
  return best;
}

/** The forward step alone, ms per frame (fastest of the repeats). */
function timeForward(): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    let prev = zeroState(shape);
    const t0 = performance.now();
    for (let t = 0; t < frames; t++) {
      forwardStep(params, shape, xs[t], prev, cache);
      prev = stateAfter(cache);
    }
    best = Math.min(best, (performance.now() - t0) / frames);
  }
  return best;
}

console.log(`hidden ${hidden}, ${layers} layer(s), 26 inputs, ${frames} frames, best of ${repeats}`);
console.log(`forward step: ${timeForward().toFixed(4)} ms/frame`);
const methods: [string, () => ForwardGradient][] = [['uoro', () => createUoro(shape, 1)]];
if (layers === 1) methods.unshift(['eprop', () => createEprop(shape)]);
for (const [name, make] of methods) {
  const m = make();
  console.log(`${name}: ${time(m).toFixed(4)} ms/frame (propagate + accumulate), ${m.floats} floats`);
  m.dispose();
}
