import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { saveLearner } from '../learner/save-learner.ts';

/** File beside model.json holding the feature options and the normalisation statistics. */
export const FEATURES_FILE = 'features.json';

/**
 * Saves what it takes to run a trained model on new audio: the learner (tfjs format, see
 * saveLearner) and `features.json`, the feature options with the training stream's normalisation
 * statistics, since a model only understands features normalised the way it was trained.
 *
 * @param dir checkpoint directory (created if missing)
 * @param learner the model and its optimiser state
 * @param features the feature options the model was trained with
 * @param stats the running normalisation statistics at the time of saving
 *
 * ## Example
 * ```ts
 * await saveCheckpoint('runs/ljspeech', learner, DEFAULT_FEATURE_CONFIG, stats);
 * ```
 */
export async function saveCheckpoint(
  dir: string,
  learner: OnlineLearner,
  features: FeatureConfig,
  stats: RunningStats,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { normalization: _ignored, ...options } = features;
  const json = JSON.stringify({ features: options, stats: stats.toJSON() }, null, 1);
  const tmp = join(dir, `${FEATURES_FILE}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeFile(tmp, json);
  await rename(tmp, join(dir, FEATURES_FILE));
  await saveLearner(learner, dir);
}
