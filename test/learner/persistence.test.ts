import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../../src/errors.ts';
import { fromPytorchStateDict } from '../../src/learner/from-pytorch-state-dict.ts';
import type { LearnerConfig } from '../../src/learner/learner-config.ts';
import { loadLearner } from '../../src/learner/load-learner.ts';
import { saveLearner } from '../../src/learner/save-learner.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { paramLayout } from '../../src/learner/param-layout.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { toPytorchStateDict } from '../../src/learner/to-pytorch-state-dict.ts';
import { maxAbsDiff, phoneNames, randomFrames } from './engine-helpers.ts';
import { maxRelativeError, randomGradients, tfjsReference, type TfjsReference } from './optimizer-reference.ts';

const phones = phoneNames(5);
let dir: string;

before(async () => {
  await selectBackend();
  dir = await mkdtemp(join(tmpdir(), 'phonestream-persist-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Trains a few chunks so the optimiser has state worth saving. */
function trained(config: LearnerConfig): OnlineLearner {
  const learner = new OnlineLearner(config);
  const s = learner.openStream('warm');
  const { xs, labels } = randomFrames(30, 4, phones, 21);
  xs.forEach((x, i) => s.push(x, labels[i]));
  s.end();
  s.close();
  return learner;
}

/** Predictions and weights after pushing the same frames to a fresh stream. */
function nextRun(learner: OnlineLearner) {
  const s = learner.openStream('next', { topK: 5 });
  const { xs, labels } = randomFrames(12, 4, phones, 22);
  const preds = xs.map((x, i) => s.push(x, labels[i]).prediction);
  s.end();
  s.close();
  return { preds, params: learner.params.slice() };
}

describe('save / load (tfjs format, atomic)', () => {
  const configs: [string, LearnerConfig][] = [
    ['adam, 1 layer', { inputSize: 4, phones, hiddenSize: 6, k1: 4, k2: 6, delay: 1 }],
    ['sgd momentum, 2 layers', { inputSize: 4, phones, hiddenSize: 5, layers: 2, optimizer: 'sgd', momentum: 0.9, k1: 5, k2: 5 }],
    ['utterance preset', { inputSize: 4, phones, hiddenSize: 5, preset: 'utterance' }],
  ];
  for (const [what, config] of configs) {
    it(`${what}: the loaded learner predicts the same and makes the same next update`, async () => {
      const a = trained(config);
      const target = join(dir, what.replace(/\W+/g, '-'));
      await saveLearner(a, target);
      const b = await loadLearner(target);
      assert.deepEqual(b.config, a.config);
      assert.equal(b.version, a.version);
      assert.deepEqual(b.params, a.params);
      const ra = nextRun(a);
      const rb = nextRun(b);
      assert.deepEqual(rb.preds, ra.preds);
      // Adam restores its bias correction as pow(beta, t) rather than a running product: float32 noise only.
      assert.ok(maxAbsDiff(rb.params, ra.params) < 1e-6, `next update differs by ${maxAbsDiff(rb.params, ra.params)}`);
      a.dispose();
      b.dispose();
    });
  }

  it('the optimiser state matters: loading without it would give a different next update', async () => {
    const a = trained({ inputSize: 4, phones, hiddenSize: 6, k1: 4, k2: 4 });
    const fresh = new OnlineLearner({ inputSize: 4, phones, hiddenSize: 6, k1: 4, k2: 4 }, a.params);
    const d = maxAbsDiff(nextRun(a).params, nextRun(fresh).params);
    assert.ok(d > 1e-5, 'a fresh optimiser updates differently');
    a.dispose();
    fresh.dispose();
  });

  it('writes model.json with a weightsManifest, the config and phones, one weights file, no temp files', async () => {
    const a = trained({ inputSize: 4, phones, hiddenSize: 6, k1: 4, k2: 4 });
    const target = join(dir, 'layout');
    await saveLearner(a, target);
    await saveLearner(a, target);
    const files = (await readdir(target)).sort();
    assert.equal(files.length, 2, `files: ${files}`);
    assert.equal(files[0], 'model.json');
    assert.match(files[1], /^weights-.*\.bin$/);
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    assert.equal(json.format, 'phonestream-learner');
    assert.deepEqual(json.weightsManifest[0].paths, [files[1]]);
    const names = json.weightsManifest[0].weights.map((w: { name: string }) => w.name);
    assert.deepEqual(names.slice(0, 6), paramLayout(a.shape).entries.map((e) => e.name));
    assert.deepEqual(names.slice(6), ['optimizer/iter', 'optimizer/params/m', 'optimizer/params/v']);
    assert.deepEqual(json.userDefinedMetadata.phonestream.phones, phones);
    assert.equal(json.userDefinedMetadata.phonestream.config.k1, 4);
    // The weights decode with tfjs's own reader.
    const bin = await readFile(join(target, files[1]));
    const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, json.weightsManifest[0].weights);
    assert.deepEqual(decoded['out.bias'].dataSync(), a.params.subarray(a.params.length - 5));
    tf.dispose(decoded);
    a.dispose();
  });

  it('loads frozen with an override', async () => {
    const a = trained({ inputSize: 4, phones, hiddenSize: 6, k1: 4, k2: 4 });
    await saveLearner(a, join(dir, 'frozen'));
    const b = await loadLearner(join(dir, 'frozen'), { trainable: false });
    assert.equal(b.trainable, false);
    assert.throws(() => b.openStream('t', { train: true }), /frozen/);
    a.dispose();
    b.dispose();
  });

  it('names the file and the problem for bad checkpoints', async () => {
    const a = trained({ inputSize: 4, phones, hiddenSize: 6, k1: 4, k2: 4 });
    const target = join(dir, 'bad');
    await saveLearner(a, target);
    a.dispose();
    const jsonPath = join(target, 'model.json');
    const good = await readFile(jsonPath, 'utf8');
    await assert.rejects(loadLearner(join(dir, 'missing')), (e: unknown) => e instanceof InputError && /missing\/model\.json: cannot read the checkpoint \(ENOENT\)$/.test(e.message));
    await writeFile(jsonPath, '{"format": "keras"}');
    await assert.rejects(loadLearner(target), /model\.json: expected format "phonestream-learner", got "keras"$/);
    await writeFile(jsonPath, good.slice(0, 40));
    await assert.rejects(loadLearner(target), /model\.json: not JSON/);
    const json = JSON.parse(good);
    const bin = join(target, json.weightsManifest[0].paths[0]);
    await writeFile(jsonPath, good);
    const bytes = await readFile(bin);
    await writeFile(bin, bytes.subarray(0, 100));
    await assert.rejects(loadLearner(target), (e: unknown) => e instanceof InputError && /\.bin: expected \d+ bytes of float32\/int32 weights for the manifest, got 100$/.test(e.message));
    await writeFile(bin, bytes);
    json.userDefinedMetadata.phonestream.config.hiddenSize = 7;
    await writeFile(jsonPath, JSON.stringify(json));
    await assert.rejects(loadLearner(target), /weight "weight_ih_l0": expected shape \[28,4\], got \[24,4\]/);
  });
});

describe('load refuses non-finite and corrupt checkpoints, naming the file and the tensor or field', () => {
  /** A saved learner, its model.json (parsed) and the path of its weights file. */
  async function saved(name: string) {
    const a = trained({ inputSize: 4, phones, hiddenSize: 6, k1: 4, k2: 4 });
    const target = join(dir, name);
    await saveLearner(a, target);
    a.dispose();
    const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
    return { target, json, bin: join(target, json.weightsManifest[0].paths[0]) };
  }

  /** Overwrites element `i` of the named tensor in the weights file with `value`, as float32. */
  async function poke(json: any, bin: string, name: string, i: number, value: number): Promise<void> {
    let offset = 0;
    for (const w of json.weightsManifest[0].weights) {
      if (w.name === name) break;
      offset += 4 * w.shape.reduce((a: number, b: number) => a * b, 1);
    }
    const bytes = await readFile(bin);
    bytes.writeFloatLE(value, offset + 4 * i);
    await writeFile(bin, bytes);
  }

  const rejectsWith = (target: string, source: string, pattern: RegExp) =>
    assert.rejects(loadLearner(target), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.equal(e.source, source);
      assert.match(e.message, pattern);
      return true;
    });

  it('a NaN or Infinity in a weight or an optimiser slot', async () => {
    for (const [name, i, value, what] of [
      ['weight_hh_l0', 17, NaN, 'weight'],
      ['out.bias', 4, -Infinity, 'weight'],
      ['optimizer/params/m', 3, Infinity, 'optimizer slot'],
      ['optimizer/params/v', 0, NaN, 'optimizer slot'],
    ] as const) {
      const { target, json, bin } = await saved(`nan-${name.replace(/\W/g, '-')}`);
      await poke(json, bin, name, i, value);
      await rejectsWith(target, bin, new RegExp(`${what} "${name}" holds ${value} at element ${i}, expected finite numbers$`));
    }
  });

  it('a manifest entry without a shape, a config that is not one, bad updates, slots of another optimiser', async () => {
    const { target, json } = await saved('corrupt-manifest');
    const jsonPath = join(target, 'model.json');
    const write = (j: unknown) => writeFile(jsonPath, JSON.stringify(j));
    const clone = () => JSON.parse(JSON.stringify(json));

    const noShape = clone();
    delete noShape.weightsManifest[0].weights[1].shape;
    await write(noShape);
    await rejectsWith(target, jsonPath, /weightsManifest\[0\]\.weights\[1\]: expected \{name, shape: integers ≥ 0, dtype: float32\|int32\}, got \{"name":"weight_hh_l0"/);

    const noConfig = clone();
    noConfig.userDefinedMetadata.phonestream.config = 'adam';
    await write(noConfig);
    await rejectsWith(target, jsonPath, /userDefinedMetadata\.phonestream\.config: expected the learner's config object, got "adam"/);

    const badConfig = clone();
    badConfig.userDefinedMetadata.phonestream.config.hiddenSize = -6;
    await write(badConfig);
    await rejectsWith(target, jsonPath, /userDefinedMetadata\.phonestream\.config: .*hiddenSize/);

    const badUpdates = clone();
    badUpdates.userDefinedMetadata.phonestream.updates = 'many';
    await write(badUpdates);
    await rejectsWith(target, jsonPath, /userDefinedMetadata\.phonestream\.updates: expected an integer ≥ 0, got "many"$/);

    const otherOptimizer = clone();
    Object.assign(otherOptimizer.userDefinedMetadata.phonestream.config, { optimizer: 'sgd', momentum: 0.9 });
    await write(otherOptimizer);
    await rejectsWith(target, join(target, json.weightsManifest[0].paths[0]), /optimizer state: expected optimizer\/iter, optimizer\/params\/momentum for sgd, got optimizer\/iter, optimizer\/params\/m, optimizer\/params\/v$/);

    const outside = clone();
    outside.weightsManifest[0].paths = ['../elsewhere.bin'];
    await write(outside);
    await rejectsWith(target, jsonPath, /weightsManifest\[0\]\.paths\[0\] must be a file name, got "\.\.\/elsewhere\.bin"$/);
  });
});

describe('PyTorch nn.LSTM state-dict JSON', () => {
  it('round-trips through toPytorchStateDict / fromPytorchStateDict (1 and 2 layers)', () => {
    for (const layers of [1, 2]) {
      const a = new OnlineLearner({ inputSize: 4, phones, hiddenSize: 3, layers, seed: 9 });
      const json = JSON.parse(JSON.stringify(a.exportPytorch()));
      assert.equal(json.weight_hh_l0.length, 12, '4H rows');
      assert.equal(json.weight_hh_l0[0].length, 3, 'H columns');
      assert.deepEqual(Object.keys(json), paramLayout(a.shape).entries.map((e) => e.name));
      const { shape, params } = fromPytorchStateDict(json, 'x.json');
      assert.deepEqual(shape, a.shape);
      assert.deepEqual(params, a.params);
      const b = new OnlineLearner({ inputSize: 4, phones, hiddenSize: 3, layers, seed: 10 });
      b.importPytorch(json);
      assert.deepEqual(b.params, a.params);
      a.dispose();
      b.dispose();
    }
  });

  for (const file of ['tbptt-1layer.json', 'tbptt-2layer.json']) {
    it(`loads PyTorch-written weights (fixtures/pytorch/${file}) and its TBPTT updates equal PyTorch's gradients`, () => {
      const fx = JSON.parse(readFileSync(new URL(`../../fixtures/pytorch/${file}`, import.meta.url), 'utf8'));
      const { shape, params } = fromPytorchStateDict(fx.params, file);
      assert.deepEqual(shape, fx.shape);
      const fxPhones = phoneNames(shape.outputSize);
      const xs = (fx.inputs as number[][]).map((x) => Float32Array.from(x));
      const labels = (fx.targets as number[]).map((y) => (y < 0 ? undefined : fxPhones[y]));
      for (const cfg of fx.configs as { k1: number; k2: number | 'whole'; chunks: { start: number; end: number; loss: number; grads: Record<string, number[]> }[] }[]) {
        const k2 = cfg.k2 === 'whole' ? xs.length : cfg.k2;
        // SGD, lr 1, no momentum or clipping: each update is exactly −gradient. Restoring the weights
        // after each update keeps them fixed, as the fixture's per-chunk gradients are.
        const learner = new OnlineLearner({ inputSize: shape.inputSize, hiddenSize: shape.hiddenSize, layers: shape.layers, phones: fxPhones, k1: cfg.k1, k2, optimizer: 'sgd', momentum: 0, lr: 1, clip: null });
        learner.importPytorch(fx.params, file);
        const s = learner.openStream('fx');
        const updates: { loss: number; delta: Float32Array }[] = [];
        const record = (chunk: { trained: boolean; loss: number | null } | null): void => {
          if (chunk === null) return;
          const delta = new Float32Array(params.length);
          for (let i = 0; i < params.length; i++) delta[i] = params[i] - learner.params[i];
          updates.push({ loss: chunk.trained ? chunk.loss! : 0, delta });
          learner.setParams(params);
        };
        xs.forEach((x, i) => record(s.push(x, labels[i]).chunk));
        s.end().chunks.forEach(record);
        assert.equal(updates.length, cfg.chunks.length, `TBPTT(${cfg.k1}, ${cfg.k2}) chunk count`);
        cfg.chunks.forEach((ref, c) => {
          assert.ok(Math.abs(updates[c].loss - ref.loss) <= 1e-5 * Math.max(1, ref.loss), `chunk ${c} loss ${updates[c].loss} vs ${ref.loss}`);
          for (const e of paramLayout(shape).entries) {
            const g = ref.grads[e.name];
            const scale = Math.max(1e-3, ...g.map(Math.abs));
            const err = maxAbsDiff(updates[c].delta.subarray(e.offset, e.offset + e.size), g) / scale;
            assert.ok(err < 1e-4, `TBPTT(${cfg.k1}, ${cfg.k2}) chunk ${c} ${e.name}: relative error ${err}`);
          }
        });
        learner.dispose();
      }
    });
  }

  it('names the tensor and the expected shape for bad PyTorch JSON', () => {
    const a = new OnlineLearner({ inputSize: 4, phones, hiddenSize: 3 });
    const json = a.exportPytorch() as Record<string, unknown>;
    assert.throws(() => fromPytorchStateDict({ ...json, 'out.bias': [1, 2] }, 'm.json'), /m\.json: out\.weight: expected shape \[2,3\] \(hidden 3\) or 6 numbers, got \[5,3\]/);
    assert.throws(() => fromPytorchStateDict({ ...json, bias_hh_l0: [1] }, 'm.json'), /m\.json: bias_hh_l0: expected shape \[12\] \(hidden 3\) or 12 numbers, got \[1\]/);
    const { weight_ih_l0: _drop, ...missing } = json;
    assert.throws(() => fromPytorchStateDict(missing, 'm.json'), /m\.json: missing tensor "weight_ih_l0"/);
    assert.throws(() => fromPytorchStateDict({ ...json, extra: [1] }, 'm.json'), /m\.json: unexpected tensor "extra"/);
    assert.throws(() => fromPytorchStateDict({ ...json, 'out.bias': [0, 0, 0, 0, 'x'] }, 'm.json'), /m\.json: out\.bias: element 4 is "x", expected a finite number/);
    // NaN can only come from a caller's object; Infinity also from JSON (1e999). Neither may reach the weights.
    const nan = { ...json, weight_hh_l0: (json.weight_hh_l0 as number[][]).flat().map((v, i) => (i === 17 ? NaN : v)) };
    assert.throws(() => fromPytorchStateDict(nan, 'm.json'), /^InputError: m\.json: weight "weight_hh_l0" holds NaN at element 17, expected finite numbers$/);
    const text = JSON.stringify({ ...json, 'out.bias': [0, 0, 'INF', 0, 0] }).replace('"INF"', '1e999');
    const kept = a.params.slice();
    assert.throws(() => a.importPytorch(JSON.parse(text), 'm.json'), /^InputError: m\.json: weight "out\.bias" holds Infinity at element 2, expected finite numbers$/);
    assert.deepEqual(a.params, kept, 'a refused import leaves the weights as they were');
    const wide = new OnlineLearner({ inputSize: 4, phones, hiddenSize: 4 });
    assert.throws(() => a.importPytorch(wide.exportPytorch(), 'w.json'), /^.*w\.json: hiddenSize is 4, but the learner's is 3$/);
    a.dispose();
    wide.dispose();
  });
});

/** A checkpoint's weights as tfjs decodes them, with its model.json. */
async function decodeCheckpoint(target: string): Promise<{ json: any; tensors: tf.NamedTensorMap }> {
  const json = JSON.parse(await readFile(join(target, 'model.json'), 'utf8'));
  const bin = await readFile(join(target, json.weightsManifest[0].paths[0]));
  const tensors = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, json.weightsManifest[0].weights);
  return { json, tensors };
}

/**
 * Plain tfjs resumed from a checkpoint: a tf.variable of its weights (layout order) and a fresh
 * `tf.train.adam` / `tf.train.momentum` given its `optimizer/…` slots through setWeights.
 */
async function tfjsFromCheckpoint(target: string, learner: OnlineLearner): Promise<TfjsReference> {
  const { tensors } = await decodeCheckpoint(target);
  const params = new Float32Array(learner.layout.total);
  for (const e of learner.layout.entries) params.set(tensors[e.name].dataSync() as Float32Array, e.offset);
  const ref = tfjsReference(params, learner.config);
  const slots = Object.keys(tensors).filter((k) => k.startsWith('optimizer/'));
  await ref.optimizer.setWeights(slots.map((k) => ({ name: k.slice('optimizer/'.length).replace(/^params\b/, ref.variable.name), tensor: tensors[k] })));
  return ref;
}

describe('the kernel optimiser across save / load (tfjs optimiser state)', () => {
  const configs: [string, LearnerConfig][] = [
    ['adam', { inputSize: 4, phones, hiddenSize: 6 }],
    ['momentum', { inputSize: 4, phones, hiddenSize: 6, optimizer: 'sgd', lr: 0.01, momentum: 0.9 }],
  ];
  const N = 300;
  const M = 300;
  for (const [what, config] of configs) {
    it(`${what}: ${N} steps, save, load, ${M} more = ${N + M} steps uninterrupted`, async () => {
      const a = new OnlineLearner(config);
      const grads = randomGradients(a.layout.total, N + M, 5);
      for (let s = 0; s < N; s++) a.applyGradient(grads[s]);
      const target = join(dir, `resume-${what}`);
      await saveLearner(a, target);
      const b = await loadLearner(target);
      assert.deepEqual(b.params, a.params);
      assert.equal(b.optimizer.iterations, N);
      let worst = 0;
      for (let s = N; s < N + M; s++) {
        a.applyGradient(grads[s]);
        b.applyGradient(grads[s]);
        worst = Math.max(worst, maxRelativeError(b.params, a.params));
      }
      // Adam's restored powers are pow(β, t) (as tfjs's setWeights makes them), the running ones a
      // product: float32 noise at most. Momentum has no such state: bit for bit.
      if (what === 'momentum') assert.deepEqual(b.params, a.params);
      assert.ok(worst <= 1e-6, `the resumed run differs by ${worst} relative`);
      a.dispose();
      b.dispose();
    });

    it(`${what}: a plain tfjs optimiser restored from the saved slots makes the same next updates`, async () => {
      const a = new OnlineLearner(config);
      const grads = randomGradients(a.layout.total, N + 20, 6);
      for (let s = 0; s < N; s++) a.applyGradient(grads[s]);
      const target = join(dir, `plain-${what}`);
      await saveLearner(a, target);
      const { json } = await decodeCheckpoint(target);
      assert.equal(json.userDefinedMetadata.phonestream.optimizer, what === 'adam' ? 'Adam' : 'Momentum');
      const ref = await tfjsFromCheckpoint(target, a);
      assert.equal(ref.optimizer.iterations, N);
      const b = await loadLearner(target);
      for (let s = N; s < N + 20; s++) {
        a.applyGradient(grads[s]);
        b.applyGradient(grads[s]);
        ref.apply(grads[s]);
        const theirs = ref.variable.dataSync() as Float32Array;
        // The loaded learner restores as tfjs does: the same floats; the saving one within float32 noise.
        assert.ok(maxRelativeError(b.params, theirs) <= 1e-6, `loaded learner, step ${s + 1}: ${maxRelativeError(b.params, theirs)}`);
        assert.ok(maxRelativeError(a.params, theirs) <= 1e-6, `saving learner, step ${s + 1}: ${maxRelativeError(a.params, theirs)}`);
      }
      ref.dispose();
      a.dispose();
      b.dispose();
    });
  }

  it('the bundled checkpoint (saved by the tfjs optimiser) loads and continues as tfjs continues it', async () => {
    const fixture = join(import.meta.dirname, '../../fixtures/checkpoint');
    const learner = await loadLearner(fixture);
    assert.equal(learner.optimizer.iterations > 0, true);
    const ref = await tfjsFromCheckpoint(fixture, learner);
    assert.deepEqual(Float32Array.from(ref.variable.dataSync()), learner.params);
    const grads = randomGradients(learner.layout.total, 40, 7);
    let clipped = 0;
    for (const [s, g] of grads.entries()) {
      if (learner.applyGradient(g).clipped) clipped++;
      ref.apply(g);
      const e = maxRelativeError(learner.params, ref.variable.dataSync() as Float32Array);
      assert.ok(e <= 1e-6, `step ${s + 1}: ${e} relative`);
    }
    assert.ok(clipped > 0 && clipped < grads.length, `${clipped} of ${grads.length} clipped`);
    ref.dispose();
    learner.dispose();
  });
});
