import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../checkpoint/load-checkpoint.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';
import { unpackCheckpoint } from './checkpoint-archive.ts';
import { LATEST_KEY } from './cluster-names.ts';
import type { Cluster } from './connect-cluster.ts';
import { modelMismatch } from './model-fits.ts';
import type { LatestModel } from './publish-model.ts';

export interface FollowLatestOptions {
  cluster: Cluster;
  /** The serving model: its parameters are replaced in place. */
  learner: OnlineLearner;
  features: FeatureConfig;
  /** After a model was swapped in: its announcement and its normalisation statistics. */
  onLoaded: (latest: LatestModel, stats: RunningStats) => void;
  /** A refused or unloadable model (the old one is kept), said loudly. */
  onRefused: (latest: LatestModel | null, reason: string) => void;
}

/**
 * Hot reload: watches the model bucket's `latest` (its current value first, then every change) and
 * for each announcement fetches the checkpoint object, checks its sha256, loads it (frozen) and, if
 * it fits the serving model (modelMismatch: shape, phone set, feature options), copies its
 * parameters into the serving learner with setParams. That is one synchronous copy on the event
 * loop, so it falls between two frames of every stream: a frame is predicted wholly by the old
 * weights or wholly by the new ones. Anything wrong is refused loudly and the old model kept.
 * Announcements are handled one at a time, in order.
 */
export async function followLatestModel(o: FollowLatestOptions): Promise<{ stop(): void }> {
  const watch = await o.cluster.model.watch({ key: LATEST_KEY });
  void (async () => {
    for await (const e of watch) {
      if (e.operation !== 'PUT') continue;
      let latest: LatestModel | null = null;
      try {
        latest = JSON.parse(e.string()) as LatestModel;
        if (typeof latest?.name !== 'string' || typeof latest.sha256 !== 'string') throw new Error(`"${LATEST_KEY}" is ${e.string().slice(0, 200)}, expected {name, sha256, ...}`);
        await loadInto(o, latest);
      } catch (err) {
        o.onRefused(latest, (err as Error).message);
      }
    }
  })();
  return { stop: () => watch.stop() };
}

async function loadInto(o: FollowLatestOptions, latest: LatestModel): Promise<void> {
  const bytes = await o.cluster.checkpoints.getBlob(latest.name);
  if (bytes === null) throw new Error(`checkpoint object ${latest.name} is not in the object store`);
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== latest.sha256) throw new Error(`checkpoint object ${latest.name} has sha256 ${sha}, the announcement says ${latest.sha256}`);
  const dir = await mkdtemp(join(tmpdir(), 'phonestream-latest-'));
  try {
    await unpackCheckpoint(bytes, dir);
    const next = await loadCheckpoint(dir, { trainable: false });
    try {
      const why = modelMismatch(
        { shape: o.learner.shape, phones: o.learner.config.phones, features: o.features },
        { shape: next.learner.shape, phones: next.learner.config.phones, features: next.features },
      );
      if (why !== null) throw new Error(`model ${latest.name} refused: ${why}`);
      o.learner.setParams(next.learner.params);
      o.onLoaded(latest, next.stats);
    } finally {
      next.learner.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
