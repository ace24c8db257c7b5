import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { saveCheckpoint } from '../../src/checkpoint/save-checkpoint.ts';
import { InputError } from '../../src/errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../src/features/feature-config.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { saveLearner } from '../../src/learner/save-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { randomFrames } from '../learner/engine-helpers.ts';

const phones = ['aa', 'b', 'sil', 'z'];
const DIMS = 39; // deltaOrder 2, so a restore that fell back to the defaults (26) would show
let root: string;

before(async () => {
  await selectBackend();
  root = await mkdtemp(join(tmpdir(), 'phonestream-ckpt-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A small learner trained on a few random frames, so its weights and optimiser differ from init. */
function trainedLearner(dims = DIMS): OnlineLearner {
  const learner = new OnlineLearner({ inputSize: dims, phones, hiddenSize: 8, k1: 5, k2: 5, seed: 7 });
  const s = learner.openStream('warm');
  const { xs, labels } = randomFrames(23, dims, phones, 3);
  xs.forEach((x, i) => s.push(x, labels[i]));
  s.end();
  s.close();
  return learner;
}

/** Predictions of a fresh predict-only stream on fixed frames. */
function predictions(learner: OnlineLearner) {
  const s = learner.openStream('probe', { train: false, topK: 4 });
  const { xs } = randomFrames(15, learner.config.inputSize, phones, 11);
  const out = xs.map((x) => s.push(x).prediction);
  s.close();
  return out;
}

/** The feature file a saved model.json names (version 2 names it; it is not a fixed name). */
async function featuresPath(dir: string): Promise<string> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  return join(dir, json.userDefinedMetadata.phonestream.featuresFile);
}

/** Statistics of some random vectors (non-trivial mean, variance and count). */
function someStats(): RunningStats {
  const stats = new RunningStats(DIMS);
  const { xs } = randomFrames(57, DIMS, phones, 5);
  for (const x of xs) stats.add(x.map((v, d) => v * (d + 1) + d));
  return stats;
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('should round-trip the model, the feature options and the statistics', async () => {
    const dir = join(root, 'round-trip');
    const learner = trainedLearner();
    const features: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2, window: 'hann' };
    const stats = someStats();
    const before = predictions(learner);
    await saveCheckpoint(dir, learner, features, stats);
    learner.dispose();

    const files = await readdir(dir);
    assert.ok(files.includes('model.json'), files.join(', '));
    assert.ok(files.includes((await featuresPath(dir)).slice(dir.length + 1)), files.join(', '));
    assert.ok(files.some((f) => /^features-[0-9a-f]+\.json$/.test(f)), files.join(', '));
    assert.ok(files.some((f) => /^weights-.*\.bin$/.test(f)), files.join(', '));
    assert.ok(!files.some((f) => f.includes('.tmp-')), `temporary files left: ${files.join(', ')}`);

    const loaded = await loadCheckpoint(dir);
    try {
      assert.deepEqual(loaded.learner.config.phones, phones);
      assert.equal(loaded.learner.config.hiddenSize, 8);
      assert.deepEqual(predictions(loaded.learner), before);
      assert.equal(loaded.features.deltaOrder, 2);
      assert.equal(loaded.features.window, 'hann');
      assert.deepEqual(loaded.features.normalization, DEFAULT_FEATURE_CONFIG.normalization);
      assert.equal(loaded.stats.dims, DIMS);
      assert.equal(loaded.stats.count, stats.count);
      for (let d = 0; d < DIMS; d++) {
        assert.equal(loaded.stats.mean[d], stats.mean[d], `mean[${d}]`);
        // variance goes through JSON and back through m2 = variance * count
        assert.ok(Math.abs(loaded.stats.variance(d) - stats.variance(d)) <= 1e-12 * Math.max(1, stats.variance(d)), `variance[${d}]`);
      }
    } finally {
      loaded.learner.dispose();
    }
  });

  it('should continue the restored statistics as if they had never stopped', () => {
    const all = someStats();
    const restored = new RunningStats(DIMS);
    const { mean, variance, frames } = all.toJSON();
    restored.restore(frames, mean, variance);
    const { xs } = randomFrames(9, DIMS, phones, 8);
    for (const x of xs) {
      all.add(x);
      restored.add(x);
    }
    assert.equal(restored.count, all.count);
    for (let d = 0; d < DIMS; d++) {
      assert.ok(Math.abs(restored.mean[d] - all.mean[d]) <= 1e-9 * Math.max(1, Math.abs(all.mean[d])), `mean[${d}]`);
      assert.ok(Math.abs(restored.variance(d) - all.variance(d)) <= 1e-9 * Math.max(1, all.variance(d)), `variance[${d}]`);
    }
  });

  it('should reject a feature file whose statistics have the wrong dims, naming it', async () => {
    const dir = join(root, 'wrong-dims');
    const learner = trainedLearner();
    await saveCheckpoint(dir, learner, { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }, someStats());
    learner.dispose();
    const path = await featuresPath(dir);
    const json = JSON.parse(await readFile(path, 'utf8'));
    json.stats = new RunningStats(26).toJSON();
    await writeFile(path, JSON.stringify(json));
    await assert.rejects(loadCheckpoint(dir), (err: unknown) => {
      assert.ok(err instanceof InputError, String(err));
      assert.equal(err.source, path);
      assert.match(err.message, /features-[0-9a-f]+\.json: stats: expected 39 dims/);
      return true;
    });
  });

  it('should reject a feature file that is not JSON, naming it', async () => {
    const dir = join(root, 'bad-json');
    const learner = trainedLearner();
    await saveCheckpoint(dir, learner, { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }, new RunningStats(DIMS));
    learner.dispose();
    const path = await featuresPath(dir);
    await writeFile(path, '{"features": ');
    await assert.rejects(loadCheckpoint(dir), (err: unknown) => err instanceof InputError && err.source === path && /not valid JSON/.test(err.message));
  });

  it('should give the default feature options and empty statistics without features.json', async () => {
    for (const [dims, expected] of [
      [26, DEFAULT_FEATURE_CONFIG],
      [39, { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }], // the defaults, with the model's 39 inputs
    ] as const) {
      const dir = join(root, `learner-only-${dims}`);
      const learner = trainedLearner(dims);
      const before = predictions(learner);
      await saveLearner(learner, dir);
      learner.dispose();
      const loaded = await loadCheckpoint(dir, { trainable: false });
      try {
        assert.deepEqual(loaded.features, expected);
        assert.equal(loaded.stats.dims, dims);
        assert.equal(loaded.stats.count, 0);
        assert.equal(loaded.learner.trainable, false);
        assert.deepEqual(predictions(loaded.learner), before);
      } finally {
        loaded.learner.dispose();
      }
    }
  });

  it('should reject feature options whose dims differ from the model input, naming features.json', async () => {
    const dir = join(root, 'wrong-delta-order');
    const learner = trainedLearner();
    await saveCheckpoint(dir, learner, { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 1 }, new RunningStats(DIMS));
    learner.dispose();
    const path = await featuresPath(dir);
    await assert.rejects(loadCheckpoint(dir), (err: unknown) => {
      assert.ok(err instanceof InputError, String(err));
      assert.equal(err.source, path);
      assert.match(err.message, /26 dims, expected 39/);
      return true;
    });
  });

  it('should refuse statistics holding Infinity, a negative or missing variance, or fractional frames, naming the file and field', async () => {
    const dir = join(root, 'bad-stats');
    const learner = trainedLearner();
    await saveCheckpoint(dir, learner, { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }, someStats());
    learner.dispose();
    const path = await featuresPath(dir);
    const good = JSON.parse(await readFile(path, 'utf8'));
    const cases: [(s: any) => void, RegExp][] = [
      // JSON cannot write Infinity, but parses 1e999 as Infinity; the marker is replaced below.
      [(s) => (s.mean[3] = 'INF'), /stats\.mean\[3\] must be a finite number, got Infinity$/],
      [(s) => (s.variance[5] = -0.5), /stats\.variance\[5\] must be a finite non-negative number, got -0\.5$/],
      [(s) => (s.variance[0] = null), /stats\.variance\[0\] must be a finite non-negative number, got null$/],
      [(s) => (s.frames = 1.5), /stats\.frames must be an integer ≥ 0, got 1\.5$/],
    ];
    for (const [mutate, pattern] of cases) {
      const json = structuredClone(good);
      mutate(json.stats);
      await writeFile(path, JSON.stringify(json).replace('"INF"', '1e999'));
      await assert.rejects(loadCheckpoint(dir), (err: unknown) => {
        assert.ok(err instanceof InputError, String(err));
        assert.equal(err.source, path);
        assert.match(err.message, pattern);
        return true;
      });
    }
  });

  it('should load a version-1 checkpoint with its features.json (fixtures/checkpoint)', async () => {
    const json = JSON.parse(await readFile('fixtures/checkpoint/model.json', 'utf8'));
    assert.equal(json.userDefinedMetadata.phonestream.formatVersion, 1, 'the fixture is a version-1 checkpoint');
    const saved = JSON.parse(await readFile('fixtures/checkpoint/features.json', 'utf8'));
    const loaded = await loadCheckpoint('fixtures/checkpoint', { trainable: false });
    try {
      assert.equal(loaded.stats.count, saved.stats.frames);
      assert.equal(loaded.stats.mean[0], saved.stats.mean[0]);
    } finally {
      loaded.learner.dispose();
    }
  });

  it('should name the feature file model.json names when it is missing, and remove a stale features.json on save', async () => {
    const dir = join(root, 'named-features');
    await mkdir(dir);
    // A version-1 features.json of some older run: a version-2 save supersedes and removes it.
    await writeFile(join(dir, 'features.json'), JSON.stringify({ features: {}, stats: new RunningStats(26).toJSON() }));
    const learner = trainedLearner();
    const stats = someStats();
    await saveCheckpoint(dir, learner, { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 }, stats);
    learner.dispose();
    assert.ok(!(await readdir(dir)).includes('features.json'), 'stale features.json removed');
    const loaded = await loadCheckpoint(dir);
    assert.equal(loaded.stats.count, stats.count);
    loaded.learner.dispose();
    const path = await featuresPath(dir);
    await rm(path);
    await assert.rejects(loadCheckpoint(dir), (err: unknown) => {
      assert.ok(err instanceof InputError, String(err));
      assert.equal(err.source, path);
      assert.match(err.message, /cannot read the feature options and statistics \(named by .*model\.json\) \(ENOENT\)$/);
      return true;
    });
  });

  it('should name model.json when the directory holds no model', async () => {
    const dir = join(root, 'empty');
    await mkdir(dir);
    await writeFile(join(dir, 'features.json'), JSON.stringify({ features: {}, stats: new RunningStats(26).toJSON() }));
    await assert.rejects(loadCheckpoint(dir), (err: unknown) => err instanceof InputError && err.message.includes(join(dir, 'model.json')));
  });
});
