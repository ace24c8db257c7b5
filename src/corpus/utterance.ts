import type { MonoAudio } from '../audio/mono-audio.ts';
import type { PhoneSegment } from '../labels/phone-segment.ts';

/** A corpus item: audio resampled to 16 kHz mono, with its (normalised) phone segments. */
export interface Utterance {
  /** The file stem relative to the corpus root, e.g. `ljspeech/wav/LJ001-0001`. */
  id: string;
  audioPath: string;
  labelPath: string;
  audio: MonoAudio;
  segments: PhoneSegment[];
}
