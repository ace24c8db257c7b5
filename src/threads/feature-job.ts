import type { CorpusEntry } from '../corpus/corpus-entry.ts';
import type { LoadOptions } from '../corpus/load-utterance.ts';
import type { PreparedUtterance } from '../corpus/prepared-utterance.ts';
import type { FeatureConfig } from '../features/feature-config.ts';

/** Load options that can cross to a worker thread: everything but the warning callback. */
export type PortableLoadOptions = Omit<LoadOptions, 'onWarning'>;

/** Main thread → feature worker: prepare one corpus entry. */
export interface FeatureJob {
  job: number;
  entry: CorpusEntry;
  features: FeatureConfig;
  load: PortableLoadOptions;
}

/** An error as it crosses the thread boundary (structured clone keeps neither the class nor `source`). */
export interface PortableError {
  name: string;
  message: string;
  stack?: string;
  /** InputError's `source`. */
  source?: string;
}

/**
 * Feature worker → main thread: the prepared utterance (its features transferred, not copied), or
 * why not. `phase` says where it failed: a `load` InputError is a bad file, skipped as the
 * single-threaded corpus reader skips it; anything else fails the stream, as it would there.
 */
export type FeatureJobResult =
  | { job: number; ok: true; utterance: PreparedUtterance }
  | { job: number; ok: false; phase: 'load' | 'features'; error: PortableError };
