import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { OnlineLearner } from './online-learner.ts';

/** The `format` field of a saved learner's model.json. */
export const LEARNER_FORMAT = 'phonestream-learner';
/** Version of what `userDefinedMetadata.phonestream` holds. */
export const LEARNER_FORMAT_VERSION = 1;

/**
 * Saves a learner in tfjs's own format: `model.json` (a weightsManifest, plus our config and
 * phone set under `userDefinedMetadata.phonestream`) and one binary weights file holding the
 * parameters (one entry per PyTorch-named tensor) and the optimiser's state (`optimizer/…`,
 * from `optimizer.getWeights()`). Atomic: the weights go to a new uniquely named file, then
 * model.json is written to a temporary file and renamed over the old one, so a reader sees the
 * old checkpoint or the new one, never a mix; stale weights files are removed afterwards.
 *
 * @param learner the learner to save (its streams are not saved: their state is per utterance).
 * @param dir the checkpoint directory (created if missing).
 *
 * ## Example
 * ```ts
 * await saveLearner(learner, 'checkpoints/run1');
 * ```
 */
export async function saveLearner(learner: OnlineLearner, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const named: { name: string; tensor: tf.Tensor }[] = learner.layout.entries.map((e) => ({
    name: e.name,
    // A copy: the cpu backend keeps the array it is given, and the mirror changes in place.
    tensor: tf.tensor(learner.params.slice(e.offset, e.offset + e.size), e.shape),
  }));
  const version = learner.version;
  const optimizerWeights = await learner.tfOptimizer.getWeights();
  if (learner.version !== version) throw new Error('saveLearner: the weights changed while saving; retry');
  const variableName = learner.parameterVariable.name;
  for (const w of optimizerWeights) {
    // Slot names embed the variable's process-unique name; store them under a stable one. A clone
    // pins the slot's current values: an update during the async encoding cannot mix in.
    const tensor = w.name === 'iter' ? w.tensor : w.tensor.clone();
    named.push({ name: `optimizer/${w.name.replace(variableName, 'params')}`, tensor });
  }
  let encoded: { data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] };
  try {
    encoded = await tf.io.encodeWeights(named);
  } finally {
    // All ours: parameter copies, slot clones and the optimiser's fresh `iter` scalar.
    tf.dispose(named.map((n) => n.tensor));
  }
  const stamp = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  const weightsFile = `weights-${stamp}.bin`;
  const c = learner.config;
  const modelJson = {
    format: LEARNER_FORMAT,
    generatedBy: `phonestream (TensorFlow.js ${tf.version.tfjs})`,
    convertedBy: null,
    modelTopology: {
      class_name: 'PhonestreamLstm',
      config: { ...learner.shape, parameters: learner.layout.total },
    },
    weightsManifest: [{ paths: [weightsFile], weights: encoded.specs }],
    userDefinedMetadata: {
      phonestream: {
        formatVersion: LEARNER_FORMAT_VERSION,
        // k1/k2 are Infinity for the utterance preset, which JSON cannot hold: re-derived on load.
        config: { ...c, k1: Number.isFinite(c.k1) ? c.k1 : undefined, k2: Number.isFinite(c.k2) ? c.k2 : undefined },
        phones: c.phones,
        updates: learner.version,
        optimizer: learner.tfOptimizer.getClassName(),
      },
    },
  };
  await writeAtomically(join(dir, weightsFile), new Uint8Array(encoded.data));
  await writeAtomically(join(dir, 'model.json'), JSON.stringify(modelJson, null, 1));
  for (const f of await readdir(dir)) {
    if (/^weights-.*\.bin$/.test(f) && f !== weightsFile) await rm(join(dir, f), { force: true });
  }
}

async function writeAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
