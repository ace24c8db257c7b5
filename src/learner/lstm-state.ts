import type { LstmShape } from './lstm-shape.ts';

/**
 * The recurrent state carried from one frame to the next: hidden output `h` and cell `c`, one
 * Float32Array of `hiddenSize` per layer (bottom layer first).
 */
export interface LstmState {
  h: Float32Array[];
  c: Float32Array[];
}

/**
 * The state at the start of an utterance: all zeros.
 *
 * @param shape the network's sizes.
 *
 * ## Example
 * ```ts
 * const s = zeroState({ inputSize: 39, hiddenSize: 128, layers: 2, outputSize: 61 });
 * s.h.length; // 2
 * ```
 */
export function zeroState(shape: LstmShape): LstmState {
  const h: Float32Array[] = [];
  const c: Float32Array[] = [];
  for (let l = 0; l < shape.layers; l++) {
    h.push(new Float32Array(shape.hiddenSize));
    c.push(new Float32Array(shape.hiddenSize));
  }
  return { h, c };
}

/**
 * A deep copy of a state, so it survives the buffers it was read from being reused.
 *
 * @param s the state to copy (often `stateAfter(cache)`, which is a view).
 *
 * ## Example
 * ```ts
 * const carried = cloneState(stateAfter(lastCache));
 * ```
 */
export function cloneState(s: LstmState): LstmState {
  return { h: s.h.map((a) => a.slice()), c: s.c.map((a) => a.slice()) };
}
