import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { initParams } from '../../src/learner/init-params.ts';

describe('paramLayout', () => {
  it('lists PyTorch names, shapes and contiguous offsets for 2 layers', () => {
    const { total, entries } = paramLayout({ inputSize: 5, hiddenSize: 8, layers: 2, outputSize: 6 });
    assert.deepEqual(entries.map((e) => [e.name, e.shape]), [
      ['weight_ih_l0', [32, 5]], ['weight_hh_l0', [32, 8]], ['bias_ih_l0', [32]], ['bias_hh_l0', [32]],
      ['weight_ih_l1', [32, 8]], ['weight_hh_l1', [32, 8]], ['bias_ih_l1', [32]], ['bias_hh_l1', [32]],
      ['out.weight', [6, 8]], ['out.bias', [6]],
    ]);
    let at = 0;
    for (const e of entries) {
      assert.equal(e.offset, at);
      at += e.size;
    }
    assert.equal(total, at);
  });

  it('rejects impossible shapes, naming the field', () => {
    assert.throws(() => paramLayout({ inputSize: 5, hiddenSize: 8, layers: 3, outputSize: 6 }), /LstmShape.layers: expected 1 or 2, got 3/);
    assert.throws(() => paramLayout({ inputSize: 0, hiddenSize: 8, layers: 1, outputSize: 6 }), /LstmShape.inputSize: expected a positive integer, got 0/);
  });
});

describe('initParams', () => {
  const shape = { inputSize: 5, hiddenSize: 16, layers: 2, outputSize: 6 };
  it('is deterministic per seed and differs between seeds', () => {
    assert.deepEqual(initParams(shape, 1), initParams(shape, 1));
    assert.notDeepEqual(initParams(shape, 1), initParams(shape, 2));
  });
  it('draws within ±1/√H and sets the forget-gate bias total to 1', () => {
    const p = initParams(shape, 4);
    const bound = 1 / Math.sqrt(16);
    for (const e of paramLayout(shape).entries) {
      const v = p.subarray(e.offset, e.offset + e.size);
      if (e.name.startsWith('bias_ih')) {
        assert.ok(v.subarray(16, 32).every((b) => b === 1), `${e.name} forget rows`);
        assert.ok([...v.subarray(0, 16), ...v.subarray(32)].every((b) => Math.abs(b) <= bound));
      } else if (e.name.startsWith('bias_hh')) {
        assert.ok(v.subarray(16, 32).every((b) => b === 0), `${e.name} forget rows`);
      } else {
        assert.ok(v.every((b) => Math.abs(b) <= bound), e.name);
        // Not degenerate: values spread over the range.
        assert.ok(Math.max(...v) > bound / 2 && Math.min(...v) < -bound / 2, e.name);
      }
    }
  });
});
