/**
 * What the page shows, as plain data: `reduceViewState` derives it from socket events and
 * server messages, and `renderView` draws it. Keeping it plain lets the page's logic be tested
 * in Node without a browser.
 */

/** Connection state of one WebSocket. `idle`: not opened (the producer socket before Start). */
export type SocketStatus = 'idle' | 'connecting' | 'open' | 'closed';

/**
 * The page opens two sockets: a `consumer` (sends nothing, receives every stream: the corpus
 * replay and the training metrics) and, while the microphone runs, a `producer` that streams the
 * microphone and receives its own stream's predictions.
 */
export type SocketRole = 'consumer' | 'producer';

/** Microphone state, as the Start/Stop button shows it. */
export type MicStatus = 'off' | 'starting' | 'on' | 'stopping' | 'error';

/** A run of consecutive frames with the same predicted phone: one item of the strip. */
export interface StripSegment {
  /** Increasing id, so the renderer can tell new segments from ones it has drawn. */
  key: number;
  stream: string;
  label: string;
  /** Index and start time (s) of the segment's first frame. */
  i: number;
  t: number;
  /** Index of the last frame, to tell whether the next frame continues the run. */
  lastI: number;
  frames: number;
  /** Sum of the frames' probabilities; the mean is `pSum / frames`. */
  pSum: number;
  /** The reference phone of the first frame, on labelled streams (the corpus replay). */
  truth?: string;
  /** Labelled frames in the run and how many of them were predicted right. */
  labelled: number;
  correct: number;
}

/** The training curves: running accuracy and loss from the `metrics` of the training stream. */
export interface TrainingSeries {
  stream: string;
  frames: number;
  accuracy: number[];
  loss: number[];
  framesPerSecond: number;
  /** The replay's pass the latest metrics belong to (absent: a live stream, never seen before). */
  pass?: number;
}

export interface ViewState {
  sockets: Record<SocketRole, SocketStatus>;
  mic: MicStatus;
  /** From `hello`. */
  server?: string;
  protocol?: number;
  backend?: string;
  phones: string[];
  /** The stream id of this page's microphone (from `started`) until its `end`. */
  ownStream?: string;
  /** Every stream this page has produced, latest last (at most 8): their copies on the consumer socket are ignored. */
  ownStreams: string[];
  /** The stream whose phones are on screen: the microphone while it runs, else the replay. */
  shown?: string;
  /** The shown stream has ended: its last phones stay until another stream's predictions come. */
  shownEnded: boolean;
  /** The latest predicted frame of the shown stream. */
  current?: { label: string; p: number; t: number; i: number; top: [string, number][]; truth?: string };
  /** Recent phone runs of the shown stream, oldest first, at most `STRIP_LENGTH`. */
  strip: StripSegment[];
  nextKey: number;
  /** Frames of the shown stream received since it was shown. */
  frames: number;
  training?: TrainingSeries;
  /** Messages the server dropped for this page, summed over both sockets. */
  dropped: Record<SocketRole, number>;
  /** The last problem to tell the user (a server `error`, a refused microphone). */
  notice?: string;
}

/** How many phone runs the strip keeps. */
export const STRIP_LENGTH = 40;
/** How many points each training plot keeps (the oldest are dropped). */
export const SERIES_LENGTH = 400;
