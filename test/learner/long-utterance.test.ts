import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { arenaStats } from '../../src/learner/kernels/wasm-arena.ts';
import { useWasmKernels } from '../../src/learner/kernels/use-wasm-kernels.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { phoneNames, prng } from './engine-helpers.ts';

before(async () => {
  await selectBackend();
});

const FRAMES = 40_000;
const phones = phoneNames(40);

/** Full BPTT over one utterance of FRAMES random frames; returns the update's loss and gradient norm. */
function fullBptt(): { loss: number; gradNorm: number } {
  const learner = new OnlineLearner({ inputSize: 26, phones, hiddenSize: 128, preset: 'utterance', clip: null, maxUtteranceFrames: FRAMES });
  const stream = learner.openStream('long');
  const rand = prng(5);
  const x = new Float32Array(26);
  for (let t = 0; t < FRAMES; t++) {
    for (let j = 0; j < 26; j++) x[j] = 2 * rand() - 1;
    stream.push(x, phones[Math.floor(rand() * phones.length)]);
  }
  const { chunks } = stream.end();
  learner.dispose();
  assert.equal(chunks.length, 1, 'one update for the whole utterance');
  return { loss: chunks[0].loss!, gradNorm: chunks[0].gradNorm! };
}

describe('a 40,000-frame utterance under full BPTT (hidden 128)', () => {
  it('gives the same gradient with the wasm kernels as with the TypeScript ones', () => {
    const before = arenaStats()!.highWaterBytes;
    const wasm = fullBptt();
    // The history and its backward scratch are over 256 MiB: the size at which the old fixed arena
    // overflowed into memory the wasm kernels could not address, and the gradient norm was garbage.
    assert.ok(arenaStats()!.highWaterBytes - before > 256 * 2 ** 20, `the run held ${arenaStats()!.highWaterBytes - before} bytes`);
    useWasmKernels(false);
    const ts = fullBptt();
    useWasmKernels(true);
    assert.ok(Math.abs(wasm.loss - ts.loss) <= 1e-5 * ts.loss, `loss: wasm ${wasm.loss}, ts ${ts.loss}`);
    assert.ok(Math.abs(wasm.gradNorm - ts.gradNorm) <= 1e-4 * ts.gradNorm, `gradient norm: wasm ${wasm.gradNorm}, ts ${ts.gradNorm}`);
  });
});
