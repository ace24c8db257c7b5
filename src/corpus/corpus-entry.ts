/** An audio file paired with its label file, not yet read. */
export interface CorpusEntry {
  /** The audio file's stem relative to the corpus root, `/`-separated, e.g. `ljspeech/wav/LJ001-0001`. */
  id: string;
  audioPath: string;
  labelPath: string;
}

/** A file the corpus reader skipped, and why. Print it as `${file}: ${message}`. */
export interface CorpusProblem {
  file: string;
  message: string;
}
