import type { PhoneSegment } from './phone-segment.ts';

/** Frame geometry in samples; the project's defaults are 16 kHz, 10 ms hop, 25 ms window. */
export interface FrameGeometry {
  /** Hz */
  sampleRate: number;
  /** samples between frame starts */
  hop: number;
  /** samples per frame */
  window: number;
}

const DEFAULT_GEOMETRY: FrameGeometry = { sampleRate: 16000, hop: 160, window: 400 };

/**
 * Labels each frame with the phone covering its centre: frame i spans samples
 * [hop·i, hop·i + window), its centre is sample hop·i + window/2 (160 i + 200 at 16 kHz).
 * A centre on a boundary belongs to the segment that starts there (intervals are [start, end)).
 * Frames whose centre no segment covers are `sil`.
 *
 * @param segments phone segments in seconds, sorted by start and not overlapping
 * @param frameCount number of frames, floor((N − window) / hop) + 1 for N samples
 * @param geometry sample rate (Hz), hop and window (samples); default 16000, 160, 400
 * @returns one phone per frame
 *
 * ## Example
 * ```ts
 * labelFrames([{ start: 0, end: 0.02, phone: 'hh' }, { start: 0.02, end: 0.1, phone: 'ay' }], 3);
 * // centres at 12.5, 22.5, 32.5 ms → ['hh', 'ay', 'ay']
 * ```
 */
export function labelFrames(
  segments: readonly PhoneSegment[],
  frameCount: number,
  geometry: Partial<FrameGeometry> = {},
): string[] {
  const { sampleRate, hop, window } = { ...DEFAULT_GEOMETRY, ...geometry };
  const labels = new Array<string>(frameCount);
  let s = 0;
  for (let i = 0; i < frameCount; i++) {
    // Compare in samples: centres are whole samples, and rounding the boundary to 1e-4 sample
    // keeps 0.035 s × 16000 = 560.0000000000001 from missing a centre at 560.
    const centre = hop * i + window / 2;
    while (s < segments.length && toSamples(segments[s].end, sampleRate) <= centre) s++;
    const seg = segments[s];
    labels[i] = seg !== undefined && toSamples(seg.start, sampleRate) <= centre ? seg.phone : 'sil';
  }
  return labels;
}

function toSamples(seconds: number, sampleRate: number): number {
  return Math.round(seconds * sampleRate * 1e4) / 1e4;
}
