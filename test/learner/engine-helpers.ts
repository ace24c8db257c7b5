/** Shared helpers of the engine tests (learner streams, operator, persistence). */
import { forwardSequence } from '../../src/learner/forward-sequence.ts';
import { forwardStep } from '../../src/learner/forward-step.ts';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { zeroState, type LstmState } from '../../src/learner/lstm-state.ts';
import { createStepCache, probsOf, stateAfter } from '../../src/learner/step-cache.ts';
import { tbpttGradients } from '../../src/learner/tbptt-gradients.ts';
import type { LearnerEvent } from '../../src/learner/learner-event.ts';

/** A small deterministic PRNG (mulberry32), independent of the code under test. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const phoneNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `p${i}`);

/** Random frames in [−1, 1) and labels (every 4th unlabelled), as pushed to a stream. */
export function randomFrames(n: number, inputSize: number, phones: string[], seed: number): { xs: Float32Array[]; labels: (string | undefined)[] } {
  const rand = prng(seed);
  const xs = Array.from({ length: n }, () => Float32Array.from({ length: inputSize }, () => 2 * rand() - 1));
  const labels = Array.from({ length: n }, (_, t) => (t % 4 === 2 ? undefined : phones[Math.floor(rand() * phones.length)]));
  return { xs, labels };
}

/** What the oracle saw at one update. */
export interface OracleUpdate {
  /** First and one-past-last step of the chunk. */
  start: number;
  end: number;
  loss: number;
}

/**
 * The engine's semantics written the plain way, over one whole utterance held in memory, with SGD
 * (no momentum, no clipping): step t consumes frame min(t, N−1) (the last frame repeats for the
 * `delay` padding steps) and is trained on frame t − delay's label; every k1 steps, and at the end,
 * the window [max(0, e − max(e − b, k2)), e) is recomputed with the current weights from the state
 * the online forward had at its start, and params −= lr · gradient.
 */
export function oracleUtterance(
  params: Float32Array, shape: LstmShape, phones: string[], xs: Float32Array[], labels: (string | undefined)[],
  k1: number, k2: number, delay: number, lr: number,
): { probs: Float32Array[]; updates: OracleUpdate[] } {
  const N = xs.length;
  const steps = N + delay;
  const entering: LstmState[] = [];
  const probs: Float32Array[] = [];
  const updates: OracleUpdate[] = [];
  const grad = new Float32Array(params.length);
  const cache = createStepCache(shape);
  let state = zeroState(shape);
  let b = 0;
  for (let t = 0; t < steps; t++) {
    entering.push(state);
    forwardStep(params, shape, xs[Math.min(t, N - 1)], state, cache);
    state = { h: stateAfter(cache).h.map((a) => a.slice()), c: stateAfter(cache).c.map((a) => a.slice()) };
    if (t >= delay) probs.push(probsOf(cache).slice());
    const e = t + 1;
    if (e - b === k1 || e === steps) {
      const w = Math.max(0, e - Math.max(e - b, k2));
      const caches = Array.from({ length: e - w }, () => createStepCache(shape));
      forwardSequence(params, shape, Array.from({ length: e - w }, (_, i) => xs[Math.min(w + i, N - 1)]), entering[w], caches);
      const targets = Int32Array.from({ length: e - w }, (_, i) => {
        const s = w + i;
        const label = s >= b && s >= delay ? labels[s - delay] : undefined;
        return label === undefined ? -1 : phones.indexOf(label);
      });
      if (targets.some((y) => y >= 0)) {
        const loss = tbpttGradients(params, shape, caches, targets, Math.min(k2, e - w), grad);
        for (let i = 0; i < params.length; i++) params[i] = Math.fround(params[i] - lr * grad[i]);
        updates.push({ start: b, end: e, loss });
      }
      b = e;
    }
  }
  return { probs, updates };
}

/** Largest |a − b| over two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Per utterance of a learner event stream: the share of labelled frames predicted right (before learning from them). */
export function accuracyPerUtterance(events: readonly LearnerEvent[]): number[] {
  const accuracy: number[] = [];
  let right = 0;
  let total = 0;
  for (const e of events) {
    if (e.kind === 'predictions') {
      for (const f of e.frames) {
        total += f.truth === undefined ? 0 : 1;
        right += f.truth !== undefined && f.truth === f.label ? 1 : 0;
      }
    } else if (e.kind === 'end') {
      accuracy.push(right / total);
      right = 0;
      total = 0;
    }
  }
  return accuracy;
}
