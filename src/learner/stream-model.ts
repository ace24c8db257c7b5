import type { ResolvedLearnerConfig } from './learner-config.ts';
import type { LstmShape } from './lstm-shape.ts';
import type { ParamLayout } from './param-layout.ts';

/** What an update reported. */
export interface UpdateResult {
  /** Global L2 norm of the gradient before clipping. */
  gradNorm: number;
  /** Whether clipping scaled the gradient down. */
  clipped: boolean;
  /**
   * True when nothing changed: the gradient was not finite (skipped before the optimiser), or the
   * step made a weight non-finite (rolled back to the weights before it).
   */
  skipped: boolean;
}

/**
 * The model a stream predicts with and trains: what {@link LearnerStream} and the trainers need of
 * an {@link OnlineLearner}, as an interface of its own so that neither depends on the class (the
 * learner makes streams; streams never make learners).
 */
export interface StreamModel {
  readonly config: ResolvedLearnerConfig;
  readonly shape: LstmShape;
  /** Where each weight matrix lies in `params`. @internal */
  readonly layout: ParamLayout;
  /** The parameters, updated in place by every update. */
  readonly params: Float32Array;
  /** Weight updates applied so far: streams tag their cached steps with it. */
  readonly version: number;
  /** Applies one gradient through the optimiser (clipping, non-finite checks). */
  applyGradient(grad: Float32Array): UpdateResult;
  /** Counts an update that was not made (a non-finite loss). */
  skipUpdate(gradNorm: number): UpdateResult;
}
