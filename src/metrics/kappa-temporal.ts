/**
 * Kappa-Temporal (Žliobaitė, Bifet, Read, Pfahringer & Holmes 2015, "Evaluation methods and
 * decision theory for classification of streaming data with temporal dependence", Machine
 * Learning 98; MOA's `Kappa Temporal Statistic`): accuracy measured against the no-change
 * classifier, which predicts each frame's label as the previous frame's TRUE label. On 10 ms
 * frames a phone lasts many frames, so that classifier is right most of the time and framewise
 * accuracy alone flatters any model; κ_per = (p_o − p_per)/(1 − p_per) is ≤ 0 for a model no
 * better than repeating the last label.
 *
 * How the frames are counted: "previous" means the previous frame given to the accumulator within
 * the same utterance (the scoring feeds labelled frames only, so an unlabelled gap — rare — joins
 * the frames either side). The first frame of an utterance has no previous label: the no-change
 * classifier has nothing to say there, and that frame counts as a no-change MISS while staying in
 * the denominator. So p_o and p_per are over the same frames (p_o is exactly the framewise
 * accuracy), p_per is at most 1 − utterances/frames (a slight, documented understatement of the
 * baseline — one frame per utterance, ~0.3% for 3 s utterances) and κ_per is defined for every
 * non-empty stream. MOA instead starts its last-seen class at class index 0, i.e. guesses the
 * first label arbitrarily; an utterance-initial guess would tie the figure to the label order.
 */
import { chanceAgreement } from './cohen-kappa.ts';
import { kappaFromAgreement } from './kappa-from-agreement.ts';

/**
 * Accuracy of the no-change classifier on reference label sequences, one per utterance: frame i
 * is a hit when its label equals frame i − 1's; each utterance's first frame is a miss.
 *
 * @returns p_per in [0, 1), or null when there are no frames.
 *
 * ## Example
 * ```ts
 * noChangeAccuracy([['sil', 'sil', 'aa', 'aa'], ['s']]); // 2 hits in 5 frames: 0.4
 * ```
 */
export function noChangeAccuracy(utterances: Iterable<readonly string[]>): number | null {
  let frames = 0;
  let hits = 0;
  for (const labels of utterances) {
    frames += labels.length;
    for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) hits += 1;
  }
  return frames === 0 ? null : hits / frames;
}

/**
 * κ_per from the classifier's accuracy and the no-change classifier's on the same frames.
 *
 * @returns κ_per ≤ 1, or null when either accuracy is null (no frames) or p_per = 1.
 *
 * ## Example
 * ```ts
 * kappaTemporal(0.9, 0.8); // 0.5: the model takes half the room the no-change classifier leaves
 * ```
 */
export function kappaTemporal(accuracy: number | null, noChange: number | null): number | null {
  return accuracy === null || noChange === null ? null : kappaFromAgreement(accuracy, noChange);
}

/** The agreement figures of a scored stream; each null before any frame (and kappa at p_e = 1). */
export interface AgreementSummary {
  frames: number;
  accuracy: number | null;
  noChangeAccuracy: number | null;
  kappa: number | null;
  kappaTemporal: number | null;
}

/**
 * Streaming accumulator of accuracy, Cohen's kappa, the no-change classifier's accuracy and
 * Kappa-Temporal, fed frame by frame in stream order: it keeps the label marginals (memory in
 * the number of labels) and the previous reference label, never the frames, and gives the same
 * figures as `cohenKappa`, `noChangeAccuracy` and `kappaTemporal` on the stored sequences.
 *
 * ## Example
 * ```ts
 * const a = new TemporalAgreement();
 * for (const [truth, predicted] of [['sil', 'sil'], ['sil', 'sil'], ['aa', 'sil'], ['aa', 'aa']]) a.add(truth, predicted);
 * a.endUtterance();
 * a.accuracy(); // 0.75
 * a.noChangeAccuracy(); // 0.5 (frames 2 and 4 repeat their predecessor; frame 1 has none)
 * a.kappaTemporal(); // 0.5
 * ```
 */
export class TemporalAgreement {
  private readonly truthMarginals = new Map<string, number>();
  private readonly predictedMarginals = new Map<string, number>();
  private total = 0;
  private correct = 0;
  private noChangeHits = 0;
  private utteranceCount = 0;
  /** The reference label of the previous frame of the current utterance; undefined at its start. */
  private previous: string | undefined;

  /** Scores one frame: its reference label and the classifier's. */
  add(truth: string, predicted: string): void {
    this.truthMarginals.set(truth, (this.truthMarginals.get(truth) ?? 0) + 1);
    this.predictedMarginals.set(predicted, (this.predictedMarginals.get(predicted) ?? 0) + 1);
    this.total += 1;
    if (truth === predicted) this.correct += 1;
    if (this.previous === truth) this.noChangeHits += 1;
    this.previous = truth;
  }

  /**
   * Ends the current utterance: the next frame is a first frame again (no previous label). Safe
   * to call at a boundary that had no frames; only utterances with frames are counted.
   */
  endUtterance(): void {
    if (this.previous !== undefined) this.utteranceCount += 1;
    this.previous = undefined;
  }

  /** Frames scored. */
  get frames(): number {
    return this.total;
  }

  /** Utterances ended that had at least one frame. */
  get utterances(): number {
    return this.utteranceCount;
  }

  /** Framewise accuracy p_o, or null before any frame. */
  accuracy(): number | null {
    return this.total === 0 ? null : this.correct / this.total;
  }

  /** p_per: accuracy of predicting the previous frame's reference label (first frames miss). */
  noChangeAccuracy(): number | null {
    return this.total === 0 ? null : this.noChangeHits / this.total;
  }

  /** Cohen's kappa of the frames so far (null: no frames, or one label throughout on both sides). */
  kappa(): number | null {
    const chance = chanceAgreement(this.truthMarginals, this.predictedMarginals, this.total);
    return chance === null ? null : kappaFromAgreement(this.correct / this.total, chance);
  }

  /** κ_per = (p_o − p_per)/(1 − p_per), or null before any frame. */
  kappaTemporal(): number | null {
    return kappaTemporal(this.accuracy(), this.noChangeAccuracy());
  }

  /** All the figures at once (plain data, for JSON). */
  summary(): AgreementSummary {
    return {
      frames: this.total,
      accuracy: this.accuracy(),
      noChangeAccuracy: this.noChangeAccuracy(),
      kappa: this.kappa(),
      kappaTemporal: this.kappaTemporal(),
    };
  }
}
