import type { HelloMessage, MetricsMessage, PredictionsMessage, WireFrame } from '../server/messages.ts';
import type { PageEvent } from './page-event.ts';
import { parseReplayAbout } from './replay-about.ts';
import {
  CONNECTION_LOST,
  SERIES_LENGTH,
  STRIP_LENGTH,
  TIMELINE_LENGTH,
  type ConfusionState,
  type SocketRole,
  type StripSegment,
  type TimelineFrame,
  type ViewState,
} from './view-state.ts';

/**
 * The page's logic in one pure function: the next view state after an event. Never mutates
 * `state`; ignores malformed or unknown messages (a newer server must not break an older page).
 *
 * Which stream is shown: this page's microphone from `started` until its `end`; otherwise the
 * first stream whose predictions arrive (the corpus replay when the server trains while serving),
 * until that stream ends; an ended stream stays on screen until another stream's predictions come. Predictions of the microphone stream are taken from the producer
 * socket only (the consumer socket receives them too; taking both would count each frame twice).
 * The plots follow the first stream whose `metrics` carry a loss (the one the model trains on) or,
 * until one does, the first labelled stream whose metrics carry an accuracy (a replay predicted
 * only). The confusions are counted on the replay (`hello.replay.stream`), or else on the first
 * labelled stream seen, whatever is shown. When the consumer socket closes the page says so; the
 * notice goes when it opens again.
 *
 * @param state - the current view state.
 * @param event - what happened.
 * @returns the next view state (`state` itself when nothing changed).
 *
 * ## Example
 * ```ts
 * const s = reduceViewState(initialViewState(), {
 *   kind: 'message', socket: 'producer', message: { type: 'started', stream: 's1' },
 * });
 * s.shown; // 's1'
 * ```
 */
export function reduceViewState(state: ViewState, event: PageEvent): ViewState {
  switch (event.kind) {
    case 'socket': {
      const next = { ...state, sockets: { ...state.sockets, [event.socket]: event.status } };
      if (event.socket !== 'consumer') return next;
      if (event.status === 'closed' && state.sockets.consumer === 'open') return { ...next, notice: CONNECTION_LOST, noticeIsConnection: true };
      if (event.status === 'open' && state.noticeIsConnection) return { ...next, notice: undefined, noticeIsConnection: false };
      return next;
    }
    case 'mic': {
      if (event.notice !== undefined) return { ...state, mic: event.status, notice: event.notice, noticeIsConnection: event.connectionLost === true };
      const clear = event.status === 'starting';
      return { ...state, mic: event.status, notice: clear ? undefined : state.notice, noticeIsConnection: clear ? false : state.noticeIsConnection };
    }
    case 'message':
      return reduceMessage(state, event.socket, event.message as unknown as Record<string, unknown>);
  }
}

function reduceMessage(state: ViewState, socket: SocketRole, m: Record<string, unknown>): ViewState {
  switch (m.type) {
    case 'hello':
      return reduceHello(state, m as unknown as HelloMessage);
    case 'started':
      if (socket !== 'producer' || typeof m.stream !== 'string') return state;
      return { ...showStream(state, m.stream), ownStream: m.stream, ownStreams: [...state.ownStreams, m.stream].slice(-8) };
    case 'predictions':
      return reducePredictions(state, socket, m as unknown as PredictionsMessage);
    case 'metrics':
      return socket === 'consumer' ? reduceMetrics(state, m as unknown as MetricsMessage) : state;
    case 'end': {
      if (typeof m.stream !== 'string') return state;
      if (m.stream !== state.ownStream && m.stream !== state.shown) return state;
      const next = { ...state };
      if (m.stream === state.ownStream) next.ownStream = undefined;
      if (m.stream === state.shown) next.shownEnded = true;
      return next;
    }
    case 'dropped':
      return typeof m.count === 'number' ? { ...state, dropped: { ...state.dropped, [socket]: m.count } } : state;
    case 'error':
      // An error about another page's stream reaches every consumer; it is not this page's business.
      if (typeof m.message !== 'string') return state;
      if (typeof m.stream === 'string' && m.stream !== state.ownStream && m.stream !== state.shown) return state;
      return { ...state, notice: m.message, noticeIsConnection: false };
    default:
      return state;
  }
}

