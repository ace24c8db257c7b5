/**
 * The WebSocket wire format, protocol versions 1 and 2 (docs/protocol.md is the spec; keep both in
 * step). Pure: decoding, encoding and version negotiation are tested without sockets.
 */
import { InputError } from '../errors.ts';
import type { PhoneSegment } from '../labels/phone-segment.ts';
import type { LearnerEvent } from '../learner/learner-event.ts';

/** The newest protocol version; bump it on any incompatible change to this file. */
export const PROTOCOL_VERSION = 2;

/** Versions the server speaks; a client that asks for none gets version 1 (as before v2 existed). */
export type ProtocolVersion = 1 | 2;

/** WebSocket subprotocol (`Sec-WebSocket-Protocol`) of each version, by name. */
export const SUBPROTOCOLS: ReadonlyMap<string, ProtocolVersion> = new Map([
  ['phonestream.v1', 1],
  ['phonestream.v2', 2],
]);

/**
 * Picks the protocol version of a connection from the subprotocols its handshake offered.
 *
 * @param offered - the `Sec-WebSocket-Protocol` values, in the client's order.
 * @returns the newest version offered and its subprotocol name (to echo in the handshake);
 *   version 1 without a name when nothing was offered.
 * @throws InputError (source `handshake`) when subprotocols were offered but none is ours.
 *
 * ## Example
 * ```ts
 * negotiateProtocol(['phonestream.v2']); // { version: 2, subprotocol: 'phonestream.v2' }
 * negotiateProtocol([]); // { version: 1 }
 * ```
 */
export function negotiateProtocol(offered: Iterable<string>): { version: ProtocolVersion; subprotocol?: string } {
  const names = [...offered];
  let best: { version: ProtocolVersion; subprotocol?: string } | undefined;
  for (const name of names) {
    const version = SUBPROTOCOLS.get(name);
    if (version !== undefined && (best === undefined || version > best.version)) best = { version, subprotocol: name };
  }
  if (best !== undefined) return best;
  if (names.length === 0) return { version: 1 };
  throw new InputError(
    'handshake',
    `no supported subprotocol in Sec-WebSocket-Protocol ${preview(names.join(', '))}; this server speaks ${[...SUBPROTOCOLS.keys()].join(', ')}`,
  );
}

/* ---- client → server ---- */

/** PCM sample encodings a producer may send (little-endian; channels interleaved). */
export type PcmEncoding = 'int16' | 'float32';

export interface StartMessage {
  type: 'start';
  /** Hz of the PCM that follows, a whole number from 8000 to 192000. */
  sampleRate: number;
  encoding: PcmEncoding;
  /** Interleaved channels of the PCM, 1 to 8 (default 1); the server mixes them to mono. */
  channels: number;
  /** Phone segments in seconds from the start of the stream's audio. */
  labels?: PhoneSegment[];
  /** Train the shared model on this (labelled) stream. */
  learn: boolean;
  token?: string;
}

export interface StopMessage {
  type: 'stop';
}

export interface PingMessage {
  type: 'ping';
}

export type ClientMessage = StartMessage | StopMessage | PingMessage;

/* ---- server → client ---- */

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  server: string;
  /** The rest comes from the server's `hello` option (see docs/protocol.md). */
  backend?: string;
  phones?: string[];
  model?: Record<string, unknown>;
  features?: Record<string, unknown>;
  streams?: string[];
}

export interface StartedMessage {
  type: 'started';
  stream: string;
  /** v2: the channels the server reads the stream's PCM as (v1 clients do not get it). */
  channels?: number;
}

/** One predicted frame on the wire: short keys because there are 100 of them per second per stream. */
export interface WireFrame {
  i: number;
  t: number;
  label: string;
  p: number;
  top: [string, number][];
  truth?: string;
}

export interface PredictionsMessage {
  type: 'predictions';
  stream: string;
  frames: WireFrame[];
}

/** One phone segment on the wire (protocol v2): a run of frames with the same argmax phone. */
export interface WireSegment {
  phone: string;
  /** Seconds of the stream's audio (0.1 ms). */
  start: number;
  end: number;
  /** Mean probability of `phone` over the segment's frames (4 decimals). */
  p: number;
  /** false: it may still grow (it holds the latest frame); true: it never changes again. */
  final: boolean;
  /** Index of its first frame. */
  i: number;
  /** Its number of frames. */
  n: number;
}

/** v2: the segments made final since the last `segments` message of the stream, then the partial one. */
export interface SegmentsMessage {
  type: 'segments';
  stream: string;
  segments: WireSegment[];
}

export interface MetricsMessage {
  type: 'metrics';
  stream: string;
  frames: number;
  labelledFrames: number;
  chunkLoss: number | null;
  loss: number | null;
  /** Updates skipped or rolled back on this stream (non-finite loss, gradient or weights). */
  skippedUpdates: number;
  accuracy: number | null;
  /** The replay's pass (1: prequential; ≥ 2: on frames already learned from); absent on live streams. */
  pass?: number;
  framesPerSecond: number;
}

