import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveCheckpoint } from '../checkpoint/save-checkpoint.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import { featureDims } from '../features/feature-dims.ts';
import type { RunningStats } from '../features/running-stats.ts';
import type { LstmShape } from '../learner/lstm-shape.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { packCheckpoint } from './checkpoint-archive.ts';
import { LATEST_KEY } from './cluster-names.ts';
import type { Cluster } from './connect-cluster.ts';

/** What the model bucket's `latest` key says: which checkpoint object to load, and what it is. */
export interface LatestModel {
  /** The object's name in the checkpoints store. */
  name: string;
  /** sha256 (hex) of the object's bytes (the packed checkpoint directory). */
  sha256: string;
  /** The training job and its last averaging round. */
  job: string;
  round: number;
  phones: string[];
  shape: LstmShape;
  /** Feature dimensions the model takes. */
  dims: number;
  /** paramsHash of the parameters. */
  paramsHash: string;
  frames: number;
  createdAt: string;
}

/**
 * Stores a checkpoint (saveCheckpoint's directory, packed) in the object store under `name`, then
 * points the model bucket's `latest` at it: in that order, so a worker that sees the new key finds
 * the object whole.
 */
export async function publishModel(
  cluster: Cluster,
  name: string,
  learner: OnlineLearner,
  features: FeatureConfig,
  stats: RunningStats,
  about: Pick<LatestModel, 'job' | 'round' | 'paramsHash' | 'frames'>,
): Promise<LatestModel> {
  const dir = await mkdtemp(join(tmpdir(), 'phonestream-publish-'));
  try {
    await saveCheckpoint(dir, learner, features, stats);
    const bytes = await packCheckpoint(dir);
    await cluster.checkpoints.putBlob({ name, description: `phonestream checkpoint of job ${about.job}` }, bytes);
    const latest: LatestModel = {
      name,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...about,
      phones: [...learner.config.phones],
      shape: { ...learner.shape },
      dims: featureDims(features),
      createdAt: new Date().toISOString(),
    };
    await cluster.model.put(LATEST_KEY, JSON.stringify(latest));
    return latest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
