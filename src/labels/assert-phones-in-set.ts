import { InputError } from '../errors.ts';
import type { PhoneSegment } from './phone-segment.ts';

/**
 * Refuses a label file that uses a symbol outside the given phone set (after normalisation),
 * since the model has no output for it.
 *
 * @param segments normalised segments
 * @param phoneSet allowed symbols, e.g. `PHONE_SETS.arpabet` or a discovered set
 * @param file label file name for the error
 * @param setName name of the set for the message (e.g. `arpabet`)
 * @throws InputError naming `file`, the symbol, where it occurs, and the set
 *
 * ## Example
 * ```ts
 * assertPhonesInSet(segs, PHONE_SETS.arpabet, 'a.TextGrid', 'arpabet');
 * // throws "a.TextGrid: unknown phone "spn" at 1.230 s; not in the arpabet phone set (aa ae …)"
 * ```
 */
export function assertPhonesInSet(
  segments: readonly PhoneSegment[],
  phoneSet: readonly string[],
  file: string,
  setName = 'given',
): void {
  const allowed = new Set(phoneSet);
  for (const s of segments) {
    if (!allowed.has(s.phone)) {
      throw new InputError(
        file,
        `unknown phone "${s.phone}" at ${s.start.toFixed(3)} s; not in the ${setName} phone set (${phoneSet.join(' ')})`,
      );
    }
  }
}
