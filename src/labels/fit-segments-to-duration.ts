import { InputError } from '../errors.ts';
import type { PhoneSegment } from './phone-segment.ts';

/** A non-fatal finding about an input file: shown to the user, the file is still used. */
export interface LabelWarning {
  file: string;
  message: string;
}

export interface FitOptions {
  /** Seconds of non-silence labels allowed past the end of the audio, clipped with a warning. Default 0.5. */
  maxOverrun?: number;
  /** Labels counted as silence (after normalisation). Default `sil`, `h#`, `pau`, `epi`, `brth`. */
  silence?: readonly string[];
  /** Called once per file whose labels were clipped by more than 1 ms. */
  onWarning?: (warning: LabelWarning) => void;
}

// Forced aligners round times to their own grid and to the original sample rate: every
// LJSpeech TextGrid here ends 1–31 µs after its 16 kHz audio. That is not worth a warning.
const SILENT_OVERRUN = 0.001;

/**
 * Makes labels end with the audio: segments starting at or after the end are dropped and the one
 * crossing it is clipped. Real aligner output runs past the end now and then (one LJSpeech
 * TextGrid has a 0.78 s `sil` interval that starts where its audio ends), so that is a warning,
 * not an error, when what is cut is silence or at most `maxOverrun` seconds of phones. More
 * speech than that past the end means the label file does not belong to this audio: an error.
 *
 * @param segments normalised segments in time order, seconds
 * @param duration the audio's length in seconds
 * @param file label file name for warnings and errors
 * @param options see {@link FitOptions}
 * @returns the segments, clipped (a new array; the input is untouched)
 * @throws InputError naming `file` when more than `maxOverrun` seconds of phones lie past the end
 *
 * ## Example
 * ```ts
 * fitSegmentsToDuration([{ start: 0, end: 1.2, phone: 'sil' }], 1.0, 'a.TextGrid', { onWarning: console.warn });
 * // [{ start: 0, end: 1, phone: 'sil' }], and one warning
 * ```
 */
export function fitSegmentsToDuration(
  segments: readonly PhoneSegment[],
  duration: number,
  file: string,
  options: FitOptions = {},
): PhoneSegment[] {
  const { maxOverrun = 0.5, silence = ['sil', 'h#', 'pau', 'epi', 'brth'], onWarning } = options;
  const last = segments[segments.length - 1];
  if (last === undefined || last.end <= duration) return segments.slice();
  const overrun = last.end - duration;
  let speechPast = 0;
  for (const s of segments) {
    if (s.end > duration && !silence.includes(s.phone)) speechPast += s.end - Math.max(s.start, duration);
  }
  const fmt = (x: number): string => x.toFixed(3);
  if (speechPast > maxOverrun) {
    throw new InputError(
      file,
      `labels run ${fmt(overrun)} s past the end of the audio (${fmt(duration)} s), ${fmt(speechPast)} s of it phones; at most ${maxOverrun} s of phones past the end is clipped (is this the right audio file?)`,
    );
  }
  const fitted = segments.filter((s) => s.start < duration).map((s) => (s.end > duration ? { ...s, end: duration } : s));
  if (overrun > SILENT_OVERRUN) {
    onWarning?.({
      file,
      message: `labels run ${fmt(overrun)} s past the end of the audio (${fmt(duration)} s); clipped to the audio (${fmt(speechPast)} s of phones cut)`,
    });
  }
  return fitted;
}
