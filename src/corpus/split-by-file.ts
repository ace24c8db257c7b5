/**
 * Splits corpus items into training and held-out sets by file, deterministically: each id is
 * hashed with the seed, so an item's side does not change when other files are added or removed,
 * and the same seed gives the same split on every machine.
 *
 * @param items corpus items with an `id`
 * @param heldOutFraction fraction in [0, 1) to hold out; at least one item is held out when it is
 *   positive and there are two or more items
 * @param seed split seed
 *
 * ## Example
 * ```ts
 * const { train, heldOut } = splitByFile(listCorpus(root), 0.1, 1);
 * ```
 */
export function splitByFile<T extends { id: string }>(
  items: readonly T[],
  heldOutFraction: number,
  seed: number,
): { train: T[]; heldOut: T[] } {
  if (!(heldOutFraction >= 0 && heldOutFraction < 1)) {
    throw new RangeError(`heldOutFraction must be in [0, 1), got ${heldOutFraction}`);
  }
  const keyed = items.map((item) => ({ item, h: hashToUnit(`${seed}:${item.id}`) }));
  let heldOut = keyed.filter((k) => k.h < heldOutFraction);
  if (heldOutFraction > 0 && heldOut.length === 0 && items.length >= 2) {
    heldOut = [keyed.reduce((a, b) => (b.h < a.h ? b : a))];
  }
  const held = new Set(heldOut.map((k) => k.item));
  return { train: items.filter((i) => !held.has(i)), heldOut: items.filter((i) => held.has(i)) };
}

/** FNV-1a, 32 bits, mapped to [0, 1). Not cryptographic: only needs to spread ids evenly. */
function hashToUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche so ids differing only in the last character spread over [0, 1).
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return h / 2 ** 32;
}
