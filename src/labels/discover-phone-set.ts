import type { PhoneSegment } from './phone-segment.ts';

/**
 * The corpus's own phone set: every symbol used in any of the label lists, sorted and unique
 * (sorted by code unit, so the order, and thus the model's output indices, is the same everywhere).
 *
 * @param segmentLists the segments of each utterance
 * @returns sorted unique phone symbols
 *
 * ## Example
 * ```ts
 * discoverPhoneSet([[{ start: 0, end: 1, phone: 'b' }], [{ start: 0, end: 1, phone: 'a' }]]); // ['a', 'b']
 * ```
 */
export function discoverPhoneSet(segmentLists: Iterable<readonly PhoneSegment[]>): string[] {
  const seen = new Set<string>();
  for (const list of segmentLists) for (const s of list) seen.add(s.phone);
  return [...seen].sort();
}
