import { InputError } from '../errors.ts';
import type { LstmShape } from './lstm-shape.ts';
import { paramLayout } from './param-layout.ts';

/**
 * Reads weights exported from PyTorch (`{name: tensor.tolist()}` of an `nn.LSTM` and an `nn.Linear`
 * named `out`; each tensor as nested rows or flattened row-major) into a flat parameter vector,
 * inferring the network's sizes from the tensors: hiddenSize from `weight_hh_l0` [4H, H],
 * inputSize from `weight_ih_l0` [4H, in], layers from the `_l{k}` names, outputSize from `out.bias`. A `lstm.` prefix (the LSTM as a submodule
 * named `lstm`) is accepted. Every tensor is checked before any weight is used; an InputError names
 * the tensor, the expected shape and what was found, or the first NaN or ±Infinity and where it is.
 *
 * @param json the parsed JSON object.
 * @param source the file name, for error messages.
 * @returns the sizes and the parameters in `paramLayout` order.
 *
 * ## Example
 * ```ts
 * const { shape, params } = fromPytorchStateDict(JSON.parse(text), 'model.pt.json');
 * ```
 */
export function fromPytorchStateDict(json: unknown, source: string): { shape: LstmShape; params: Float32Array } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(source, 'expected a JSON object of PyTorch state_dict tensors');
  }
  const dict: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(json)) dict[k.startsWith('lstm.') ? k.slice(5) : k] = v;
  const hiddenSize = inferHidden(dict, source);
  const inputSize = inferColumns(dict, 'weight_ih_l0', 4 * hiddenSize, source);
  const outputSize = dims(dict['out.bias'], 'out.bias', source)[0];
  const layers = dict.weight_ih_l1 === undefined ? 1 : 2;
  if (dict.weight_ih_l2 !== undefined) throw new InputError(source, 'weight_ih_l2: at most 2 LSTM layers are supported');
  const shape: LstmShape = { inputSize, hiddenSize, layers, outputSize };
  const layout = paramLayout(shape);
  const params = new Float32Array(layout.total);
  const known = new Set(layout.entries.map((e) => e.name));
  for (const k of Object.keys(dict)) {
    if (!known.has(k)) throw new InputError(source, `unexpected tensor "${k}" for a ${layers}-layer LSTM (expected ${[...known].join(', ')})`);
  }
  for (const e of layout.entries) {
    const got = dims(dict[e.name], e.name, source);
    // Nested rows as tensor.tolist() writes them, or the same numbers flattened row-major.
    if (got.join() !== e.shape.join() && got.join() !== String(e.size)) {
      throw new InputError(source, `${e.name}: expected shape [${e.shape}] (hidden ${hiddenSize}) or ${e.size} numbers, got [${got}]`);
    }
    const flat = got.length === 1 ? (dict[e.name] as unknown[]) : (dict[e.name] as unknown[][]).flat();
    for (let i = 0; i < e.size; i++) {
      const v = flat[i];
      if (typeof v !== 'number') {
        throw new InputError(source, `${e.name}: element ${i} is ${JSON.stringify(v)}, expected a finite number`);
      }
      // JSON.stringify would show NaN and Infinity (JSON's 1e999) as null: name them as they are.
      if (!Number.isFinite(v)) throw new InputError(source, `weight "${e.name}" holds ${v} at element ${i}, expected finite numbers`);
      params[e.offset + i] = v;
    }
  }
  return { shape, params };
}

/** H from weight_hh_l0: [4H, H] rows, or 4H² numbers. */
function inferHidden(dict: Record<string, unknown>, source: string): number {
  const d = dims(dict.weight_hh_l0, 'weight_hh_l0', source);
  const h = d.length === 2 ? d[1] : Math.sqrt(d[0] / 4);
  if (!Number.isInteger(h) || h < 1 || (d.length === 2 && d[0] !== 4 * h)) {
    throw new InputError(source, `weight_hh_l0: expected shape [4H, H], got [${d}]`);
  }
  return h;
}

/** Columns of a [rows, cols] tensor given as rows or flattened. */
function inferColumns(dict: Record<string, unknown>, name: string, rows: number, source: string): number {
  const d = dims(dict[name], name, source);
  const cols = d.length === 2 ? d[1] : d[0] / rows;
  if (!Number.isInteger(cols) || cols < 1 || (d.length === 2 && d[0] !== rows)) {
    throw new InputError(source, `${name}: expected shape [${rows}, inputs], got [${d}]`);
  }
  return cols;
}

/** The shape of a nested JSON array (rows must have equal lengths). */
function dims(v: unknown, name: string, source: string): number[] {
  if (v === undefined) throw new InputError(source, `missing tensor "${name}"`);
  if (!Array.isArray(v)) throw new InputError(source, `${name}: expected an array, got ${typeof v}`);
  if (v.length > 0 && Array.isArray(v[0])) {
    const cols = (v[0] as unknown[]).length;
    for (let r = 0; r < v.length; r++) {
      if (!Array.isArray(v[r]) || (v[r] as unknown[]).length !== cols) {
        throw new InputError(source, `${name}: row ${r} does not have ${cols} elements`);
      }
    }
    return [v.length, cols];
  }
  return [v.length];
}
