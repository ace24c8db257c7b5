import type { LstmShape } from './lstm-shape.ts';
import { paramLayout } from './param-layout.ts';

/** Weights as PyTorch's `state_dict()` names them, as nested JSON arrays (matrices as rows). */
export type PytorchStateDict = Record<string, number[] | number[][]>;

/**
 * Exports a flat parameter vector as an `nn.LSTM` + `nn.Linear` state dict in JSON form:
 * `weight_ih_l0` [4H, in], `weight_hh_l0` [4H, H], `bias_ih_l0`, `bias_hh_l0` (gate rows i, f, g, o),
 * …, `out.weight` [O, H], `out.bias` [O]. In Python, for a module with submodules `lstm`
 * (nn.LSTM) and `out` (nn.Linear): `net.load_state_dict({(k if k.startswith('out.') else 'lstm.' + k):
 * torch.tensor(v) for k, v in json.load(f).items()})`.
 *
 * @param params the flat vector (`paramLayout(shape)` order).
 * @param shape the network's sizes.
 *
 * ## Example
 * ```ts
 * await writeFile('model.pt.json', JSON.stringify(toPytorchStateDict(learner.params, learner.shape)));
 * ```
 */
export function toPytorchStateDict(params: Float32Array, shape: LstmShape): PytorchStateDict {
  const out: PytorchStateDict = {};
  for (const e of paramLayout(shape).entries) {
    const flat = Array.from(params.subarray(e.offset, e.offset + e.size));
    if (e.shape.length === 1) {
      out[e.name] = flat;
    } else {
      const cols = e.shape[1];
      out[e.name] = Array.from({ length: e.shape[0] }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
    }
  }
  return out;
}
