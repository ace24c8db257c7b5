import { InputError } from '../errors.ts';

/** The error for a corpus none of whose label files could be read (each was reported as skipped). */
export function noReadableLabels(corpus: string, files: number): InputError {
  return new InputError(corpus, `none of its ${files} label file(s) could be read (see the skipped files above)`);
}
