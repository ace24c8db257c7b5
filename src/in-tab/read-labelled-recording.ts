import { decodeAudioFile } from '../audio/decode-audio.ts';
import { resampleTo16k } from '../audio/resample-to-16k.ts';
import type { Utterance } from '../corpus/utterance.ts';
import { InputError } from '../errors.ts';
import { assertAtLeastOneFrame } from '../features/assert-at-least-one-frame.ts';
import { assertPhonesInSet } from '../labels/assert-phones-in-set.ts';
import { fitSegmentsToDuration } from '../labels/fit-segments-to-duration.ts';
import { LABEL_EXTENSIONS, labelExtension, parseLabelBytes } from '../labels/parse-label-bytes.ts';

/** A file as a page has it after a drop or a file input: its name and its bytes. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** Audio files a dropped recording may be (what `decodeAudioFile` reads). */
export const RECORDING_EXTENSIONS = ['.wav', '.flac', '.mp3', '.sph'] as const;

/**
 * Picks the recording and its labels out of dropped files: exactly one audio file and one label
 * file, so two of either is an error rather than a guess.
 *
 * @throws InputError naming the files when there is not one of each
 */
export function pickRecordingFiles(files: readonly NamedBytes[]): { audio: NamedBytes; labels: NamedBytes } {
  const audio = files.filter((f) => (RECORDING_EXTENSIONS as readonly string[]).includes(labelExtension(f.name)));
  const labels = files.filter((f) => (LABEL_EXTENSIONS as readonly string[]).includes(labelExtension(f.name)));
  const names = files.map((f) => f.name).join(', ') || 'no files';
  if (audio.length !== 1 || labels.length !== 1) {
    throw new InputError(names, `expected one recording (${RECORDING_EXTENSIONS.join(', ')}) and one label file (.TextGrid, .lab or .PHN), got ${audio.length} and ${labels.length}`);
  }
  return { audio: audio[0], labels: labels[0] };
}

/**
 * A labelled recording as dropped on the page → an utterance to train on: the audio decoded and
 * resampled to 16 kHz, its labels parsed, fitted to the audio's duration and checked against the
 * model's phones, as the corpus reader does for files on disk (no `fs`: the bytes are given).
 *
 * @param files the dropped files (one recording, one label file, see pickRecordingFiles)
 * @param phones the model's phone set
 * @throws InputError naming the file: not one of each, undecodable audio, bad labels, phones the
 *   model does not know, a recording shorter than one frame
 *
 * ## Example
 * ```ts
 * const u = await readLabelledRecording([{ name: 'a.wav', bytes }, { name: 'a.TextGrid', bytes: tg }], learner.config.phones);
 * ```
 */
export async function readLabelledRecording(files: readonly NamedBytes[], phones: readonly string[]): Promise<Utterance> {
  const picked = pickRecordingFiles(files);
  const decoded = await decodeAudioFile(picked.audio.bytes, picked.audio.name);
  const audio = await resampleTo16k(decoded);
  assertAtLeastOneFrame(audio.samples.length, picked.audio.name);
  const raw = parseLabelBytes(picked.labels.bytes, picked.labels.name);
  const segments = fitSegmentsToDuration(raw, audio.samples.length / audio.sampleRate, picked.labels.name);
  assertPhonesInSet(segments, phones, picked.labels.name, "model's");
  const id = picked.audio.name.replace(/\.[^.]*$/, '');
  return { id, audioPath: picked.audio.name, labelPath: picked.labels.name, audio, segments };
}
