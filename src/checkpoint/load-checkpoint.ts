import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../features/feature-config.ts';
import { featureDims } from '../features/feature-dims.ts';
import { RunningStats } from '../features/running-stats.ts';
import { validateFeatureConfig } from '../features/validate-feature-config.ts';
import type { LearnerConfig } from '../learner/learner-config.ts';
import { loadLearner } from '../learner/load-learner.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
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
 * Loads a checkpoint written by saveCheckpoint. A directory with only a learner (no
 * features.json) gets the default feature options (with delta-deltas when the model takes 39
 * inputs) and empty statistics.
 *
 * @param dir checkpoint directory
 * @param overrides learner options to change on load (e.g. `{ trainable: false }`, `lr`)
 * @throws InputError naming the file when features.json is unreadable or inconsistent with the model
 */
export async function loadCheckpoint(dir: string, overrides: Partial<LearnerConfig> = {}): Promise<Checkpoint> {
  const learner = await loadLearner(dir, overrides);
  const path = join(dir, FEATURES_FILE);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new InputError(path, `cannot read (${(err as Error).message})`);
  }
  const base: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG };
  if (text === undefined) {
    // A model trained on 39-dim features must not be fed the default 26: pick the delta order
    // that matches its input layer, or say which file would have told us.
    const inputSize = learner.config.inputSize;
    const features = [base, { ...base, deltaOrder: 2 as const }].find((f) => featureDims(f) === inputSize);
    if (features === undefined) {
      learner.dispose();
      throw new InputError(path, `missing, and the model's ${inputSize} inputs match no default feature options (26 or 39 dims)`);
    }
    return { learner, features, stats: new RunningStats(inputSize) };
  }
  let json: { features?: Partial<FeatureConfig>; stats?: { dims: number; frames: number; mean: number[]; variance: number[] } };
  try {
    json = JSON.parse(text);
  } catch (err) {
    learner.dispose();
    throw new InputError(path, `not valid JSON (${(err as Error).message})`);
  }
  try {
    const features = validateFeatureConfig({ ...base, ...json.features, normalization: base.normalization });
    if (featureDims(features) !== learner.config.inputSize) {
      throw new InputError(path, `features: give ${featureDims(features)} dims, expected ${learner.config.inputSize} (the model's inputSize)`);
    }
    const stats = restoreStats(json.stats, learner.config.inputSize, path);
    return { learner, features, stats };
  } catch (err) {
    learner.dispose();
    throw err instanceof InputError ? err : new InputError(path, (err as Error).message);
  }
}

function restoreStats(
  s: { dims: number; frames: number; mean: number[]; variance: number[] } | undefined,
  dims: number,
  path: string,
): RunningStats {
  const stats = new RunningStats(dims);
  if (s === undefined) return stats;
  if (s.dims !== dims || s.mean?.length !== dims || s.variance?.length !== dims || !(s.frames >= 0)) {
    throw new InputError(path, `stats: expected ${dims} dims (the model's inputSize) with mean, variance and frames, got dims ${s.dims}`);
  }
  stats.restore(s.frames, s.mean, s.variance);
  return stats;
}
