/** What the learner emits, per stream. Plain data: ready to be serialised to the WebSocket. */
export interface FramePrediction {
  /** Frame index within the utterance (already shifted back by the target delay). */
  index: number;
  /** Frame start time in seconds within the utterance. */
  t: number;
  /** Most probable phone. */
  label: string;
  /** Its probability. */
  p: number;
  /** The k most probable phones, best first. */
  top: [string, number][];
  /** The reference label, when the frame was labelled. */
  truth?: string;
}

export interface PredictionsEvent {
  kind: 'predictions';
  stream: string;
  frames: FramePrediction[];
}

export interface MetricsEvent {
  kind: 'metrics';
  stream: string;
  /** Frames seen so far on this stream. */
  frames: number;
  /** Labelled frames predicted so far (the denominator of accuracy). */
  labelledFrames: number;
  /** Mean cross-entropy of the chunk just trained (null when nothing was trained). */
  chunkLoss: number | null;
  /** Running mean training loss over the stream. */
  loss: number | null;
  /** Updates this stream skipped or rolled back so far (a non-finite loss, gradient or weights). */
  skippedUpdates: number;
  /**
   * Running accuracy of the stream: each frame predicted before its label was learned from. On
   * audio the model has not learned from before (pass 1 of a replay, a live stream) that is a
   * prequential score; in later passes of a replay (`pass` ≥ 2) the frames were already learned
   * from in an earlier pass, so it is a running training accuracy.
   */
  accuracy: number | null;
  /** Which pass over a replayed corpus this stream is (1, 2, …); absent for live streams. */
  pass?: number;
  framesPerSecond: number;
}

export interface StreamEndEvent {
  kind: 'end';
  stream: string;
  utterance?: string;
  /** Frames predicted for this utterance / stream. */
  frames: number;
}

export type LearnerEvent = PredictionsEvent | MetricsEvent | StreamEndEvent;
