import type { FeatureConfig } from '../features/feature-config.ts';
import type { LstmShape } from '../learner/lstm-shape.ts';

/** What a serving model is, for comparing a new checkpoint against it. */
export interface ModelIdentity {
  shape: LstmShape;
  phones: readonly string[];
  features: FeatureConfig;
}

/**
 * Why a new model cannot replace the serving one between frames, or null when it can: the same
 * LSTM shape (the parameters are copied in place), the same phones in the same order (the output
 * indices mean the same phones: the page and clients keep their legends), and the same feature
 * options apart from normalisation (the streams' features are computed once per frame).
 */
export function modelMismatch(serving: ModelIdentity, next: ModelIdentity): string | null {
  for (const k of ['inputSize', 'hiddenSize', 'layers', 'outputSize'] as const) {
    if (serving.shape[k] !== next.shape[k]) return `shape.${k} is ${next.shape[k]}, the serving model's is ${serving.shape[k]}`;
  }
  const a = serving.phones.join(' ');
  const b = next.phones.join(' ');
  if (a !== b) {
    const extra = next.phones.filter((p) => !serving.phones.includes(p));
    const missing = serving.phones.filter((p) => !next.phones.includes(p));
    return `phones differ (${next.phones.length} vs the serving model's ${serving.phones.length}` +
      (extra.length > 0 ? `; new: ${extra.join(' ')}` : '') + (missing.length > 0 ? `; missing: ${missing.join(' ')}` : '') +
      (extra.length === 0 && missing.length === 0 ? '; same phones in another order' : '') + ')';
  }
  const { normalization: _a, ...fa } = serving.features;
  const { normalization: _b, ...fb } = next.features;
  for (const k of Object.keys({ ...fa, ...fb }) as (keyof typeof fa)[]) {
    if (JSON.stringify(fa[k]) !== JSON.stringify(fb[k])) return `features.${k} is ${JSON.stringify(fb[k])}, the serving model's is ${JSON.stringify(fa[k])}`;
  }
  return null;
}
