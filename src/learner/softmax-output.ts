/**
 * The output layer's last part, on logits holding W_out·h: adds the bias, then a softmax into
 * `probs` (max-shifted, exponentials summed in float64, one division each). The one copy of these
 * operations, so every forward path (one step, a batch of streams, a recomputed window) gives
 * the same bits.
 *
 * @param p the flat parameter vector.
 * @param outB the output bias's offset in `p`.
 * @param logits O floats: W_out·h on entry, the logits on return.
 * @param probs O floats, overwritten with the probabilities.
 * @param O the number of classes.
 * @param stats overwritten with [max, Σ exp(logit − max)] (float64), from which the loss is
 *   log(sum) − (logit − max) with the very sum the probabilities were divided by.
 *
 * ## Example
 * ```ts
 * softmaxOutput(p, off.outB, cache.logits, cache.probs, shape.outputSize, cache.softmax);
 * ```
 */
export function softmaxOutput(
  p: Float32Array, outB: number, logits: Float32Array, probs: Float32Array, O: number, stats: Float64Array,
): void {
  let max = -Infinity;
  for (let k = 0; k < O; k++) {
    logits[k] += p[outB + k];
    if (logits[k] > max) max = logits[k];
  }
  let sum = 0;
  for (let k = 0; k < O; k++) {
    const e = Math.exp(logits[k] - max);
    probs[k] = e;
    sum += e;
  }
  for (let k = 0; k < O; k++) probs[k] /= sum;
  stats[0] = max;
  stats[1] = sum;
}
