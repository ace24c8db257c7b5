import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError } from '../errors.ts';
import { normalizePhone } from './normalize-phone.ts';
import { parseLab } from './parse-lab.ts';
import { parseTextGrid } from './parse-text-grid.ts';
import { parseTimitPhn } from './parse-timit-phn.ts';
import type { PhoneSegment } from './phone-segment.ts';

/** File extensions readLabelFile understands, lowercase, in the order a corpus prefers them. */
export const LABEL_EXTENSIONS = ['.phn', '.textgrid', '.lab'] as const;

/**
 * Reads a label file, chosen by extension (case-insensitive): TIMIT `.PHN` (sample offsets at
 * 16 kHz), `.lab` (festival or HTK, see {@link parseLab}), Praat `.TextGrid` (tier `phones`).
 * Symbols are normalised with {@link normalizePhone} unless `normalize` is false.
 *
 * @param path the label file
 * @param options.normalize lowercase, strip stress digits, `sp`/empty → `sil` (default true)
 * @param options.tier TextGrid tier name (default `phones`)
 * @returns segments in seconds, in time order
 * @throws InputError naming the file (and line): unknown extension, unreadable, unparseable,
 *   no segments, infinite, decreasing or overlapping times
 *
 * ## Example
 * ```ts
 * const segs = await readLabelFile('fixtures/corpus/ljspeech/TextGrid/LJ001-0008.TextGrid');
 * ```
 */
export async function readLabelFile(
  path: string,
  options: { normalize?: boolean; tier?: string } = {},
): Promise<PhoneSegment[]> {
  const ext = extname(path).toLowerCase();
  if (!(LABEL_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError(path, `unknown label file type "${ext}"; expected .PHN, .lab or .TextGrid`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InputError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const text = decodeText(bytes);
  const raw =
    ext === '.phn' ? parseTimitPhn(text, path) : ext === '.lab' ? parseLab(text, path) : parseTextGrid(text, path, options.tier);
  // An aligner that failed, or a copy cut short, leaves an empty file: read as "no phones" it
  // would label the whole utterance silence.
  if (raw.length === 0) {
    throw new InputError(path, 'no phone segments (empty file or tier, or only zero-length segments); expected at least one');
  }
  if (options.normalize === false) return raw;
  return raw.map((s) => ({ ...s, phone: normalizePhone(s.phone) }));
}

/** UTF-8, or UTF-16 when a byte-order mark says so (Praat writes UTF-16 for non-ASCII text). */
function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes);
}
