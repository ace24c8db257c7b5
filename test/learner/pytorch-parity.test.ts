import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LstmShape } from '../../src/learner/lstm-shape.ts';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { oursPerChunk, worstRelativeError } from './unrolled-reference.ts';

/** fixtures/pytorch/*.json, written by scripts/pytorch-reference.py (see its header for the command). */
interface Fixture {
  shape: LstmShape;
  params: Record<string, number[]>;
  inputs: number[][];
  targets: number[];
  configs: { k1: number; k2: number | 'whole'; chunks: { start: number; end: number; loss: number; grads: Record<string, number[]> }[] }[];
}

/** Packs tensors given by PyTorch name into our flat layout; every name must be present. */
function flatten(shape: LstmShape, byName: Record<string, number[]>, what: string): Float32Array {
  const layout = paramLayout(shape);
  const flat = new Float32Array(layout.total);
  for (const e of layout.entries) {
    const v = byName[e.name];
    assert.ok(v !== undefined && v.length === e.size, `${what}: ${e.name} missing or not ${e.size} values`);
    flat.set(v, e.offset);
  }
  return flat;
}

// Metric: per parameter tensor, max |ours − PyTorch| / max |PyTorch| ≤ 1e-5 (both float32).
const TOL = 1e-5;

for (const file of ['tbptt-1layer.json', 'tbptt-2layer.json']) {
  const fx = JSON.parse(readFileSync(new URL(`../../fixtures/pytorch/${file}`, import.meta.url), 'utf8')) as Fixture;
  describe(`tbpttGradients equals PyTorch's (fixtures/pytorch/${file})`, () => {
    const params = flatten(fx.shape, fx.params, file);
    const xs = fx.inputs.map((x) => Float32Array.from(x));
    const targets = Int32Array.from(fx.targets);
    for (const cfg of fx.configs) {
      it(`TBPTT(${cfg.k1}, ${cfg.k2}): loss and gradient of all ${cfg.chunks.length} chunks`, () => {
        const k2 = cfg.k2 === 'whole' ? xs.length : cfg.k2;
        const ours = oursPerChunk(params, fx.shape, xs, targets, cfg.k1, k2);
        assert.equal(ours.length, cfg.chunks.length);
        cfg.chunks.forEach((ref, i) => {
          assert.deepEqual([ours[i].start, ours[i].end], [ref.start, ref.end]);
          const refGrad = flatten(fx.shape, ref.grads, `${file} chunk ${i}`);
          const { err, name } = worstRelativeError(fx.shape, ours[i].grad, refGrad);
          assert.ok(err <= TOL, `chunk [${ref.start}, ${ref.end}): ${name} relative error ${err}`);
          assert.ok(Math.abs(ours[i].loss - ref.loss) <= TOL * Math.abs(ref.loss), `chunk ${i}: loss ${ours[i].loss} vs PyTorch ${ref.loss}`);
        });
      });
    }
  });
}