function reduceHello(state: ViewState, m: HelloMessage): ViewState {
  return {
    ...state,
    server: typeof m.server === 'string' ? m.server : state.server,
    protocol: typeof m.protocol === 'number' ? m.protocol : state.protocol,
    backend: typeof m.backend === 'string' ? m.backend : state.backend,
    phones: Array.isArray(m.phones) ? m.phones.filter((p): p is string => typeof p === 'string') : state.phones,
    replay: parseReplayAbout((m as unknown as Record<string, unknown>).replay),
  };
}

/** Switches the display to another stream: its strip and frame count start afresh. */
function showStream(state: ViewState, stream: string): ViewState {
  return { ...state, shown: stream, shownEnded: false, strip: [], frames: 0, current: undefined, timeline: [] };
}

function acceptsPredictions(state: ViewState, socket: SocketRole, stream: string): boolean {
  if (socket === 'producer') return stream === state.ownStream;
  // The consumer socket receives this page's own streams too, possibly after their `end` reached
  // the producer socket: never from there.
  if (state.ownStream !== undefined || state.ownStreams.includes(stream)) return false;
  return state.shown === undefined || state.shownEnded || state.shown === stream;
}

function reducePredictions(state: ViewState, socket: SocketRole, m: PredictionsMessage): ViewState {
  if (typeof m.stream !== 'string' || !Array.isArray(m.frames)) return state;
  const frames = m.frames.filter(isWireFrame);
  if (frames.length === 0) return state;
  state = countConfusions(state, socket, m.stream, frames);
  if (!acceptsPredictions(state, socket, m.stream)) return state;
  let next = state.shown === m.stream && !state.shownEnded ? state : showStream(state, m.stream);
  const strip = next.strip.slice();
  let key = next.nextKey;
  for (const f of frames) {
    const last = strip[strip.length - 1];
    const right = f.truth === undefined ? 0 : f.truth === f.label ? 1 : 0;
    if (last && last.label === f.label && f.i === last.lastI + 1) {
      const truths = f.truth === undefined ? last.truths : { ...last.truths, [f.truth]: (last.truths[f.truth] ?? 0) + 1 };
      const segment: StripSegment = {
        ...last,
        lastI: f.i,
        frames: last.frames + 1,
        pSum: last.pSum + f.p,
        truths,
        labelled: last.labelled + (f.truth === undefined ? 0 : 1),
        correct: last.correct + right,
      };
      const truth = majority(truths);
      if (truth === undefined) delete segment.truth;
      else segment.truth = truth;
      strip[strip.length - 1] = segment;
    } else {
      const segment: StripSegment = {
        key: key++,
        stream: m.stream,
        label: f.label,
        i: f.i,
        t: f.t,
        lastI: f.i,
        frames: 1,
        pSum: f.p,
        truths: f.truth === undefined ? {} : { [f.truth]: 1 },
        labelled: f.truth === undefined ? 0 : 1,
        correct: right,
      };
      if (f.truth !== undefined) segment.truth = f.truth;
      strip.push(segment);
    }
  }
  const timeline = next.timeline.slice(Math.max(0, next.timeline.length + frames.length - TIMELINE_LENGTH));
  frames.slice(-TIMELINE_LENGTH).forEach((w, k) => {
    const frame: TimelineFrame = {
      n: next.frames + frames.length - Math.min(frames.length, TIMELINE_LENGTH) + k,
      i: w.i,
      label: w.label,
      p: w.p,
      top: Array.isArray(w.top) ? w.top.filter(isRanked) : [],
    };
    if (w.truth !== undefined) frame.truth = w.truth;
    timeline.push(frame);
  });
  const f = frames[frames.length - 1];
  next = {
    ...next,
    timeline,
    strip: strip.length > STRIP_LENGTH ? strip.slice(strip.length - STRIP_LENGTH) : strip,
    nextKey: key,
    frames: next.frames + frames.length,
    current: {
      label: f.label,
      p: f.p,
      t: f.t,
      i: f.i,
      top: Array.isArray(f.top) ? f.top.filter(isRanked) : [],
      ...(f.truth === undefined ? {} : { truth: f.truth }),
    },
  };
  return next;
}

