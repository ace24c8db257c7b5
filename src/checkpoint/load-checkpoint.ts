import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../features/feature-config.ts';
import { featureDims } from '../features/feature-dims.ts';
import { parseFeatureStats } from '../features/parse-feature-stats.ts';
import { RunningStats } from '../features/running-stats.ts';
import { validateFeatureConfig } from '../features/validate-feature-config.ts';
import type { LearnerConfig } from '../learner/learner-config.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { readLearnerCheckpoint } from '../learner/read-learner-checkpoint.ts';
import { FEATURES_FILE } from './save-checkpoint.ts';

/** A loaded checkpoint: the learner, its feature options and its normalisation statistics. */
export interface Checkpoint {
  learner: OnlineLearner;
  /** Feature options, normalisation `running` (carry on from `stats`). */
  features: FeatureConfig;
  /** The training stream's statistics, to continue from or to normalise with as fixed statistics. */
  stats: RunningStats;
}

/**
 * Loads a checkpoint written by saveCheckpoint: the learner and the feature file model.json names
 * (version 2) or features.json beside it (version 1). A checkpoint with only a learner gets the
 * default feature options (with delta-deltas when the model takes 39 inputs) and empty statistics.
 * Everything is checked before it is returned, so a caller keeps its running model when this throws.
 *
 * @param dir checkpoint directory
 * @param overrides learner options to change on load (e.g. `{ trainable: false }`, `lr`)
 * @throws InputError naming the file: model.json or the weights (see readLearnerCheckpoint), or the
 *   feature file when unreadable, inconsistent with the model, or holding non-finite or negative statistics
 */
export async function loadCheckpoint(dir: string, overrides: Partial<LearnerConfig> = {}): Promise<Checkpoint> {
  const { learner, formatVersion, featuresFile, jsonPath } = await readLearnerCheckpoint(dir, overrides);
  try {
    const name = formatVersion === 1 ? FEATURES_FILE : featuresFile;
    const path = join(dir, name ?? FEATURES_FILE);
    const text = name === undefined ? undefined : await readFeatures(path, formatVersion === 1, jsonPath);
    if (text === undefined) return { learner, ...defaultFeatures(learner.config.inputSize, path) };
    return { learner, ...parseFeatures(text, learner.config.inputSize, path) };
  } catch (err) {
    learner.dispose();
    throw err;
  }
}

/** The feature file's text; undefined when a version-1 checkpoint has none (it is optional there). */
async function readFeatures(path: string, optional: boolean, jsonPath: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && optional) return undefined;
    const named = optional ? '' : ` (named by ${jsonPath})`;
    throw new InputError(path, `cannot read the feature options and statistics${named} (${code ?? (err as Error).message})`);
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
