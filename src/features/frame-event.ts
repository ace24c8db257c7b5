/**
 * The frame stream between the feature operators and the learner. Tensors never cross it:
 * features are plain Float32Arrays, so operators and the server are tested without tfjs.
 */
export interface FeatureFrame {
  kind: 'frame';
  /** Which stream (a corpus replay, one microphone) the frame belongs to. */
  stream: string;
  /** 0-based frame index within the current utterance. */
  index: number;
  /** Start time of the frame in seconds from the start of the utterance (index × hop). */
  t: number;
  features: Float32Array;
  /** The phone covering the frame's centre, when the stream is labelled. */
  label?: string;
}

/** End of an utterance (or of a live stream): the learner trains its partial chunk and resets state. */
export interface UtteranceEnd {
  kind: 'end';
  stream: string;
  /** Utterance id, when known (corpus replay). */
  utterance?: string;
  /** Number of frames the utterance had. */
  frames: number;
}

export type FrameEvent = FeatureFrame | UtteranceEnd;
