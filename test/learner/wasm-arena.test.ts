import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { allocFloats } from '../../src/learner/kernels/alloc-floats.ts';
import { createStepCache, stateAfter } from '../../src/learner/step-cache.ts';
import { wasmArena } from '../../src/learner/kernels/wasm-arena.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage and lets FinalizationRegistry callbacks run. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('wasm arena blocks', () => {
  it('are reused, zeroed, once their array is garbage', async () => {
    const n = 12345; // a size nothing else uses
    let a: Float32Array | undefined = allocFloats(n);
    assert.equal(a.buffer, wasmArena()!.buffer);
    const offset = a.byteOffset;
    a.fill(7);
    a = undefined;
    let reused = false;
    for (let attempt = 0; attempt < 10 && !reused; attempt++) {
      await collect();
      const b = allocFloats(n);
      if (b.byteOffset === offset) {
        reused = true;
        assert.ok(b.every((v) => v === 0), 'a reused block must come back zeroed');
      }
    }
    assert.ok(reused, 'the freed block was never reused');
  });

  it('stay allocated while a view of a step cache (stateAfter) is alive', async () => {
    const shape = { inputSize: 7, hiddenSize: 9, layers: 1, outputSize: 5 };
    let cache: ReturnType<typeof createStepCache> | undefined = createStepCache(shape);
    const state = stateAfter(cache);
    state.h[0].fill(3);
    const n = cache.buf.length;
    cache = undefined;
    await collect();
    // Allocations of the same size must not land on the live view's block.
    const others = Array.from({ length: 4 }, () => allocFloats(n));
    assert.ok(state.h[0].every((v) => v === 3), 'the view was overwritten: its block was reused');
    assert.equal(others.length, 4);
  });
});
