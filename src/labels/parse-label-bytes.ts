import { InputError } from '../errors.ts';
import { normalizePhone } from './normalize-phone.ts';
import { parseLab } from './parse-lab.ts';
import { parseTextGrid } from './parse-text-grid.ts';
import { parseTimitPhn } from './parse-timit-phn.ts';
import type { PhoneSegment } from './phone-segment.ts';

/** File extensions the label readers understand, lowercase, in the order a corpus prefers them. */
export const LABEL_EXTENSIONS = ['.phn', '.textgrid', '.lab'] as const;

/** Options of {@link parseLabelBytes} and `readLabelFile`. */
export interface LabelParseOptions {
  /** lowercase, strip stress digits, `sp`/empty → `sil` (default true) */
  normalize?: boolean;
  /** TextGrid tier name (default `phones`) */
  tier?: string;
}

/** The lowercase extension of a file name (`.textgrid`), or '' without one; no `node:path`. */
export function labelExtension(name: string): string {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot).toLowerCase();
}

/**
 * Parses a label file's bytes, chosen by the extension of `name` (case-insensitive): TIMIT
 * `.PHN`, `.lab`, Praat `.TextGrid`. The file's reading is the caller's (`readLabelFile` on disk,
 * a dropped File in a browser), so this has no `fs`.
 *
 * @param bytes the file's contents: UTF-8, or UTF-16 with a byte-order mark
 * @param name the file name or path, for the extension and the messages
 * @returns segments in seconds, in time order
 * @throws InputError naming the file (and line): unknown extension, unparseable, no segments
 *
 * ## Example
 * ```ts
 * const segs = parseLabelBytes(new Uint8Array(await file.arrayBuffer()), file.name);
 * ```
 */
export function parseLabelBytes(bytes: Uint8Array, name: string, options: LabelParseOptions = {}): PhoneSegment[] {
  const ext = labelExtension(name);
  if (!(LABEL_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new InputError(name, `unknown label file type "${ext}"; expected .PHN, .lab or .TextGrid`);
  }
  const text = decodeText(bytes);
  const raw =
    ext === '.phn' ? parseTimitPhn(text, name) : ext === '.lab' ? parseLab(text, name) : parseTextGrid(text, name, options.tier);
  // An aligner that failed, or a copy cut short, leaves an empty file: read as "no phones" it
  // would label the whole utterance silence.
  if (raw.length === 0) {
    throw new InputError(name, 'no phone segments (empty file or tier, or only zero-length segments); expected at least one');
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
