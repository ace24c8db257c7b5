import { createHash } from 'node:crypto';

/** One trainer's parameters for a round, and how much they count. */
export interface WeightedParams {
  /** The trainer's shard: contributions are summed in slot order. */
  slot: number;
  /** Training frames the trainer learned from since the previous round (0 once its shard is done). */
  weight: number;
  params: Float32Array;
}

/**
 * The averaging rule of distributed training: the frame-weighted mean of the trainers' parameters,
 * Σ wᵢ·pᵢ / Σ wᵢ, accumulated in float64 in slot order and rounded to float32 once at the end.
 * The fixed order and precision make it a pure function of its inputs, so every trainer (and the
 * coordinator) that receives the same contributions computes the bit-identical average, which
 * {@link paramsHash} checks. When every weight is 0 (all shards done, no frames since the last
 * round) the plain mean is taken: the trainers then hold the same parameters anyway.
 *
 * @throws RangeError naming the slot whose length or weight is wrong, or a repeated slot.
 */
export function averageParams(contributions: readonly WeightedParams[]): Float32Array {
  if (contributions.length === 0) throw new RangeError('averageParams: expected at least one contribution, got none');
  const sorted = [...contributions].sort((a, b) => a.slot - b.slot);
  const n = sorted[0]!.params.length;
  for (const [i, c] of sorted.entries()) {
    if (c.params.length !== n) throw new RangeError(`averageParams: slot ${c.slot} has ${c.params.length} parameters, expected ${n} (slot ${sorted[0]!.slot}'s)`);
    if (!(c.weight >= 0) || !Number.isFinite(c.weight)) throw new RangeError(`averageParams: slot ${c.slot} has weight ${c.weight}, expected a finite number ≥ 0`);
    if (i > 0 && sorted[i - 1]!.slot === c.slot) throw new RangeError(`averageParams: slot ${c.slot} contributed twice`);
  }
  const total = sorted.reduce((s, c) => s + c.weight, 0);
  const weights = total > 0 ? sorted.map((c) => c.weight) : sorted.map(() => 1);
  const sum = total > 0 ? total : sorted.length;
  const acc = new Float64Array(n);
  for (const [k, c] of sorted.entries()) {
    const w = weights[k]!;
    if (w === 0) continue;
    const p = c.params;
    for (let j = 0; j < n; j++) acc[j] += w * p[j]!;
  }
  const out = new Float32Array(n);
  for (let j = 0; j < n; j++) out[j] = acc[j]! / sum;
  return out;
}

/** How a round combines the trainers' parameters: see {@link combineParams}. */
export type CombineRule = 'mean' | 'sum';

/** The rules `--combine` accepts. */
export const COMBINE_RULES: readonly CombineRule[] = ['mean', 'sum'];

/**
 * The other rule: every trainer's update since the round's start is kept, base + Σ (pᵢ − base),
 * accumulated in float64 in slot order. With N trainers each taking M steps, the mean moves the
 * model as far as about M steps of one learner over N times the data; the sum moves it as far as
 * the N·M steps they took, as one learner over the same frames would (each trainer's steps were
 * taken from parameters at most M updates old). A finished trainer (weight 0) publishes the base,
 * so it adds nothing either way.
 *
 * @throws RangeError naming the slot whose length is wrong, or a repeated slot.
 */
export function sumOfUpdates(base: Float32Array, contributions: readonly WeightedParams[]): Float32Array {
  if (contributions.length === 0) throw new RangeError('sumOfUpdates: expected at least one contribution, got none');
  const sorted = [...contributions].sort((a, b) => a.slot - b.slot);
  const n = base.length;
  for (const [i, c] of sorted.entries()) {
    if (c.params.length !== n) throw new RangeError(`sumOfUpdates: slot ${c.slot} has ${c.params.length} parameters, expected ${n} (the round's base)`);
    if (i > 0 && sorted[i - 1]!.slot === c.slot) throw new RangeError(`sumOfUpdates: slot ${c.slot} contributed twice`);
  }
  const acc = Float64Array.from(base);
  for (const c of sorted) {
    const p = c.params;
    for (let j = 0; j < n; j++) acc[j] += p[j]! - base[j]!;
  }
  return Float32Array.from(acc);
}

/**
 * A round's new parameters under `rule`: `mean`, the frame-weighted mean ({@link averageParams});
 * `sum`, the round's base plus every trainer's update ({@link sumOfUpdates}). Both are pure
 * functions of their inputs, so every trainer and the coordinator get the same bits.
 */
export function combineParams(rule: CombineRule, base: Float32Array, contributions: readonly WeightedParams[]): Float32Array {
  return rule === 'sum' ? sumOfUpdates(base, contributions) : averageParams(contributions);
}

/** sha256 (hex) of the parameters' float32 bytes: equal hashes, bit-identical parameters. */
export function paramsHash(params: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).digest('hex');
}
