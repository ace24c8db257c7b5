/** What {@link earlyStopping} decides after the epochs so far. */
export interface EarlyStoppingDecision {
  /** The epoch (1-based) of the best validation accuracy so far, the first of equals; 0 before any. */
  bestEpoch: number;
  /** Whether to stop now: `maxEpochs` reached, or `patience` epochs in a row without a new best. */
  stop: boolean;
  /** Why it stops (undefined while it goes on). */
  reason?: 'max-epochs' | 'patience';
}

/**
 * Early stopping on a validation score (higher is better), as both ceiling trainers (tfjs and the
 * PyTorch script, which mirrors it) apply it after every epoch: an epoch is a new best only if it
 * beats every earlier one strictly; training stops once `patience` epochs have passed since the
 * best one, or after `maxEpochs`. The weights to keep are those of `bestEpoch`. Pure.
 *
 * @param validation the validation score after each epoch so far, epoch 1 first
 * @param patience epochs without a new best before stopping (≥ 1)
 * @param maxEpochs epochs at most (≥ 1)
 *
 * ## Example
 * ```ts
 * earlyStopping([0.4, 0.5, 0.49, 0.48], 2, 20); // { bestEpoch: 2, stop: true, reason: 'patience' }
 * ```
 */
export function earlyStopping(validation: readonly number[], patience: number, maxEpochs: number): EarlyStoppingDecision {
  if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`earlyStopping: patience must be an integer ≥ 1, got ${patience}`);
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new RangeError(`earlyStopping: maxEpochs must be an integer ≥ 1, got ${maxEpochs}`);
  let bestEpoch = 0;
  let best = -Infinity;
  validation.forEach((v, i) => {
    if (Number.isNaN(v)) throw new RangeError(`earlyStopping: validation score of epoch ${i + 1} is NaN`);
    if (v > best) {
      best = v;
      bestEpoch = i + 1;
    }
  });
  if (validation.length >= maxEpochs) return { bestEpoch, stop: true, reason: 'max-epochs' };
  if (bestEpoch > 0 && validation.length - bestEpoch >= patience) return { bestEpoch, stop: true, reason: 'patience' };
  return { bestEpoch, stop: false };
}
