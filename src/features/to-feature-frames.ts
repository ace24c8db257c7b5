import { map, pipe, type OperatorFunction } from 'rxjs';
import { appendDeltas } from './append-deltas.ts';
import type { FeatureConfig } from './feature-config.ts';
import { frameBlocks } from './frame-blocks.ts';
import { normalizeFixed } from './normalize-fixed.ts';
import { normalizeRunning } from './normalize-running.ts';
import type { RunningStats } from './running-stats.ts';
import { toCepstra } from './to-cepstra.ts';
import { validateFeatureConfig } from './validate-feature-config.ts';

/** One feature vector of a stream: frame `index`, its start time `t` in seconds. */
export interface TimedFeatures {
  index: number;
  /** index × hop / sampleRate (index × 0.01 s by default). */
  t: number;
  features: Float32Array;
}

/**
 * The whole feature pipeline: 16 kHz sample chunks of any size → one feature vector per 10 ms hop
 * (26 dims by default: c1..c12, log energy, their deltas; 39 with `deltaOrder: 2`), normalised as
 * configured. The output is identical however the input was chunked; it lags the input by the
 * delta look-ahead (Θ frames per delta order) and, with running normalisation, once by its warm-up.
 *
 * @param cfg feature options (validated here: a bad option throws ConfigError naming it)
 * @param options `runningStats` to share running-normalisation statistics between streams;
 *   `source` to name the stream in input errors
 *
 * ## Example
 * ```ts
 * from([audio.samples]).pipe(toFeatureFrames(DEFAULT_FEATURE_CONFIG))
 *   .subscribe(({ t, features }) => console.log(t, features.length)); // 0 26, 0.01 26, …
 * ```
 */
export function toFeatureFrames(
  cfg: FeatureConfig,
  options: { runningStats?: RunningStats; source?: string } = {},
): OperatorFunction<Float32Array, TimedFeatures> {
  validateFeatureConfig(cfg);
  const statics = cfg.numCepstra + 1;
  const deltas: OperatorFunction<Float32Array, Float32Array> =
    cfg.deltaOrder === 2
      ? pipe(appendDeltas(cfg.deltaWindow, 0, statics), appendDeltas(cfg.deltaWindow, statics, 2 * statics))
      : appendDeltas(cfg.deltaWindow, 0, statics);
  const norm = cfg.normalization;
  const normalize: OperatorFunction<Float32Array, Float32Array> =
    norm.kind === 'running' ? normalizeRunning(norm.warmupFrames, options.runningStats) : norm.kind === 'fixed' ? normalizeFixed(norm.stats) : (v) => v;
  const { hopSize, sampleRate } = cfg;
  return pipe(
    frameBlocks(cfg, options.source),
    toCepstra(cfg),
    deltas,
    normalize,
    map((features, index) => ({ index, t: (index * hopSize) / sampleRate, features })),
  );
}
