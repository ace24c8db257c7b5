import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { LEARNER_FORMAT, LEARNER_FORMAT_VERSION } from './learner-format.ts';
import type { OnlineLearner } from './online-learner.ts';

export { LEARNER_FORMAT, LEARNER_FORMAT_VERSION };

/** Saves in progress, by directory: saves to one directory run one after another (see cleanUp). */
const saving = new Map<string, Promise<void>>();

/**
 * Saves a learner in tfjs's own format: `model.json` (a weightsManifest, plus our config and
 * phone set under `userDefinedMetadata.phonestream`) and one binary weights file holding the
 * parameters (one entry per PyTorch-named tensor) and the optimiser's state (`optimizer/…`,
 * from `optimizer.getWeights()`, in tfjs's order and format: `tf.train.adam().setWeights` reads it).
 *
 * Atomic, also when the process is killed at any point: the weights (and `features`, if given)
 * go to new files named by a hash of their content, each written to a temporary file, synced
 * and renamed; model.json, which names them, is renamed over the old one last. Until that rename
 * a reader sees the old model.json and the old files it names, which are removed only after it.
 * Saves to one directory from one process are queued; two processes must not save to one directory.
 *
 * @param learner the learner to save (its streams are not saved: their state is per utterance).
 * @param dir the checkpoint directory (created if missing).
 * @param features optional JSON-ready value saved in the same atomic step as
 *   `features-<hash>.json`, named by model.json (saveCheckpoint's feature options and statistics).
 *
 * ## Example
 * ```ts
 * await saveLearner(learner, 'checkpoints/run1');
 * ```
 */
export function saveLearner(learner: OnlineLearner, dir: string, features?: unknown): Promise<void> {
  if (learner.disposed) return Promise.reject(new Error('OnlineLearner: used after dispose()'));
  const key = resolve(dir);
  const previous = saving.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => saveNow(learner, dir, features));
  const tail = next.catch(() => undefined);
  saving.set(key, tail);
  void tail.then(() => {
    if (saving.get(key) === tail) saving.delete(key);
  });
  return next;
}

async function saveNow(learner: OnlineLearner, dir: string, features: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  const weights = await encodeLearner(learner);
  const weightsFile = `weights-${contentHash(weights.data)}.bin`;
  const featuresText = features === undefined ? undefined : JSON.stringify(features, null, 1);
  const featuresFile = featuresText === undefined ? undefined : `features-${contentHash(featuresText)}.json`;
  await writeDurably(join(dir, weightsFile), weights.data);
  if (featuresFile !== undefined) await writeDurably(join(dir, featuresFile), featuresText!);
  const modelJson = modelJsonFor(learner, weights.specs, weightsFile, featuresFile, weights.version);
  // The commit point: before this rename the old checkpoint is whole, after it the new one is.
  await writeDurably(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
  await syncDirectory(dir);
  await cleanUp(dir, new Set(['model.json', weightsFile, ...(featuresFile === undefined ? [] : [featuresFile])]));
}

/** The parameters and optimiser slots as one tfjs weights buffer, all from one version. */
async function encodeLearner(learner: OnlineLearner): Promise<{ data: Uint8Array; specs: tf.io.WeightsManifestEntry[]; version: number }> {
  const named: { name: string; tensor: tf.Tensor }[] = learner.layout.entries.map((e) => ({
    name: e.name,
    // A copy: the cpu backend keeps the array it is given, and the mirror changes in place.
    tensor: tf.tensor(learner.params.slice(e.offset, e.offset + e.size), e.shape),
  }));
  const version = learner.version;
  // Copies taken now, with the parameters above (no await between): one version throughout, and an
  // update during the async encoding cannot mix in.
  const optimizerWeights = learner.optimizer.getWeights();
  const variableName = learner.optimizer.variableName;
  for (const w of optimizerWeights) {
    // Slot names embed the variable's process-unique name, as tfjs writes them; store them under a stable one.
    named.push({ name: `optimizer/${w.name.replace(variableName, 'params')}`, tensor: w.tensor });
  }
  try {
    const encoded = await tf.io.encodeWeights(named);
    return { data: new Uint8Array(encoded.data), specs: encoded.specs, version };
  } finally {
    // All ours: parameter and optimiser-state copies.
    tf.dispose(named.map((n) => n.tensor));
  }
}

function modelJsonFor(learner: OnlineLearner, specs: tf.io.WeightsManifestEntry[], weightsFile: string, featuresFile: string | undefined, updates: number) {
  const c = learner.config;
  return {
    format: LEARNER_FORMAT,
    generatedBy: `phonestream (TensorFlow.js ${tf.version.tfjs})`,
    convertedBy: null,
    modelTopology: {
      class_name: 'PhonestreamLstm',
      config: { ...learner.shape, parameters: learner.layout.total },
    },
    weightsManifest: [{ paths: [weightsFile], weights: specs }],
    userDefinedMetadata: {
      phonestream: {
        formatVersion: LEARNER_FORMAT_VERSION,
        // k1/k2 are Infinity for the utterance preset, which JSON cannot hold: re-derived on load.
        config: { ...c, k1: Number.isFinite(c.k1) ? c.k1 : undefined, k2: Number.isFinite(c.k2) ? c.k2 : undefined },
        phones: c.phones,
        updates,
        optimizer: learner.optimizer.className,
        ...(featuresFile === undefined ? {} : { featuresFile }),
      },
    },
  };
}

/** Content-addressed names: a file is never rewritten with other bytes while a model.json names it. */
function contentHash(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** Temporary file, synced to disk, then renamed: the path holds the old bytes or all the new ones. */
async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}

/** Makes the renames survive a power cut too; not every platform can sync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort: the renames are atomic either way
  }
}

/**
 * Removes what the new model.json does not name: older weights and feature files, temporary files
 * of saves killed midway, and a version-1 features.json (version 2 ignores it). Safe only because
 * saves to one directory do not overlap.
 */
async function cleanUp(dir: string, keep: Set<string>): Promise<void> {
  for (const f of await readdir(dir)) {
    const ours = /^weights-.*\.bin$/.test(f) || /^features-.*\.json$/.test(f) || f === 'features.json' || /\.tmp-\d+-[0-9a-f]+$/.test(f);
    if (ours && !keep.has(f)) await rm(join(dir, f), { force: true });
  }
}
