import type { ReplayAbout } from './replay-about.ts';

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
  /**
   * The run's reference phone on labelled streams (the corpus replay): the one most of its
   * labelled frames carry (the earliest on a tie). The tile is marked wrong exactly when it
   * differs from `label`, so the mark and the reference shown agree.
   */
  truth?: string;
  /** Labelled frames of the run per reference phone. */
  truths: Record<string, number>;
  /** Labelled frames in the run and how many of them were predicted right. */
  labelled: number;
  correct: number;
}

/**
 * The plotted curves: running accuracy and loss from the `metrics` of one stream, the one the
 * model trains on or, until one does, a labelled stream predicted only (the replay of a frozen
 * model: its loss is null, NaN in `loss`).
 */
export interface TrainingSeries {
  stream: string;
  /** Whether that stream trains the model (its metrics carry a loss). */
  trains: boolean;
  /** The stream's frames so far, as the server counts them (from the start of its pass). */
  frames: number;
  /** x of each point: seconds of that stream's audio since the page started plotting it (all passes). */
  seconds: number[];
  accuracy: number[];
  loss: number[];
  /** Seconds of audio of the passes before the current one (the offset of `seconds`). */
  secondsBefore: number;
  framesPerSecond: number;
  /** The replay's pass the latest metrics belong to (absent: a live stream, never seen before). */
  pass?: number;
}

/** One predicted frame of the shown stream, for the posteriorgram and the label tiers. */
export interface TimelineFrame {
  /** Position on the time axis: frames of the shown stream received since it was shown. */
  n: number;
  /** Frame index within its utterance (a drop means a new utterance began). */
  i: number;
  label: string;
  p: number;
  /** The most probable phones and their probabilities (what the server sends, top 3). */
  top: [string, number][];
  truth?: string;
}

/** Reference × predicted frame counts of a labelled stream (the replay), since the page opened. */
export interface ConfusionState {
  stream: string;
  /** counts[truth][predicted] = frames. */
  counts: Record<string, Record<string, number>>;
  labelled: number;
  correct: number;
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
  /** The last `TIMELINE_LENGTH` frames of the shown stream, oldest first. */
  timeline: TimelineFrame[];
  /** What the server said about its replay (`hello.replay`), if it replays a corpus. */
  replay?: ReplayAbout;
  /** The labelled stream whose confusions are counted: the replay (or the first labelled stream). */
  confusion?: ConfusionState;
  /** Messages the server dropped for this page, summed over both sockets. */
  dropped: Record<SocketRole, number>;
  /** The last problem to tell the user (a server `error`, a refused microphone). */
  notice?: string;
  /** The notice is about a lost connection: it goes when the consumer socket opens again. */
  noticeIsConnection: boolean;
}

/** How many phone runs the strip keeps. */
export const STRIP_LENGTH = 40;
/** How many points each training plot keeps (the oldest are dropped). */
export const SERIES_LENGTH = 400;
/** How many frames the posteriorgram and label tiers show: 5 s at 100 frames a second. */
export const TIMELINE_LENGTH = 500;
/** What the page says when the consumer socket closes. */
export const CONNECTION_LOST = 'The connection to the server was lost; reconnecting…';
