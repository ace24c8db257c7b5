import { ConfigError } from '../../errors.ts';
import type { LstmShape } from '../lstm-shape.ts';
import { createEprop, epropFloats } from './eprop.ts';
import type { ForwardGradient, ForwardGradientName } from './forward-gradient.ts';
import { createUoro, uoroFloats } from './uoro.ts';

/** A forward-mode method: how to make one stream's state, and how many floats that holds. */
interface Method {
  create(shape: LstmShape, seed: number): ForwardGradient;
  /** Floats one stream's state holds in the kernel arena (its memory, reserved when it opens). */
  floats(shape: LstmShape): number;
}

/** The forward-mode methods built so far, by name. */
const METHODS: Partial<Record<ForwardGradientName, Method>> = {
  eprop: { create: (shape) => createEprop(shape), floats: epropFloats },
  uoro: { create: createUoro, floats: uoroFloats },
};

/** Floats one stream of a forward-mode method holds for its traces (0 for a method not built). */
export function forwardGradientFloats(name: ForwardGradientName, shape: LstmShape): number {
  return METHODS[name]?.floats(shape) ?? 0;
}

/**
 * One stream's state for a forward-mode method.
 *
 * @throws ConfigError when the method cannot run on this shape (it says why), or is not built.
 */
export function createForwardGradient(name: ForwardGradientName, shape: LstmShape, seed: number): ForwardGradient {
  const make = METHODS[name];
  if (make === undefined) throw new ConfigError(`algorithm: ${name} is not available in this build (available: tbptt${Object.keys(METHODS).map((m) => `, ${m}`).join('')})`);
  return make.create(shape, seed);
}