export interface UtteranceMessage {
  type: 'utterance';
  stream: string;
  id: string;
  frames: number;
}

export interface EndMessage {
  type: 'end';
  stream: string;
  frames: number;
  /** v2: the stream's final segments from its start, at most MAX_END_SEGMENTS (v1 clients do not get it). */
  segments?: WireSegment[];
  /** v2: more final segments came than `segments` holds. */
  truncated?: boolean;
}

export interface DroppedMessage {
  type: 'dropped';
  /** Messages dropped from this client's queue so far, in total. */
  count: number;
}

export interface ErrorMessage {
  type: 'error';
  message: string;
  /** The stream the error is about, when it concerns one (routes it like that stream's messages). */
  stream?: string;
}

export interface PongMessage {
  type: 'pong';
}

export type ServerMessage =
  | HelloMessage
  | StartedMessage
  | PredictionsMessage
  | SegmentsMessage
  | MetricsMessage
  | UtteranceMessage
  | EndMessage
  | DroppedMessage
  | ErrorMessage
  | PongMessage;

/* ---- decoding ---- */

const CLIENT_TYPES = ['start', 'stop', 'ping'] as const;
const MIN_SAMPLE_RATE = 8000;
const MAX_SAMPLE_RATE = 192000;
const MAX_CHANNELS = 8;

/**
 * Parses and validates one text message from a client.
 *
 * Unknown extra fields are ignored (so newer clients still work); missing or malformed known
 * fields throw.
 *
 * @param text - the text frame as received (UTF-8 decoded).
 * @returns the validated message; `channels` defaults to 1, `learn` to false.
 * @throws InputError naming the message type and field, e.g.
 *   `start: sampleRate must be a number from 8000 to 192000, got "abc"`.
 *
 * ## Example
 * ```ts
 * decodeClientMessage('{"type":"start","sampleRate":48000,"encoding":"float32"}');
 * // → { type: 'start', sampleRate: 48000, encoding: 'float32', channels: 1, learn: false }
 * ```
 */
export function decodeClientMessage(text: string): ClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError('message', `not valid JSON (${(err as Error).message}): ${preview(text)}`);
  }
  if (!isRecord(value)) {
    throw new InputError('message', `expected a JSON object with a "type", got ${preview(text)}`);
  }
  const type = value.type;
  switch (type) {
    case 'start':
      return decodeStart(value);
    case 'stop':
      return { type: 'stop' };
    case 'ping':
      return { type: 'ping' };
    default:
      throw new InputError(
        'message',
        `unknown type ${describe(type)}, expected one of ${CLIENT_TYPES.map((t) => `"${t}"`).join(', ')}`,
      );
  }
}

function decodeStart(m: Record<string, unknown>): StartMessage {
  const { sampleRate, encoding, channels, labels, learn, token } = m;
  if (typeof sampleRate === 'number' && Number.isFinite(sampleRate) && !Number.isInteger(sampleRate)) {
    throw new InputError('start', `sampleRate must be a whole number of Hz, got ${sampleRate}`);
  }
  if (
    typeof sampleRate !== 'number' ||
    !Number.isFinite(sampleRate) ||
    sampleRate < MIN_SAMPLE_RATE ||
    sampleRate > MAX_SAMPLE_RATE
  ) {
    throw new InputError(
      'start',
      `sampleRate must be a number from ${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE}, got ${describe(sampleRate)}`,
    );
  }
  if (encoding !== 'int16' && encoding !== 'float32') {
    throw new InputError('start', `encoding must be "int16" or "float32", got ${describe(encoding)}`);
  }
  if (
    channels !== undefined &&
    (typeof channels !== 'number' || !Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS)
  ) {
    throw new InputError(
      'start',
      `channels must be a whole number from 1 to ${MAX_CHANNELS} (interleaved channels of the PCM), got ${describe(channels)}`,
    );
  }
  if (learn !== undefined && typeof learn !== 'boolean') {
    throw new InputError('start', `learn must be true or false, got ${describe(learn)}`);
  }
  if (token !== undefined && typeof token !== 'string') {
    throw new InputError('start', `token must be a string, got ${describe(token)}`);
  }
  if (learn === true && labels === undefined) {
    throw new InputError('start', 'learn is true but no labels were given; a stream can only train on labelled audio');
  }
  const message: StartMessage = { type: 'start', sampleRate, encoding, channels: channels ?? 1, learn: learn ?? false };
  if (labels !== undefined) message.labels = decodeLabels(labels);
  if (token !== undefined) message.token = token;
  return message;
}

