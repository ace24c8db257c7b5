import * as tf from '@tensorflow/tfjs';
import { CheckpointFileError, type CheckpointFiles } from '../checkpoint/checkpoint-files.ts';
import { ConfigError, InputError } from '../errors.ts';
import { firstNonFinite } from './first-non-finite.ts';
import type { LearnerConfig } from './learner-config.ts';
import { OnlineLearner } from './online-learner.ts';
import type { ParamLayout } from './param-layout.ts';
import { LEARNER_FORMAT, LEARNER_FORMAT_VERSION } from './learner-format.ts';

/** A learner read from its directory, with what model.json says about the rest of the checkpoint. */
export interface LearnerCheckpoint {
  learner: OnlineLearner;
  /** The model.json read, for messages about the checkpoint as a whole. */
  jsonPath: string;
  /** 1: any features.json beside model.json belongs to it; 2: only the file `featuresFile` names. */
  formatVersion: number;
  /** Version 2: the feature file saved in the same atomic step as these weights, if any. */
  featuresFile: string | undefined;
}

interface Manifest {
  meta: Record<string, unknown>;
  specs: tf.io.WeightsManifestEntry[];
  weightsFile: string;
  featuresFile: string | undefined;
}

/**
 * Reads a learner saved by `saveLearner` from wherever its files are (a directory, a URL: see
 * CheckpointFiles) and checks all of it (format, manifest, byte count, shapes, finiteness of
 * every weight and optimiser slot, config) before the new learner gets any weight, so a corrupt
 * checkpoint is an InputError naming the file and the field or tensor, and a caller's running
 * learner is never involved. Reads model.json once, so the weights and the feature file it names
 * are the ones saved together with it. No `fs`: this is also the browser's loader.
 *
 * @param files the checkpoint's files.
 * @param overrides config fields to change on load.
 * @returns the learner and model.json's reference to the checkpoint's feature file.
 *
 * ## Example
 * ```ts
 * const { learner } = await readLearnerCheckpointFrom(httpCheckpointFiles('checkpoint/'));
 * ```
 */
export async function readLearnerCheckpointFrom(files: CheckpointFiles, overrides: Partial<LearnerConfig> = {}): Promise<LearnerCheckpoint> {
  const jsonPath = files.where('model.json');
  const manifest = readManifest(await readJson(files, 'model.json', 'the checkpoint'), jsonPath);
  const binPath = files.where(manifest.weightsFile);
  const decoded = await readWeights(files, manifest.weightsFile, manifest.specs);
  try {
    const learner = createLearner(manifest.meta, overrides, jsonPath);
    try {
      await restoreWeights(learner, decoded, manifest, binPath, jsonPath);
    } catch (err) {
      learner.dispose();
      throw err;
    }
    const formatVersion = manifest.meta.formatVersion as number;
    return { learner, jsonPath, formatVersion, featuresFile: manifest.featuresFile };
  } finally {
    tf.dispose(decoded);
  }
}

