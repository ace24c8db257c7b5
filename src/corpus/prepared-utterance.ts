import type { LabelWarning } from '../labels/fit-segments-to-duration.ts';
import type { PhoneSegment } from '../labels/phone-segment.ts';

/**
 * A corpus utterance as a feature worker hands it back: its phone segments and its feature vectors
 * before normalisation (see `unnormalizedFeatures`), without the audio, which the learner never
 * needs. Normalisation is left to the main thread because running statistics carry across
 * utterances in corpus order.
 */
export interface PreparedUtterance {
  /** The file stem relative to the corpus root, as in `Utterance`. */
  id: string;
  audioPath: string;
  labelPath: string;
  segments: PhoneSegment[];
  /** Frame count of the audio, floor((N − 400) / 160) + 1 (the `end` event's `frames`). */
  frames: number;
  /** Unnormalised feature vectors, `featureDims(cfg)` values per row, row after row. */
  features: Float32Array;
  /** What loading it warned of (labels clipped, audio below 16 kHz), for the main thread to pass on. */
  warnings?: LabelWarning[];
}