function decodeLabels(labels: unknown): PhoneSegment[] {
  if (!Array.isArray(labels)) {
    throw new InputError('start', `labels must be an array of {start, end, phone}, got ${describe(labels)}`);
  }
  return labels.map((segment: unknown, k) => {
    const where = `labels[${k}]`;
    if (!isRecord(segment)) {
      throw new InputError('start', `${where} must be an object {start, end, phone}, got ${describe(segment)}`);
    }
    const { start, end, phone } = segment;
    if (typeof start !== 'number' || !Number.isFinite(start) || start < 0) {
      throw new InputError('start', `${where}.start must be a number of seconds ≥ 0, got ${describe(start)}`);
    }
    if (typeof end !== 'number' || !Number.isFinite(end) || end <= start) {
      throw new InputError(
        'start',
        `${where}.end must be a number of seconds greater than start (${start}), got ${describe(end)}`,
      );
    }
    if (typeof phone !== 'string' || phone.length === 0) {
      throw new InputError('start', `${where}.phone must be a non-empty string, got ${describe(phone)}`);
    }
    return { start, end, phone };
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as it appears in an error message: JSON, shortened; `undefined` reads "nothing". */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return preview(JSON.stringify(value) ?? String(value));
}

function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/* ---- encoding ---- */

/**
 * Serialises a learner event or a server message to one JSON text frame.
 *
 * Learner `predictions` frames become `{i, t, label, p, top, truth?}` (probabilities rounded to
 * 4 decimals and times to the millisecond: the wire carries 100 frames/s per stream, and more
 * digits are noise). A learner `end` carrying an utterance id becomes `utterance` (a replayed
 * corpus moved on); without one it becomes `end` (a stopped stream was flushed).
 *
 * @param ev - a LearnerEvent (`kind`) or an already-shaped ServerMessage (`type`).
 * @returns the JSON text.
 *
 * ## Example
 * ```ts
 * encodeServerMessage({ kind: 'end', stream: 's1', frames: 812 }); // '{"type":"end","stream":"s1","frames":812}'
 * ```
 */
export function encodeServerMessage(ev: LearnerEvent | ServerMessage): string {
  return JSON.stringify('kind' in ev ? toServerMessage(ev) : ev);
}

/**
 * Serialises a message for the clients of one protocol version: v2 gets every message as
 * {@link encodeServerMessage} has it; v1 gets no `segments` messages, and `end` and `started`
 * without their v2 fields, so a v1 client sees exactly what it saw before v2.
 *
 * @returns the JSON text, or undefined when clients of `version` do not get the message.
 *
 * ## Example
 * ```ts
 * encodeServerMessageFor({ type: 'end', stream: 's1', frames: 3, segments: [], truncated: false }, 1);
 * // '{"type":"end","stream":"s1","frames":3}'
 * ```
 */
export function encodeServerMessageFor(ev: LearnerEvent | ServerMessage, version: ProtocolVersion): string | undefined {
  if (version === 2 || 'kind' in ev) return encodeServerMessage(ev);
  const v1 = v1Only(ev);
  return v1 === undefined ? undefined : encodeServerMessage(v1);
}

/** Whether a message reads differently for v1 clients (or is not theirs). */
export function differsForV1(ev: LearnerEvent | ServerMessage): boolean {
  return !('kind' in ev) && v1Only(ev) !== ev;
}

/** The message as v1 has it (the same object when unchanged), or undefined if v1 has none. */
function v1Only(msg: ServerMessage): ServerMessage | undefined {
  switch (msg.type) {
    case 'segments':
      return undefined;
    case 'end':
      return msg.segments === undefined && msg.truncated === undefined
        ? msg
        : { type: 'end', stream: msg.stream, frames: msg.frames };
    case 'started':
      return msg.channels === undefined ? msg : { type: 'started', stream: msg.stream };
    default:
      return msg;
  }
}

/** Maps a LearnerEvent to its wire message. */
function toServerMessage(ev: LearnerEvent): ServerMessage {
  switch (ev.kind) {
    case 'predictions':
      return {
        type: 'predictions',
        stream: ev.stream,
        frames: ev.frames.map((f) => {
          const frame: WireFrame = {
            i: f.index,
            t: round(f.t, 3),
            label: f.label,
            p: round(f.p, 4),
            top: f.top.map(([label, p]) => [label, round(p, 4)]),
          };
          if (f.truth !== undefined) frame.truth = f.truth;
          return frame;
        }),
      };
    case 'metrics':
      return {
        type: 'metrics',
        stream: ev.stream,
        frames: ev.frames,
        labelledFrames: ev.labelledFrames,
        chunkLoss: ev.chunkLoss,
        loss: ev.loss,
        skippedUpdates: ev.skippedUpdates,
        accuracy: ev.accuracy,
        ...(ev.pass !== undefined && { pass: ev.pass }),
        framesPerSecond: ev.framesPerSecond,
      };
    case 'end':
      return ev.utterance !== undefined
        ? { type: 'utterance', stream: ev.stream, id: ev.utterance, frames: ev.frames }
        : { type: 'end', stream: ev.stream, frames: ev.frames };
  }
}

function round(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
}
