import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ConfigError } from '../../src/errors.ts';
import { missingKernels } from '../../src/learner/check-kernels.ts';
import { LEARNER_KERNELS } from '../../src/learner/learner-kernels.ts';
import { loadLearner } from '../../src/learner/load-learner.ts';
import { saveLearner } from '../../src/learner/save-learner.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phoneNames, randomFrames } from './engine-helpers.ts';

let tfjsNodeInstalled = true;
before(async () => {
  try {
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
  } catch {
    tfjsNodeInstalled = false;
  }
});

/** Every kernel the engine dispatches while training, saving and loading with both optimisers. */
async function kernelsUsed(): Promise<Set<string>> {
  const used = new Set<string>();
  const dir = await mkdtemp(join(tmpdir(), 'phonestream-kernels-'));
  try {
    for (const optimizer of ['adam', 'sgd'] as const) {
      const profile = await tf.profile(async () => {
        const learner = new OnlineLearner({ inputSize: 3, phones: phoneNames(4), hiddenSize: 4, k1: 2, k2: 2, optimizer });
        const s = learner.openStream('a');
        const { xs, labels } = randomFrames(6, 3, learner.config.phones, 1);
        xs.forEach((x, i) => s.push(x, labels[i] ?? 'p0'));
        s.end();
        await saveLearner(learner, dir);
        const loaded = await loadLearner(dir);
        loaded.openStream('b').push(xs[0], 'p1');
        loaded.openStream('c').end();
        const t = loaded.openStream('d');
        xs.forEach((x) => t.push(x, 'p2'));
        loaded.dispose();
        learner.dispose();
      });
      for (const k of profile.kernelNames) used.add(k);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return used;
}

describe('selectBackend', () => {
  it('uses tfjs-node when installed, otherwise wasm, and reports why it skipped faster ones', async () => {
    const sel = await selectBackend();
    assert.equal(tf.getBackend(), sel.backend);
    if (tfjsNodeInstalled) {
      assert.equal(sel.backend, 'tensorflow');
    } else {
      assert.equal(sel.backend, 'wasm');
      assert.deepEqual(sel.skipped.map((s) => s.backend), ['tensorflow']);
      await assert.rejects(selectBackend('tensorflow'), (e: unknown) => e instanceof ConfigError && /^backend: "tensorflow" cannot be used: /.test(e.message));
    }
  });

  it('honours a preferred backend and rejects an unknown one', async () => {
    assert.equal((await selectBackend('cpu')).backend, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    await assert.rejects(selectBackend('webgpu' as never), /^ConfigError: backend: expected one of tensorflow, wasm, cpu, got "webgpu"$/);
    assert.equal((await selectBackend('wasm')).backend, 'wasm');
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: LEARNER_KERNELS covers every kernel the engine runs, and the backend has them all`, async () => {
      await selectBackend(backend);
      const used = await kernelsUsed();
      assert.ok(used.size > 0);
      const unlisted = [...used].filter((k) => !LEARNER_KERNELS.includes(k));
      assert.deepEqual(unlisted, [], 'kernels dispatched but not listed in LEARNER_KERNELS');
      assert.deepEqual(missingKernels(backend), []);
    });
  }

  it('reports kernels a backend lacks', () => {
    tf.registerBackend('bare-test', () => new (tf.findBackend('cpu')!.constructor as any)(), 0);
    assert.deepEqual(missingKernels('bare-test'), [...LEARNER_KERNELS]);
    tf.removeBackend('bare-test');
  });
});
