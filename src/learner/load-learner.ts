import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors.ts';
import { readJsonFile } from '../io/read-json-file.ts';
import type { LearnerConfig } from './learner-config.ts';
import { OnlineLearner } from './online-learner.ts';
import { LEARNER_FORMAT, LEARNER_FORMAT_VERSION } from './save-learner.ts';

/**
 * Loads a learner saved by `saveLearner`: the same config, phone set, weights and optimiser state,
 * so it predicts and updates exactly as the saved one would have. Bad checkpoints give an
 * InputError naming the file and what is wrong.
 *
 * @param dir the checkpoint directory (holding model.json and its weights file).
 * @param overrides config fields to change on load, e.g. `{ trainable: false }` to serve frozen.
 * @returns a new learner on the active tfjs backend.
 *
 * ## Example
 * ```ts
 * const learner = await loadLearner('checkpoints/run1');
 * ```
 */
export async function loadLearner(dir: string, overrides: Partial<LearnerConfig> = {}): Promise<OnlineLearner> {
  const jsonPath = join(dir, 'model.json');
  const json: any = await readJsonFile(jsonPath, 'the checkpoint'); // validated field by field below
  if (json?.format !== LEARNER_FORMAT) {
    throw new InputError(jsonPath, `expected format "${LEARNER_FORMAT}", got ${JSON.stringify(json?.format)}`);
  }
  const meta = json.userDefinedMetadata?.phonestream;
  if (meta?.formatVersion !== LEARNER_FORMAT_VERSION) {
    throw new InputError(jsonPath, `expected userDefinedMetadata.phonestream.formatVersion ${LEARNER_FORMAT_VERSION}, got ${JSON.stringify(meta?.formatVersion)}`);
  }
  const group = json.weightsManifest?.[0];
  if (json.weightsManifest?.length !== 1 || group?.paths?.length !== 1 || !Array.isArray(group.weights)) {
    throw new InputError(jsonPath, 'expected weightsManifest to hold one group with one path and its weights');
  }
  const weightsFile = String(group.paths[0]);
  if (basename(weightsFile) !== weightsFile) throw new InputError(jsonPath, `weights path must be a file name, got "${weightsFile}"`);
  const specs = group.weights as tf.io.WeightsManifestEntry[];
  const binPath = join(dir, weightsFile);
  let bin: Buffer;
  try {
    bin = await readFile(binPath);
  } catch (err) {
    throw new InputError(binPath, `cannot read the weights (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const expected = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (specs.some((s) => s.dtype !== 'float32' && s.dtype !== 'int32') || bin.byteLength !== expected) {
    throw new InputError(binPath, `expected ${expected} bytes of float32/int32 weights for the manifest, got ${bin.byteLength}`);
  }
  const { k1, k2, ...rest } = meta.config as LearnerConfig;
  const config: LearnerConfig = { ...rest, ...(k1 === undefined ? {} : { k1 }), ...(k2 === undefined ? {} : { k2 }), ...overrides };
  if (config.preset === 'framewise') delete config.k1;
  if (config.optimizer === 'adam') delete config.momentum;
  const learner = new OnlineLearner(config);
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const decoded = tf.io.decodeWeights(buffer, specs);
  try {
    const params = new Float32Array(learner.layout.total);
    for (const e of learner.layout.entries) {
      const t = decoded[e.name];
      if (t === undefined || t.size !== e.size || t.shape.join() !== e.shape.join()) {
        throw new InputError(binPath, `weight "${e.name}": expected shape [${e.shape}], got ${t === undefined ? 'none' : `[${t.shape}]`}`);
      }
      params.set(t.dataSync() as Float32Array, e.offset);
    }
    learner.setParams(params);
    learner.version = Number(meta.updates) || 0;
    const slots = specs.filter((s) => s.name.startsWith('optimizer/'));
    if (slots.length > 0) {
      if (slots[0].name !== 'optimizer/iter') throw new InputError(binPath, 'optimizer state must start with "optimizer/iter"');
      await learner.tfOptimizer.setWeights(slots.map((s) => ({
        name: s.name.slice('optimizer/'.length).replace(/^params\b/, learner.parameterVariable.name),
        tensor: decoded[s.name],
      })));
    }
  } catch (err) {
    learner.dispose();
    throw err;
  } finally {
    tf.dispose(decoded);
  }
  return learner;
}
