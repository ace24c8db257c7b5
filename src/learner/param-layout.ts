import { ConfigError } from '../errors.ts';
import type { LstmShape } from './lstm-shape.ts';

/** One named parameter tensor inside the flat parameter vector. */
export interface ParamEntry {
  /** PyTorch name: `weight_ih_l0`, …, `out.weight`, `out.bias`. */
  name: string;
  /** Row-major shape, as PyTorch reports it. */
  shape: number[];
  /** First element in the flat vector. */
  offset: number;
  /** Number of elements. */
  size: number;
}

/** The flat parameter vector's layout: total length and its named tensors in order. */
export interface ParamLayout {
  total: number;
  entries: ParamEntry[];
}

/**
 * Lays out every parameter of an LSTM classifier in ONE flat Float32Array, in PyTorch's naming and
 * row-major layout, so weights move to and from `nn.LSTM` + `nn.Linear` without reordering:
 * for each layer k `weight_ih_l{k}` [4H, in_k], `weight_hh_l{k}` [4H, H], `bias_ih_l{k}` [4H],
 * `bias_hh_l{k}` [4H] (gate rows in the order i, f, g, o), then `out.weight` [O, H], `out.bias` [O].
 *
 * @param shape the network's sizes; throws ConfigError when a size is not a positive integer or
 *   `layers` is not 1 or 2.
 * @returns the total number of floats and the entries, in order.
 *
 * ## Example
 * ```ts
 * const { total, entries } = paramLayout({ inputSize: 5, hiddenSize: 8, layers: 1, outputSize: 6 });
 * entries[0]; // { name: 'weight_ih_l0', shape: [32, 5], offset: 0, size: 160 }
 * ```
 */
export function paramLayout(shape: LstmShape): ParamLayout {
  checkShape(shape);
  const { inputSize, hiddenSize: H, layers, outputSize: O } = shape;
  const entries: ParamEntry[] = [];
  let offset = 0;
  const add = (name: string, dims: number[]): void => {
    const size = dims.reduce((a, b) => a * b, 1);
    entries.push({ name, shape: dims, offset, size });
    offset += size;
  };
  for (let k = 0; k < layers; k++) {
    const inK = k === 0 ? inputSize : H;
    add(`weight_ih_l${k}`, [4 * H, inK]);
    add(`weight_hh_l${k}`, [4 * H, H]);
    add(`bias_ih_l${k}`, [4 * H]);
    add(`bias_hh_l${k}`, [4 * H]);
  }
  add('out.weight', [O, H]);
  add('out.bias', [O]);
  return { total: offset, entries };
}

/** Throws a ConfigError naming the field when a shape is not usable. */
function checkShape(shape: LstmShape): void {
  for (const field of ['inputSize', 'hiddenSize', 'outputSize'] as const) {
    const v = shape[field];
    if (!Number.isInteger(v) || v < 1) {
      throw new ConfigError(`LstmShape.${field}: expected a positive integer, got ${String(v)}`);
    }
  }
  if (shape.layers !== 1 && shape.layers !== 2) {
    throw new ConfigError(`LstmShape.layers: expected 1 or 2, got ${String(shape.layers)}`);
  }
}
