import type { LstmShape } from './lstm-shape.ts';
import { paramLayout } from './param-layout.ts';

/** Offsets of one LSTM layer's tensors in the flat parameter vector. */
export interface LayerOffsets {
  wIh: number;
  wHh: number;
  bIh: number;
  bHh: number;
}

/** Offsets of every tensor in the flat parameter vector, for the hot loops. */
export interface ParamOffsets {
  total: number;
  layers: LayerOffsets[];
  outW: number;
  outB: number;
}

interface Memo {
  sizes: [number, number, number, number];
  offsets: ParamOffsets;
}

const memo = new WeakMap<LstmShape, Memo>();

/**
 * {@link paramLayout} as plain offsets, memoised per shape so the per-frame code does no lookups
 * by name and allocates nothing.
 *
 * @param shape the network's sizes.
 *
 * ## Example
 * ```ts
 * const { outW, outB } = paramOffsets(shape);
 * ```
 */
export function paramOffsets(shape: LstmShape): ParamOffsets {
  // Keyed by the shape object (no string building per frame), checked in case it was mutated.
  const m = memo.get(shape);
  if (
    m !== undefined && m.sizes[0] === shape.inputSize && m.sizes[1] === shape.hiddenSize &&
    m.sizes[2] === shape.layers && m.sizes[3] === shape.outputSize
  ) {
    return m.offsets;
  }
  {
    const layout = paramLayout(shape);
    const at = (name: string): number => layout.entries.find((e) => e.name === name)!.offset;
    const layers: LayerOffsets[] = [];
    for (let k = 0; k < shape.layers; k++) {
      layers.push({ wIh: at(`weight_ih_l${k}`), wHh: at(`weight_hh_l${k}`), bIh: at(`bias_ih_l${k}`), bHh: at(`bias_hh_l${k}`) });
    }
    const offsets = { total: layout.total, layers, outW: at('out.weight'), outB: at('out.bias') };
    memo.set(shape, { sizes: [shape.inputSize, shape.hiddenSize, shape.layers, shape.outputSize], offsets });
    return offsets;
  }
}
