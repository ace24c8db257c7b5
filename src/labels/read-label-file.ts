import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { LABEL_EXTENSIONS, labelExtension, parseLabelBytes, type LabelParseOptions } from './parse-label-bytes.ts';
import type { PhoneSegment } from './phone-segment.ts';

export { LABEL_EXTENSIONS } from './parse-label-bytes.ts';

/**
 * Reads a label file, chosen by extension (case-insensitive): TIMIT `.PHN` (sample offsets at
 * 16 kHz), `.lab` (festival or HTK, see `parseLab`), Praat `.TextGrid` (tier `phones`).
 * Symbols are normalised with `normalizePhone` unless `normalize` is false. The parsing is
 * `parseLabelBytes`, which a browser uses on a dropped file.
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
export async function readLabelFile(path: string, options: LabelParseOptions = {}): Promise<PhoneSegment[]> {
  const ext = labelExtension(path);
  // Checked before reading, so a wrong file type is named as such even when it is unreadable.
  if (!(LABEL_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError(path, `unknown label file type "${ext}"; expected .PHN, .lab or .TextGrid`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InputError(path, `cannot read file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseLabelBytes(bytes, path, options);
}
