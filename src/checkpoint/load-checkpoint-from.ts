import { CheckpointFileError, type CheckpointFiles } from './checkpoint-files.ts';
import { InputError } from '../errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../features/feature-config.ts';
import { featureDims } from '../features/feature-dims.ts';
import { parseFeatureStats } from '../features/parse-feature-stats.ts';
import { RunningStats } from '../features/running-stats.ts';
import { validateFeatureConfig } from '../features/validate-feature-config.ts';
import type { LearnerConfig } from '../learner/learner-config.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { readLearnerCheckpointFrom } from '../learner/read-learner-checkpoint-from.ts';
import { FEATURES_FILE } from './features-file.ts';

/** A loaded checkpoint: the learner, its feature options and its normalisation statistics. */
export interface Checkpoint {
  learner: OnlineLearner;
  /** Feature options, normalisation `running` (carry on from `stats`). */
  features: FeatureConfig;
  /** The training stream's statistics, to continue from or to normalise with as fixed statistics. */
  stats: RunningStats;
}

/**
 * Loads a checkpoint written by saveCheckpoint from wherever its files are (a directory, a URL:
 * see CheckpointFiles): the learner and the feature file model.json names (version 2) or
 * features.json beside it (version 1). A checkpoint with only a learner gets the default feature
 * options (with delta-deltas when the model takes 39 inputs) and empty statistics. Everything is
 * checked before it is returned, so a caller keeps its running model when this throws. No `fs`:
 * the browser loads the bundled model with this and `httpCheckpointFiles`.
 *
 * @param files the checkpoint's files
 * @param overrides learner options to change on load (e.g. `{ trainable: false }`, `lr`)
 * @throws InputError naming the file: model.json or the weights (see readLearnerCheckpointFrom),
 *   or the feature file when unreadable, inconsistent with the model, or holding non-finite or
 *   negative statistics
 *
 * ## Example
 * ```ts
 * const { learner, features, stats } = await loadCheckpointFrom(httpCheckpointFiles('checkpoint/'));
 * ```
 */
export async function loadCheckpointFrom(files: CheckpointFiles, overrides: Partial<LearnerConfig> = {}): Promise<Checkpoint> {
  const { learner, formatVersion, featuresFile, jsonPath } = await readLearnerCheckpointFrom(files, overrides);
  try {
    const name = formatVersion === 1 ? FEATURES_FILE : featuresFile;
    const path = files.where(name ?? FEATURES_FILE);
    const text = name === undefined ? undefined : await readFeatures(files, name, formatVersion === 1, jsonPath);
    if (text === undefined) return { learner, ...defaultFeatures(learner.config.inputSize, path) };
    return { learner, ...parseFeatures(text, learner.config.inputSize, path) };
  } catch (err) {
    learner.dispose();
    throw err;
  }
}

/** The feature file's text; undefined when a version-1 checkpoint has none (it is optional there). */
async function readFeatures(files: CheckpointFiles, name: string, optional: boolean, jsonPath: string): Promise<string | undefined> {
  try {
    return new TextDecoder('utf-8').decode(await files.read(name));
  } catch (err) {
    const missing = err instanceof CheckpointFileError && err.missing;
    if (missing && optional) return undefined;
    const named = optional ? '' : ` (named by ${jsonPath})`;
    const reason = err instanceof CheckpointFileError ? err.reason : (err as Error).message;
    throw new InputError(files.where(name), `cannot read the feature options and statistics${named} (${reason})`);
  }
}

/** A model trained on 39-dim features must not be fed the default 26: pick the matching delta order. */
function defaultFeatures(inputSize: number, path: string): Omit<Checkpoint, 'learner'> {
  const base: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG };
  const features = [base, { ...base, deltaOrder: 2 as const }].find((f) => featureDims(f) === inputSize);
  if (features === undefined) {
    throw new InputError(path, `missing, and the model's ${inputSize} inputs match no default feature options (26 or 39 dims)`);
  }
  return { features, stats: new RunningStats(inputSize) };
}

function parseFeatures(text: string, inputSize: number, path: string): Omit<Checkpoint, 'learner'> {
  let json: { features?: Partial<FeatureConfig>; stats?: unknown };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(path, `not valid JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(path, `expected an object with "features" and "stats", got ${JSON.stringify(json)}`);
  }
  const base: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG };
  let features: FeatureConfig;
  try {
    features = validateFeatureConfig({ ...base, ...json.features, normalization: base.normalization });
  } catch (err) {
    throw new InputError(path, (err as Error).message);
  }
  if (featureDims(features) !== inputSize) {
    throw new InputError(path, `features: give ${featureDims(features)} dims, expected ${inputSize} (the model's inputSize)`);
  }
  return { features, stats: restoreStats(json.stats, inputSize, path) };
}

function restoreStats(s: unknown, dims: number, path: string): RunningStats {
  const stats = new RunningStats(dims);
  if (s === undefined) return stats;
  const checked = parseFeatureStats(s, path, 'stats');
  if (checked.dims !== dims) {
    throw new InputError(path, `stats: expected ${dims} dims (the model's inputSize), got ${checked.dims}`);
  }
  stats.restore(checked.frames, checked.mean, checked.variance);
  return stats;
}
