/**
 * Every tfjs kernel the learner engine dispatches: only restoring Adam's state, whose bias-correction
 * powers are recomputed as pow(β, iter + 1) on the backend, as tfjs's own setWeights does. The LSTM
 * math and the optimiser step run in the project's kernels on typed arrays, and the parameter
 * variable is written with `assign`, which dispatches none. A test profiles the real calls on the
 * cpu and wasm backends and fails when this list misses one, so `checkKernels` cannot silently pass.
 */
export const LEARNER_KERNELS: readonly string[] = ['Pow'];
