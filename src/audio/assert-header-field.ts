import { InputError } from '../errors.ts';

/** An inclusive range a header field must lie in; `unit` is appended to the message. */
export interface FieldRange {
  min: number;
  max: number;
  unit?: string;
}

/**
 * What a WAV or SPHERE header may declare. Checked before anything is allocated or resampled,
 * so a corrupt field is named in an error instead of reaching libsamplerate or a typed array.
 */
export const HEADER_LIMITS = {
  // The rates the live stream accepts too (from-pcm-chunks): libsamplerate-js refuses more than
  // 192 kHz, and below 8 kHz speech has lost most of its phone cues while upsampling a
  // corrupt 1 Hz rate would multiply the samples by 16000.
  sampleRate: { min: 8000, max: 192000, unit: 'Hz' },
  // Mic arrays and higher-order ambisonics stay within 64; far more is a corrupt field.
  channels: { min: 1, max: 256 },
} as const satisfies Record<string, FieldRange>;

/**
 * Refuses a header field outside its range (or not a whole number).
 *
 * @param source file name for the error
 * @param field the field as the format names it, e.g. `fmt sampleRate`, `SPHERE sample_rate`
 * @param value what the header says
 * @param range what is allowed
 * @throws InputError `"<source>: <field> is <value>: expected <min>..<max> <unit>"`
 *
 * ## Example
 * ```ts
 * assertHeaderField('x.wav', 'fmt sampleRate', 0, HEADER_LIMITS.sampleRate);
 * // throws "x.wav: fmt sampleRate is 0: expected 8000..192000 Hz"
 * ```
 */
export function assertHeaderField(source: string, field: string, value: number, range: FieldRange): void {
  if (Number.isInteger(value) && value >= range.min && value <= range.max) return;
  const unit = range.unit ? ` ${range.unit}` : '';
  throw new InputError(source, `${field} is ${value}: expected ${range.min}..${range.max}${unit}`);
}
