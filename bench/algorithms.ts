/**
 * `npm run bench:algorithms [-- --method rtrl|snap1|eprop|uoro] [-- --layers 1|2] [-- --sizes 8,16,32] [-- --repeats R] [-- --json]`
 *
 * Milliseconds per frame of a forward-mode gradient method (issue 9): propagate + accumulate,
 * after a forward step that is not timed, on random frames (26 inputs, 61 outputs, a target every
 * frame). Each size runs for at least half a second, `--repeats` times (3) after a warm-up run; the fastest run is kept (the
 * machine is shared: the minimum is the least disturbed). This is what set RTRL's real-time limit
 * (rtrlMaxHiddenSize): the largest size whose step stays under 10 ms, a frame.
 */
import { createEprop } from '../src/learner/algorithms/eprop.ts';
import { createRtrlAnySize } from '../src/learner/algorithms/rtrl.ts';
import { createSnap1 } from '../src/learner/algorithms/snap1.ts';
import { createUoro } from '../src/learner/algorithms/uoro.ts';
import type { ForwardGradient } from '../src/learner/algorithms/forward-gradient.ts';
import { allocFloats, freeFloats } from '../src/learner/kernels/alloc-floats.ts';
import { forwardStep } from '../src/learner/forward-step.ts';
import { initParams } from '../src/learner/init-params.ts';
import type { LstmShape } from '../src/learner/lstm-shape.ts';
import { zeroState } from '../src/learner/lstm-state.ts';
import { mulberry32 } from '../src/learner/math-mulberry32.ts';
import { paramLayout } from '../src/learner/param-layout.ts';
import { createStepCache, stateAfter } from '../src/learner/step-cache.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const method = option('method', 'rtrl');
const layers = Number(option('layers', '1'));
const sizes = option('sizes', method === 'rtrl' ? '8,16,24,28,32,36,40,48' : '32,64,128,256').split(',').map(Number);
const repeats = Number(option('repeats', '3'));
// Sizes above RTRL's limit are measured too: that is how the limit was found.
// RTRL without its size limit: this bench is what measures where the limit lies.
const FACTORIES: Record<string, (shape: LstmShape) => ForwardGradient> = {
  rtrl: createRtrlAnySize,
  snap1: createSnap1,
  eprop: createEprop,
  uoro: (shape) => createUoro(shape, 1),
};
if (!(method in FACTORIES)) throw new Error(`--method: expected one of ${Object.keys(FACTORIES).join(', ')}, got ${method}`);
const create = FACTORIES[method];

/**
 * Fastest of `repeats` runs of ≥ 0.5 s: wall-clock ms per frame of propagate + accumulate, and the
 * process's CPU ms per frame over the same run (less disturbed by other load on a shared machine).
 */
function msPerFrame(shape: LstmShape): { wall: number; cpu: number } {
  const params = initParams(shape, 1);
  const grad = allocFloats(paramLayout(shape).total);
  const cache = createStepCache(shape);
  const fg = create(shape);
  const rand = mulberry32(2);
  const x = new Float32Array(shape.inputSize);
  const dh = Float32Array.from({ length: shape.hiddenSize }, () => 0.1 * (2 * rand() - 1));
  let prev = zeroState(shape);
  let best = Infinity;
  let bestCpu = Infinity;
  for (let run = 0; run <= repeats; run++) {
    let frames = 0;
    let spent = 0;
    let cpu = 0;
    while (spent < 500 || frames < 5) {
      for (let k = 0; k < x.length; k++) x[k] = 2 * rand() - 1;
      forwardStep(params, shape, x, prev, cache);
      prev = stateAfter(cache);
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      fg.propagate(cache, params);
      fg.accumulate(cache, params, dh, grad);
      const c1 = process.cpuUsage(c0);
      spent += performance.now() - t0;
      cpu += (c1.user + c1.system) / 1000;
      frames++;
    }
    // The first run warms the JIT up and is not counted.
    if (run > 0) {
      best = Math.min(best, spent / frames);
      bestCpu = Math.min(bestCpu, cpu / frames);
    }
  }
  fg.dispose();
  freeFloats(grad);
  return { wall: best, cpu: bestCpu };
}

const rows = sizes.map((H) => {
  const shape: LstmShape = { inputSize: 26, hiddenSize: H, layers, outputSize: 61 };
  const { wall, cpu } = msPerFrame(shape);
  if (!args.includes('--json')) {
    console.log(`${method} ${layers} layer(s) hidden ${String(H).padStart(3)}: ${wall.toFixed(3)} ms/frame (CPU ${cpu.toFixed(3)} ms/frame)`);
  }
  return { method, layers, hiddenSize: H, msPerFrame: wall, cpuMsPerFrame: cpu };
});
if (args.includes('--json')) console.log(JSON.stringify(rows));
