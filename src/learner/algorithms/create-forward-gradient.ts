import type { LstmShape } from '../lstm-shape.ts';
import { createEprop, epropFloats } from './eprop.ts';
import type { ForwardGradient, ForwardGradientName } from './forward-gradient.ts';
import { createRtrl, rtrlFloats } from './rtrl.ts';
import { createSnap1, snap1Floats } from './snap1.ts';
import { createUoro, uoroFloats } from './uoro.ts';

/** A forward-mode method: how to make one stream's state, and how many floats that holds. */
interface Method {
  create(shape: LstmShape, seed: number): ForwardGradient;
  /** Floats one stream's state holds in the kernel arena (its memory, reserved when it opens). */
  floats(shape: LstmShape): number;
}

/** The forward-mode methods, by name. */
const METHODS: Record<ForwardGradientName, Method> = {
  rtrl: { create: (shape) => createRtrl(shape), floats: rtrlFloats },
  snap1: { create: (shape) => createSnap1(shape), floats: snap1Floats },
  eprop: { create: (shape) => createEprop(shape), floats: epropFloats },
  uoro: { create: createUoro, floats: uoroFloats },
};

/** Floats one stream of a forward-mode method holds for its traces. */
export function forwardGradientFloats(name: ForwardGradientName, shape: LstmShape): number {
  return METHODS[name].floats(shape);
}

/**
 * One stream's state for a forward-mode method.
 *
 * @throws ConfigError when the method cannot run on this shape (it says why: RTRL above its
 *   real-time size, e-prop with 2 layers).
 */
export function createForwardGradient(name: ForwardGradientName, shape: LstmShape, seed: number): ForwardGradient {
  return METHODS[name].create(shape, seed);
}
