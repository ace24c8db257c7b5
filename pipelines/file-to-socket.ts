/**
 * Pipeline: one recorded file → a producer on a phonestream server, streamed like a microphone.
 * For demos and tests: the file is read as 16 kHz mono, cut into 20 ms messages of int16 PCM,
 * sent at real time (or as fast as the socket takes them), then `stop`; it resolves once the
 * server has predicted every frame (`end`).
 */
import { identity, lastValueFrom, map, range, tap, toArray, type Observable } from 'rxjs';
import {
  paceRealtime,
  produceStream,
  readAudioFile,
  toInt16Pcm,
  type EndMessage,
  type MetricsMessage,
  type PhoneSegment,
  type ServerMessage,
  type WireFrame,
} from '../src/index.ts';

export interface FileToSocketOptions {
  /** The server's socket, e.g. 'ws://127.0.0.1:8080/ws'. */
  url: string;
  /** WAV or SPHERE file; any rate and channel count (read as 16 kHz mono). */
  file: string;
  /** 'realtime': one message per `messageMs` of audio, as a microphone; 'max': as fast as possible. Default 'realtime'. */
  pace?: 'realtime' | 'max';
  /** Audio per binary message in ms. Default 20. */
  messageMs?: number;
  /** Phone segments of the file (seconds), sent in `start`. */
  labels?: PhoneSegment[];
  /** Ask the server to train on the labelled file. Default false. */
  learn?: boolean;
  /** The server's token, when it has one. */
  token?: string;
  /** Called with each server message as it arrives (e.g. to time it). */
  onMessage?: (message: ServerMessage) => void;
  /** Called just before each binary message is sent, with its byte length. */
  onSend?: (bytes: Uint8Array) => void;
}

export interface FileToSocketResult {
  /** Stream id the server gave. */
  stream: string;
  /** Samples sent (16 kHz). */
  samples: number;
  /** Every predicted frame, in arrival order. */
  frames: WireFrame[];
  metrics: MetricsMessage[];
  end: EndMessage;
}

/**
 * Streams one recorded file to a phonestream server as a producer and collects its predictions.
 *
 * @param options - see {@link FileToSocketOptions}.
 * @returns the predictions, metrics and `end` of the file's stream.
 *
 * ## Example
 * ```ts
 * const { frames, end } = await fileToSocket({ url: 'ws://127.0.0.1:8080/ws', file: 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav' });
 * console.log(end.frames, frames.map((f) => f.label).join(' '));
 * ```
 */
export async function fileToSocket(options: FileToSocketOptions): Promise<FileToSocketResult> {
  const { url, file, pace = 'realtime', messageMs = 20, labels, learn = false, token, onMessage, onSend } = options;
  const audio = await readAudioFile(file);
  const perMessage = Math.round((audio.sampleRate * messageMs) / 1000);

  const pcm$: Observable<Uint8Array> = range(0, Math.ceil(audio.samples.length / perMessage)).pipe(
    map((k) => toInt16Pcm(audio.samples.subarray(k * perMessage, (k + 1) * perMessage))),
    pace === 'realtime' ? paceRealtime(1000 / messageMs) : identity,
    tap((bytes) => onSend?.(bytes)),
  );

  const start = { sampleRate: audio.sampleRate, encoding: 'int16' as const, learn, ...(labels && { labels }), ...(token && { token }) };
  const messages = await lastValueFrom(produceStream(url, start, pcm$).pipe(tap((m) => onMessage?.(m)), toArray()));

  // produceStream completes right after its own `end`, so the last message is that end.
  const end = messages.at(-1) as EndMessage;
  const ofStream = messages.filter((m) => 'stream' in m && m.stream === end.stream);
  return {
    stream: end.stream,
    samples: audio.samples.length,
    frames: ofStream.flatMap((m) => (m.type === 'predictions' ? m.frames : [])),
    metrics: ofStream.filter((m): m is MetricsMessage => m.type === 'metrics'),
    end,
  };
}
