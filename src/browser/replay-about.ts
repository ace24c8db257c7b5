/**
 * What the server says about its corpus replay in `hello.replay` (an optional field, see
 * docs/protocol.md, "hello.replay"), so the page can say exactly what the replay's accuracy is.
 */
export interface ReplayAbout {
  /** The stream id of the replay (`replay`). */
  stream: string;
  /** Utterances replayed per pass, and passes (null: looping until stopped). */
  utterances: number;
  epochs: number | null;
  /** Whether the replay trains the served model (`serve --train`); false: predicted only. */
  learns: boolean;
  /** Where the served model came from. */
  model: 'bundled' | 'loaded' | 'fresh';
  /**
   * Whether the served model was trained on the replayed utterances before serving: true for the
   * bundled checkpoint on fixtures/corpus, false for a fresh model, null when the server does not
   * know (a checkpoint given with --load).
   */
  trainedOnReplay: boolean | null;
  /** The model's held-out framewise accuracy from its training run's summary.json, if known. */
  heldOutAccuracy?: number;
}

/**
 * Reads `hello.replay`, ignoring it (undefined) if it is not the shape above, so a malformed or
 * newer field cannot break the page.
 *
 * ## Example
 * ```ts
 * parseReplayAbout({ stream: 'replay', utterances: 6, epochs: null, learns: false, model: 'bundled', trainedOnReplay: true });
 * ```
 */
export function parseReplayAbout(value: unknown): ReplayAbout | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.stream !== 'string' || typeof v.utterances !== 'number' || typeof v.learns !== 'boolean') return undefined;
  if (v.model !== 'bundled' && v.model !== 'loaded' && v.model !== 'fresh') return undefined;
  const about: ReplayAbout = {
    stream: v.stream,
    utterances: v.utterances,
    epochs: typeof v.epochs === 'number' ? v.epochs : null,
    learns: v.learns,
    model: v.model,
    trainedOnReplay: typeof v.trainedOnReplay === 'boolean' ? v.trainedOnReplay : null,
  };
  if (typeof v.heldOutAccuracy === 'number' && Number.isFinite(v.heldOutAccuracy)) about.heldOutAccuracy = v.heldOutAccuracy;
  return about;
}
