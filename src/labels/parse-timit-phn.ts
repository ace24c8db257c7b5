import { InputError } from '../errors.ts';
import { assertSegmentOrder, type LocatedSegment } from './assert-segment-order.ts';
import type { PhoneSegment } from './phone-segment.ts';

/**
 * Parses a TIMIT `.PHN` file: one `start end phone` line per segment, times as sample offsets.
 * Symbols are returned as written (see {@link normalizePhone}).
 *
 * @param text the file's contents
 * @param file file name for errors
 * @param sampleRate Hz the offsets count in, 16000 for TIMIT
 * @returns segments in seconds
 * @throws InputError with source `file:line` for a line that is not two integers and a symbol,
 *   or for decreasing or overlapping times
 *
 * ## Example
 * ```ts
 * parseTimitPhn('0 3050 h#\n3050 4559 sh\n', 'SA1.PHN'); // [{start: 0, end: 0.190625, phone: 'h#'}, …]
 * ```
 */
export function parseTimitPhn(text: string, file: string, sampleRate = 16000): PhoneSegment[] {
  const segments: LocatedSegment[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const m = /^(\d+)\s+(\d+)\s+(\S+)$/.exec(line);
    if (!m) throw new InputError(`${file}:${i + 1}`, `expected "start end phone" with sample offsets (e.g. "3050 4559 sh"), got "${line}"`);
    segments.push({ start: Number(m[1]) / sampleRate, end: Number(m[2]) / sampleRate, phone: m[3], line: i + 1 });
  });
  return assertSegmentOrder(segments, file);
}
