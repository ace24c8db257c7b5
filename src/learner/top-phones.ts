/**
 * The k most probable classes of a probability vector, best first, as `[label, p]` pairs.
 *
 * @param probs softmax output, one probability per phone.
 * @param phones the labels, in output order.
 * @param k how many to return (capped at the number of phones).
 *
 * ## Example
 * ```ts
 * topPhones(new Float32Array([0.1, 0.7, 0.2]), ['a', 'b', 'c'], 2); // [['b', 0.7], ['c', 0.2]] (float32)
 * ```
 */
export function topPhones(probs: Float32Array, phones: string[], k: number): [string, number][] {
  const n = Math.min(k, probs.length);
  const idx: number[] = [];
  // Insertion into a k-long sorted list: k is small (3–5), the phone set ~60.
  for (let j = 0; j < probs.length; j++) {
    const p = probs[j];
    if (idx.length === n && p <= probs[idx[n - 1]]) continue;
    let at = idx.length === n ? n - 1 : idx.length;
    while (at > 0 && probs[idx[at - 1]] < p) {
      idx[at] = idx[at - 1];
      at--;
    }
    idx[at] = j;
  }
  return idx.map((j) => [phones[j], probs[j]]);
}