/** The key with the largest count, the first inserted on a tie; undefined for an empty record. */
function majority(counts: Record<string, number>): string | undefined {
  let best: string | undefined;
  for (const [key, n] of Object.entries(counts)) if (best === undefined || n > counts[best]) best = key;
  return best;
}

/**
 * Counts the labelled frames of the confusion stream: the replay when the server has one, else the
 * first labelled stream this page did not produce. From the consumer socket only (the producer's
 * copies would count twice).
 */
function countConfusions(state: ViewState, socket: SocketRole, stream: string, frames: readonly WireFrame[]): ViewState {
  if (socket !== 'consumer' || state.ownStreams.includes(stream)) return state;
  const current = state.confusion;
  const wanted = state.replay?.stream ?? current?.stream ?? stream;
  if (stream !== wanted) return state;
  const labelled = frames.filter((f) => f.truth !== undefined);
  if (labelled.length === 0) return state;
  const confusion: ConfusionState =
    current && current.stream === stream
      ? { ...current, counts: { ...current.counts } }
      : { stream, counts: {}, labelled: 0, correct: 0 };
  const copied = new Set<string>();
  for (const f of labelled) {
    const truth = f.truth!;
    if (!copied.has(truth)) {
      confusion.counts[truth] = { ...confusion.counts[truth] };
      copied.add(truth);
    }
    const row = confusion.counts[truth];
    row[f.label] = (row[f.label] ?? 0) + 1;
    confusion.labelled += 1;
    if (truth === f.label) confusion.correct += 1;
  }
  return { ...state, confusion };
}

function isWireFrame(f: unknown): f is WireFrame {
  const w = f as WireFrame;
  return (
    typeof w === 'object' &&
    w !== null &&
    typeof w.i === 'number' &&
    typeof w.t === 'number' &&
    typeof w.label === 'string' &&
    typeof w.p === 'number' &&
    (w.truth === undefined || typeof w.truth === 'string')
  );
}

function isRanked(entry: unknown): entry is [string, number] {
  return Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number';
}

/** Audio frames per second (10 ms hop): the plots' x is the stream's audio time. */
const FRAMES_PER_SECOND = 100;

function reduceMetrics(state: ViewState, m: MetricsMessage): ViewState {
  if (typeof m.stream !== 'string') return state;
  const trains = typeof m.loss === 'number';
  if (!trains && typeof m.accuracy !== 'number') return state;
  const frames = typeof m.frames === 'number' ? m.frames : 0;
  // A training stream takes the plots over from one predicted only; otherwise the first stays.
  const old = state.training;
  const training = old && old.stream === m.stream ? old : undefined;
  if (old && !training && !(trains && !old.trains)) return state;
  // A stream's frames start again on each pass (and after a server restart): the time axis goes on.
  const secondsBefore = training ? training.secondsBefore + (frames < training.frames ? training.frames / FRAMES_PER_SECOND : 0) : 0;
  return {
    ...state,
    training: {
      stream: m.stream,
      trains: trains || (training?.trains ?? false),
      frames,
      secondsBefore,
      seconds: appendBounded(training?.seconds ?? [], secondsBefore + frames / FRAMES_PER_SECOND),
      framesPerSecond: typeof m.framesPerSecond === 'number' ? m.framesPerSecond : 0,
      accuracy: appendBounded(training?.accuracy ?? [], typeof m.accuracy === 'number' ? m.accuracy : NaN),
      loss: appendBounded(training?.loss ?? [], trains ? (m.loss as number) : NaN),
      ...(typeof m.pass === 'number' && { pass: m.pass }),
    },
  };
}

function appendBounded(series: number[], value: number): number[] {
  const next = series.length >= SERIES_LENGTH ? series.slice(series.length - SERIES_LENGTH + 1) : series.slice();
  next.push(value);
  return next;
}
