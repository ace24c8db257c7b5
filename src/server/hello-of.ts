import type { FeatureConfig } from '../features/feature-config.ts';
import { featureDims } from '../features/feature-dims.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';

/** The `hello` fields that describe the model and the features (docs/protocol.md). */
export function helloOf(learner: OnlineLearner, cfg: FeatureConfig): object {
  const c = learner.config;
  return {
    backend: learner.backend,
    phones: c.phones,
    model: {
      inputSize: c.inputSize,
      hiddenSize: c.hiddenSize,
      layers: c.layers,
      algorithm: c.algorithm,
      k1: c.k1,
      k2: c.k2,
      delay: c.delay,
      optimizer: c.optimizer,
      lr: c.lr,
      trainable: c.trainable,
    },
    features: {
      sampleRate: cfg.sampleRate,
      hopMs: (cfg.hopSize / cfg.sampleRate) * 1000,
      windowMs: (cfg.windowSize / cfg.sampleRate) * 1000,
      dims: featureDims(cfg),
    },
    streams: [],
  };
}
