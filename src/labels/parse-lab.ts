import { InputError } from '../errors.ts';
import { assertSegmentOrder, type LocatedSegment } from './assert-segment-order.ts';
import type { PhoneSegment } from './phone-segment.ts';

// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: in the latter a run of digits can be split between the two
// parts in n ways, so a failing match on a long digit run took quadratic time (minutes per line).
const NUMBER = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?`;
const FESTIVAL_LINE = new RegExp(`^(${NUMBER})\\s+\\S+\\s+(\\S+)`);
const TIMED_LINE = new RegExp(`^(${NUMBER})\\s+(${NUMBER})\\s+(\\S+)`);
// HTK times count 100 ns units: 10^7 per second.
const HTK_UNITS_PER_SECOND = 1e7;

/**
 * Parses a `.lab` label file in either of its two common forms, told apart by content:
 * - festival (as CMU ARCTIC ships): header lines, then a line `#`, then `end_time colour phone`
 *   lines with times in seconds; each segment starts where the previous one ended (the first at 0);
 * - HTK: `start end phone [score …]` lines. All-integer times are HTK's 100 ns units; times with
 *   a decimal point are taken as seconds (the variant MFA and Audacity-style tools write).
 * Symbols are returned as written.
 *
 * @param text the file's contents
 * @param file file name for errors
 * @returns segments in seconds
 * @throws InputError with source `file:line` for an unparseable line, decreasing or overlapping times
 *
 * ## Example
 * ```ts
 * parseLab('separator ;\nnfields 1\n#\n 0.115 125 pau\n 0.265 125 ao\n', 'a.lab');
 * // [{start: 0, end: 0.115, phone: 'pau'}, {start: 0.115, end: 0.265, phone: 'ao'}]
 * ```
 */
export function parseLab(text: string, file: string): PhoneSegment[] {
  const lines = text.split(/\r?\n/);
  const hash = lines.findIndex((l) => l.trim() === '#');
  return assertSegmentOrder(hash >= 0 ? festivalSegments(lines, hash, file) : htkSegments(lines, file), file);
}

function festivalSegments(lines: string[], hash: number, file: string): LocatedSegment[] {
  const segments: LocatedSegment[] = [];
  let start = 0;
  for (let i = hash + 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const m = FESTIVAL_LINE.exec(line);
    if (!m) throw new InputError(`${file}:${i + 1}`, `expected festival "end_time colour phone" (e.g. "0.115 125 pau"), got "${line}"`);
    const end = Number(m[1]);
    segments.push({ start, end, phone: m[2].replace(/;.*$/, ''), line: i + 1 });
    start = end;
  }
  return segments;
}

function htkSegments(lines: string[], file: string): LocatedSegment[] {
  const parsed: { a: string; b: string; phone: string; line: number }[] = [];
  lines.forEach((raw, i) => {
    const line = raw.trim();
    // HTK master label files and multi-level labels: `.` ends a transcription, `///` separates alternatives.
    if (line === '' || line === '.' || line === '///') return;
    const m = TIMED_LINE.exec(line);
    if (!m) throw new InputError(`${file}:${i + 1}`, `expected "start end phone" (HTK, 100 ns units, or seconds), got "${line}"`);
    parsed.push({ a: m[1], b: m[2], phone: m[3], line: i + 1 });
  });
  const integers = parsed.every((p) => /^\d+$/.test(p.a) && /^\d+$/.test(p.b));
  // Dividing (not multiplying by 1e-7) gives the nearest double: 250000 / 1e7 is exactly 0.025.
  const per = integers ? HTK_UNITS_PER_SECOND : 1;
  return parsed.map((p) => ({ start: Number(p.a) / per, end: Number(p.b) / per, phone: p.phone, line: p.line }));
}
