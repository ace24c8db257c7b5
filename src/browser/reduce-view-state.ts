import type { HelloMessage, MetricsMessage, PredictionsMessage, WireFrame } from '../server/messages.ts';
import type { PageEvent } from './page-event.ts';
import { SERIES_LENGTH, STRIP_LENGTH, type SocketRole, type StripSegment, type ViewState } from './view-state.ts';

/**
 * The page's logic in one pure function: the next view state after an event. Never mutates
 * `state`; ignores malformed or unknown messages (a newer server must not break an older page).
 *
 * Which stream is shown: this page's microphone from `started` until its `end`; otherwise the
 * first stream whose predictions arrive (the corpus replay when the server trains while serving),
 * until that stream ends; an ended stream stays on screen until another stream's predictions come. Predictions of the microphone stream are taken from the producer
 * socket only (the consumer socket receives them too; taking both would count each frame twice).
 * The plots follow the first stream whose `metrics` carry a loss: the one the model trains on.
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
    case 'socket':
      return { ...state, sockets: { ...state.sockets, [event.socket]: event.status } };
    case 'mic':
      return {
        ...state,
        mic: event.status,
        notice: event.notice ?? (event.status === 'starting' ? undefined : state.notice),
      };
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
      return { ...state, notice: m.message };
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
  };
}

/** Switches the display to another stream: its strip and frame count start afresh. */
function showStream(state: ViewState, stream: string): ViewState {
  return { ...state, shown: stream, shownEnded: false, strip: [], frames: 0, current: undefined };
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
  if (!acceptsPredictions(state, socket, m.stream)) return state;
  const frames = m.frames.filter(isWireFrame);
  if (frames.length === 0) return state;
  let next = state.shown === m.stream && !state.shownEnded ? state : showStream(state, m.stream);
  const strip = next.strip.slice();
  let key = next.nextKey;
  for (const f of frames) {
    const last = strip[strip.length - 1];
    const right = f.truth === undefined ? 0 : f.truth === f.label ? 1 : 0;
    if (last && last.label === f.label && f.i === last.lastI + 1) {
      strip[strip.length - 1] = {
        ...last,
        lastI: f.i,
        frames: last.frames + 1,
        pSum: last.pSum + f.p,
        labelled: last.labelled + (f.truth === undefined ? 0 : 1),
        correct: last.correct + right,
      };
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
        labelled: f.truth === undefined ? 0 : 1,
        correct: right,
      };
      if (f.truth !== undefined) segment.truth = f.truth;
      strip.push(segment);
    }
  }
  const f = frames[frames.length - 1];
  next = {
    ...next,
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

function reduceMetrics(state: ViewState, m: MetricsMessage): ViewState {
  if (typeof m.stream !== 'string' || typeof m.loss !== 'number') return state;
  const training = state.training;
  if (training && training.stream !== m.stream) return state;
  return {
    ...state,
    training: {
      stream: m.stream,
      frames: typeof m.frames === 'number' ? m.frames : (training?.frames ?? 0),
      framesPerSecond: typeof m.framesPerSecond === 'number' ? m.framesPerSecond : 0,
      accuracy: appendBounded(training?.accuracy ?? [], typeof m.accuracy === 'number' ? m.accuracy : NaN),
      loss: appendBounded(training?.loss ?? [], m.loss),
      ...(typeof m.pass === 'number' && { pass: m.pass }),
    },
  };
}

function appendBounded(series: number[], value: number): number[] {
  const next = series.length >= SERIES_LENGTH ? series.slice(series.length - SERIES_LENGTH + 1) : series.slice();
  next.push(value);
  return next;
}
