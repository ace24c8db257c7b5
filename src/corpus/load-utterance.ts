import type { ResamplerQuality } from '../audio/create-stream-resampler.ts';
import { readAudioFile } from '../audio/read-audio-file.ts';
import { assertAtLeastOneFrame } from '../features/assert-at-least-one-frame.ts';
import { assertPhonesInSet } from '../labels/assert-phones-in-set.ts';
import { fitSegmentsToDuration, type LabelWarning } from '../labels/fit-segments-to-duration.ts';
import { PHONE_SETS, type PhoneSetName } from '../labels/phone-sets.ts';
import { readLabelFile } from '../labels/read-label-file.ts';
import type { CorpusEntry } from './corpus-entry.ts';
import type { Utterance } from './utterance.ts';

/** Options for reading utterances; all optional. */
export interface LoadOptions {
  /** Refuse labels outside this set: a named set or a list of normalised symbols. Default: any symbol. */
  phoneSet?: PhoneSetName | readonly string[];
  /** Seconds of phones (not silence) past the end of the audio to clip with a warning; default 0.5. */
  maxOverrun?: number;
  /** Told when labels were clipped to the audio's end, and when the audio is below 16 kHz. */
  onWarning?: (warning: LabelWarning) => void;
  /** libsamplerate converter for audio not at 16 kHz; default `best`. */
  quality?: ResamplerQuality;
  /** TextGrid tier to read; default `phones`. */
  tier?: string;
}

/**
 * Reads one corpus entry: its audio as 16 kHz mono and its normalised phone segments, clipped to
 * the audio's end (see fitSegmentsToDuration) and checked against `phoneSet` if one is given.
 *
 * @param entry an entry from {@link listCorpus}
 * @param options see {@link LoadOptions}
 * @returns the utterance
 * @throws InputError naming the audio or label file for any bad input, and the audio file when
 *   it is shorter than one 25 ms frame (a corpus reader skips and reports it)
 *
 * ## Example
 * ```ts
 * const { entries } = await listCorpus('fixtures/corpus');
 * const utt = await loadUtterance(entries[0], { phoneSet: 'arpabet' });
 * ```
 */
export async function loadUtterance(entry: CorpusEntry, options: LoadOptions = {}): Promise<Utterance> {
  const [audio, rawSegments] = await Promise.all([
    readAudioFile(entry.audioPath, { quality: options.quality, onWarning: options.onWarning }),
    readLabelFile(entry.labelPath, { tier: options.tier }),
  ]);
  assertAtLeastOneFrame(audio.samples.length, entry.audioPath);
  const segments = fitSegmentsToDuration(rawSegments, audio.samples.length / audio.sampleRate, entry.labelPath, {
    maxOverrun: options.maxOverrun,
    onWarning: options.onWarning,
  });
  if (options.phoneSet !== undefined) {
    const named = typeof options.phoneSet === 'string';
    const set = named ? PHONE_SETS[options.phoneSet as PhoneSetName] : (options.phoneSet as readonly string[]);
    assertPhonesInSet(segments, set, entry.labelPath, named ? (options.phoneSet as string) : 'given');
  }
  return { id: entry.id, audioPath: entry.audioPath, labelPath: entry.labelPath, audio, segments };
}
