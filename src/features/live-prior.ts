import { RunningStats } from './running-stats.ts';

/**
 * Frames' worth of weight the training statistics get as the starting point of each live stream's
 * running normalisation (every stream starts from its own copy): enough that a new microphone
 * needs no warm-up, little enough (5 s of speech) that the statistics soon follow that microphone
 * rather than the training corpus. The replay keeps its own statistics, so live audio never
 * shifts the training stream's, and no live stream shifts another's.
 */
const LIVE_PRIOR_FRAMES = 500;

/** A live stream's starting normalisation: the training statistics, weighted as LIVE_PRIOR_FRAMES frames at most. */
export function livePrior(stats: RunningStats): RunningStats {
  const prior = new RunningStats(stats.dims);
  if (stats.count > 0) {
    const { mean, variance } = stats.toJSON();
    prior.restore(Math.min(stats.count, LIVE_PRIOR_FRAMES), mean, variance);
  }
  return prior;
}

