import { InputError } from '../errors.ts';
import type { PhoneSegment } from './phone-segment.ts';

/** A parsed segment with the line it came from, so errors can point at it. */
export interface LocatedSegment extends PhoneSegment {
  line: number;
}

/**
 * Checks that each segment ends no earlier than it starts and starts no earlier than the
 * previous one ended (gaps are allowed: uncovered frames are silence), then drops the line
 * numbers and zero-length segments (they cover no frame centre).
 *
 * @param segments in file order, times in seconds
 * @param file label file name for the error
 * @throws InputError with source `file:line` for negative, infinite, decreasing or overlapping times
 *
 * ## Example
 * ```ts
 * assertSegmentOrder([{ start: 0, end: 1, phone: 'a', line: 1 }, { start: 0.5, end: 2, phone: 'b', line: 2 }], 'x.lab');
 * // throws "x.lab:2: segment starts at 0.5 s, before the previous one ends (1 s); …"
 * ```
 */
export function assertSegmentOrder(segments: readonly LocatedSegment[], file: string): PhoneSegment[] {
  const out: PhoneSegment[] = [];
  let previousEnd = -Infinity;
  // Labels written with 3–7 decimals round at the last digit; 1 µs of overlap is not an overlap.
  const slack = 1e-6;
  for (const { start, end, phone, line } of segments) {
    if (!(start >= 0)) throw new InputError(`${file}:${line}`, `segment starts at ${start} s; times must be 0 or more`);
    // Number() turns a 400-digit offset or 1e999 into Infinity, which would pass every order check.
    if (!Number.isFinite(start) || !Number.isFinite(end)) {
      throw new InputError(`${file}:${line}`, `segment "${phone}" runs from ${start} s to ${end} s; times must be finite`);
    }
    if (end < start - slack) {
      throw new InputError(`${file}:${line}`, `decreasing times: segment "${phone}" ends at ${end} s, before it starts (${start} s)`);
    }
    if (start < previousEnd - slack) {
      throw new InputError(`${file}:${line}`, `overlapping times: segment "${phone}" starts at ${start} s, before the previous one ends (${previousEnd} s); segments must be in time order without overlap`);
    }
    previousEnd = Math.max(previousEnd, end);
    if (end > start) out.push({ start, end, phone });
  }
  return out;
}
