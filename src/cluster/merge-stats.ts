import { RunningStats, type RunningStatsSnapshot } from '../features/running-stats.ts';

/**
 * The normalisation statistics of several shards as one: Chan et al.'s pairwise combination of
 * count, mean and M2 (exact, as if every shard's frames had gone through one RunningStats), in the
 * order given. Each trainer normalised its own shard with its own running statistics; the final
 * checkpoint carries their union, what a one-process replay over all the frames would have had
 * up to the order of the frames.
 *
 * @throws RangeError when the snapshots' dimensions differ.
 */
export function mergeStats(snapshots: readonly RunningStatsSnapshot[]): RunningStats {
  if (snapshots.length === 0) throw new RangeError('mergeStats: expected at least one snapshot, got none');
  const dims = snapshots[0]!.dims;
  let count = 0;
  const mean = new Float64Array(dims);
  const m2 = new Float64Array(dims);
  for (const [i, s] of snapshots.entries()) {
    if (s.dims !== dims || s.mean.length !== dims || s.m2.length !== dims) throw new RangeError(`mergeStats: snapshot ${i} has ${s.dims} dims, expected ${dims}`);
    if (s.count === 0) continue;
    const n = count + s.count;
    for (let d = 0; d < dims; d++) {
      const delta = s.mean[d]! - mean[d]!;
      mean[d] += (delta * s.count) / n;
      m2[d] += s.m2[d]! + (delta * delta * count * s.count) / n;
    }
    count = n;
  }
  return RunningStats.fromSnapshot({ dims, count, mean, m2 });
}
