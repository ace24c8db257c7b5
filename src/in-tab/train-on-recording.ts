import { lastValueFrom, map, tap } from 'rxjs';
import type { Utterance } from '../corpus/utterance.ts';
import { ConfigError } from '../errors.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { RunningStats } from '../features/running-stats.ts';
import { utteranceToFrameEvents } from '../features/utterance-to-frame-events.ts';
import { learnOnline } from '../learner/learn-online.ts';
import type { LearnerEvent } from '../learner/learner-event.ts';
import type { OnlineLearner } from '../learner/online-learner.ts';

/** Options of {@link trainOnRecording}. */
export interface TrainOnRecordingOptions {
  /** Passes over the recording, 1 to 100 (default 3). */
  passes?: number;
  /** The stream id the events carry (default `recording`). */
  stream?: string;
  /** Every learner event of every pass (the page shows them as it shows a served stream); metrics carry `pass`. */
  onEvent?: (event: LearnerEvent) => void;
  /** After each pass: its number (1, 2, …) and its mean training loss. */
  onPass?: (pass: number, loss: number) => void;
  /** Awaited between passes (a page passes a short pause, so it can repaint). */
  between?: () => Promise<void>;
}

/**
 * Online learning over one labelled recording, `passes` times: each pass is a fresh stream of the
 * shared learner, trained with the learner's own options (the checkpoint's TBPTT k1/k2, optimiser,
 * learning rate), each frame predicted before it is learned from, on features normalised from a
 * fresh copy of `prior` (so every pass sees the same features and the losses compare). A pass's
 * loss is the stream's mean training loss at its end; it falls over the passes when the model
 * learns the recording.
 *
 * @param learner a trainable learner (the model the page predicts with: it learns in place)
 * @param utterance the recording at 16 kHz with its phone segments (readLabelledRecording)
 * @param features the checkpoint's feature options
 * @param prior the checkpoint's normalisation statistics
 * @returns the loss of each pass
 * @throws ConfigError when the learner is frozen, `passes` is out of range, or a pass trained nothing
 *
 * ## Example
 * ```ts
 * const losses = await trainOnRecording(learner, utterance, features, stats, { passes: 3 });
 * ```
 */
export async function trainOnRecording(
  learner: OnlineLearner,
  utterance: Utterance,
  features: FeatureConfig,
  prior: RunningStats,
  options: TrainOnRecordingOptions = {},
): Promise<number[]> {
  const passes = options.passes ?? 3;
  if (!Number.isInteger(passes) || passes < 1 || passes > 100) {
    throw new ConfigError(`passes: expected an integer from 1 to 100, got ${JSON.stringify(passes)}`);
  }
  if (!learner.trainable) throw new ConfigError('trainOnRecording: the learner is frozen (trainable: false); load it trainable to learn in the tab');
  const id = options.stream ?? 'recording';
  const losses: number[] = [];
  for (let pass = 1; pass <= passes; pass++) {
    const stream = learner.openStream(id, { train: true });
    try {
      await lastValueFrom(
        utteranceToFrameEvents(utterance, features, { stream: id, runningStats: prior.clone() }).pipe(
          learnOnline(stream),
          map((e): LearnerEvent => (e.kind === 'metrics' ? { ...e, pass } : e)),
          tap((e) => options.onEvent?.(e)),
        ),
        { defaultValue: undefined },
      );
      const loss = stream.loss;
      if (loss === null || !Number.isFinite(loss)) {
        throw new ConfigError(`pass ${pass} over ${utterance.audioPath} trained on no frame (loss ${loss}); are its labels inside the recording?`);
      }
      losses.push(loss);
      options.onPass?.(pass, loss);
    } finally {
      stream.close();
    }
    if (pass < passes) await options.between?.();
  }
  return losses;
}