/** A JSON file of the checkpoint, with the messages readJsonFile gives for a file on disk. */
async function readJson(files: CheckpointFiles, name: string, what: string): Promise<unknown> {
  const where = files.where(name);
  let text: string;
  try {
    text = new TextDecoder('utf-8').decode(await files.read(name));
  } catch (err) {
    throw new InputError(where, `cannot read ${what} (${err instanceof CheckpointFileError ? err.reason : String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(where, `not JSON (${(err as Error).message}); expected ${what}`);
  }
}

/** Versions this reader understands: 1 (features.json by its fixed name) and 2 (named by model.json). */
const READABLE_VERSIONS = [1, LEARNER_FORMAT_VERSION];

function readManifest(json: any, jsonPath: string): Manifest {
  if (json?.format !== LEARNER_FORMAT) {
    throw new InputError(jsonPath, `expected format "${LEARNER_FORMAT}", got ${JSON.stringify(json?.format)}`);
  }
  const meta = json.userDefinedMetadata?.phonestream;
  if (!READABLE_VERSIONS.includes(meta?.formatVersion)) {
    throw new InputError(jsonPath, `expected userDefinedMetadata.phonestream.formatVersion ${READABLE_VERSIONS.join(' or ')}, got ${JSON.stringify(meta?.formatVersion)}`);
  }
  const group = json.weightsManifest?.[0];
  if (json.weightsManifest?.length !== 1 || group?.paths?.length !== 1 || !Array.isArray(group.weights)) {
    throw new InputError(jsonPath, 'expected weightsManifest to hold one group with one path and its weights');
  }
  const weightsFile = fileName(group.paths[0], 'weightsManifest[0].paths[0]', jsonPath);
  const specs = group.weights as tf.io.WeightsManifestEntry[];
  specs.forEach((s, i) => checkSpec(s, `weightsManifest[0].weights[${i}]`, jsonPath));
  const featuresFile = meta.featuresFile === undefined ? undefined : fileName(meta.featuresFile, 'userDefinedMetadata.phonestream.featuresFile', jsonPath);
  return { meta, specs, weightsFile, featuresFile };
}

/** A file name inside the checkpoint directory: a path could make a checkpoint read any file. */
function fileName(value: unknown, field: string, jsonPath: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..' || /[/\\]/.test(value)) {
    throw new InputError(jsonPath, `${field} must be a file name, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkSpec(s: any, field: string, jsonPath: string): void {
  const shapeOk = Array.isArray(s?.shape) && s.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0);
  if (typeof s?.name !== 'string' || !shapeOk || (s.dtype !== 'float32' && s.dtype !== 'int32')) {
    throw new InputError(jsonPath, `${field}: expected {name, shape: integers ≥ 0, dtype: float32|int32}, got ${JSON.stringify(s)}`);
  }
}

/** Reads and decodes the weights file, refusing a short or long file and any non-finite value. */
async function readWeights(files: CheckpointFiles, name: string, specs: tf.io.WeightsManifestEntry[]): Promise<tf.NamedTensorMap> {
  const binPath = files.where(name);
  let bin: Uint8Array;
  try {
    bin = await files.read(name);
  } catch (err) {
    throw new InputError(binPath, `cannot read the weights (${err instanceof CheckpointFileError ? err.reason : String(err)})`);
  }
  const expected = specs.reduce((n, s) => n + 4 * s.shape.reduce((a, b) => a * b, 1), 0);
  if (bin.byteLength !== expected) {
    throw new InputError(binPath, `expected ${expected} bytes of float32/int32 weights for the manifest, got ${bin.byteLength}`);
  }
  const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer, specs);
  for (const s of specs) {
    if (s.dtype !== 'float32') continue;
    const bad = firstNonFinite(decoded[s.name].dataSync());
    if (bad >= 0) {
      const value = decoded[s.name].dataSync()[bad];
      tf.dispose(decoded);
      const what = s.name.startsWith('optimizer/') ? 'optimizer slot' : 'weight';
      throw new InputError(binPath, `${what} "${s.name}" holds ${value} at element ${bad}, expected finite numbers`);
    }
  }
  return decoded;
}

/** A learner with the saved config (k1/k2 re-derived when JSON could not hold Infinity). */
function createLearner(meta: Record<string, unknown>, overrides: Partial<LearnerConfig>, jsonPath: string): OnlineLearner {
  const saved = meta.config;
  if (saved === null || typeof saved !== 'object' || Array.isArray(saved)) {
    throw new InputError(jsonPath, `userDefinedMetadata.phonestream.config: expected the learner's config object, got ${JSON.stringify(saved)}`);
  }
  const { k1, k2, ...rest } = saved as LearnerConfig;
  const base: LearnerConfig = { ...rest, ...(k1 === undefined ? {} : { k1 }), ...(k2 === undefined ? {} : { k2 }) };
  // Another algorithm trains on the saved weights with its own schedule: the saved one's k1, k2,
  // preset and reuseActivations describe how the checkpoint was trained, not how to go on.
  if (overrides.algorithm !== undefined && overrides.algorithm !== (base.algorithm ?? 'tbptt')) {
    for (const key of ['k1', 'k2', 'preset', 'truncation', 'reuseActivations'] as const) delete base[key];
  }
  const config: LearnerConfig = { ...base, ...overrides };
  // A forward-mode method keeps no window: its resolved k2 (1) and reuseActivations are not options.
  if ((config.algorithm ?? 'tbptt') !== 'tbptt') {
    if (overrides.k2 === undefined) delete config.k2;
    if (overrides.reuseActivations === undefined) delete config.reuseActivations;
    if (overrides.truncation === undefined) delete config.truncation;
  }
  if (config.preset === 'framewise') delete config.k1;
  if (config.optimizer === 'adam') delete config.momentum;
  try {
    return new OnlineLearner(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof RangeError || err instanceof TypeError) {
      throw new InputError(jsonPath, `userDefinedMetadata.phonestream.config: ${err.message}`);
    }
    throw err;
  }
}

async function restoreWeights(learner: OnlineLearner, decoded: tf.NamedTensorMap, m: Manifest, binPath: string, jsonPath: string): Promise<void> {
  const updates = m.meta.updates ?? 0;
  if (!Number.isInteger(updates) || (updates as number) < 0) {
    throw new InputError(jsonPath, `userDefinedMetadata.phonestream.updates: expected an integer ≥ 0, got ${JSON.stringify(updates)}`);
  }
  const params = paramsFrom(decoded, learner.layout, binPath);
  const slots = m.specs.filter((s) => s.name.startsWith('optimizer/'));
  checkSlots(slots, learner, binPath);
  learner.setParams(params);
  learner.version = updates as number;
  if (slots.length > 0) {
    learner.optimizer.setWeights(slots.map((s) => ({
      name: s.name.slice('optimizer/'.length).replace(/^params\b/, learner.optimizer.variableName),
      tensor: decoded[s.name],
    })));
  }
}

function paramsFrom(decoded: tf.NamedTensorMap, layout: ParamLayout, binPath: string): Float32Array {
  const params = new Float32Array(layout.total);
  for (const e of layout.entries) {
    const t = decoded[e.name];
    if (t === undefined || t.dtype !== 'float32' || t.shape.join() !== e.shape.join()) {
      throw new InputError(binPath, `weight "${e.name}": expected shape [${e.shape}], got ${t === undefined ? 'none' : `[${t.shape}]`}`);
    }
    params.set(t.dataSync() as Float32Array, e.offset);
  }
  return params;
}

/**
 * The optimiser's slots must be the ones this learner's optimiser has, in its order, each as long as
 * the parameters: tfjs's setWeights assigns them by position, so a mismatch would go unnoticed.
 * A learner saved before its first update has only `iter`.
 */
function checkSlots(slots: tf.io.WeightsManifestEntry[], learner: OnlineLearner, binPath: string): void {
  if (slots.length === 0) return;
  const names = slots.map((s) => s.name);
  const full = ['optimizer/iter', ...(learner.config.optimizer === 'adam' ? ['optimizer/params/m', 'optimizer/params/v'] : ['optimizer/params/momentum'])];
  if (names.join() !== full.join() && names.join() !== full[0]) {
    throw new InputError(binPath, `optimizer state: expected ${full.join(', ')} for ${learner.config.optimizer}, got ${names.join(', ')}`);
  }
  for (const s of slots.slice(1)) {
    if (s.shape.join() !== String(learner.layout.total)) {
      throw new InputError(binPath, `optimizer slot "${s.name}": expected shape [${learner.layout.total}], got [${s.shape}]`);
    }
  }
}
