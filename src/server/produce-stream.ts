import { Observable, type Subscription } from 'rxjs';
import { WebSocket, type ClientOptions } from 'ws';
import type { ProtocolVersion, ServerMessage, StartMessage } from './messages.ts';

/** What a producer announces in `start` (the `type` is added). `learn` defaults to false, `channels` to 1. */
export type StartRequest = Omit<StartMessage, 'type' | 'learn' | 'channels'> & { learn?: boolean; channels?: number };

/**
 * A producer client of protocol v1 (or v2 with option `version: 2`: it then also emits `segments`), as an Observable: on subscription it connects to `url`,
 * sends `start`, and once `started` arrives sends every chunk of `pcm$` as a binary message;
 * when `pcm$` completes it sends `stop`. It emits every server message it receives (hello,
 * started, predictions, metrics, …) and completes after the `end` of its own stream, when every
 * frame has been predicted. Unsubscribing closes the socket.
 *
 * It errors when the start is refused (an `error` without a stream before `started`), when the server reports
 * that its stream failed (an `error` carrying its stream id), when the socket fails or closes
 * before the end, or when `pcm$` errors.
 *
 * @param url - the server's socket, e.g. `ws://127.0.0.1:8080/ws` (add `?token=` if needed).
 * @param start - sample rate (Hz), encoding, optional labels, learn, token.
 * @param pcm$ - little-endian PCM chunks in `start.encoding`; subscribed once the stream started.
 * @param options - `ws` client options (e.g. `origin`), and `version`: the protocol version to ask for
 *   (2: subprotocol `phonestream.v2`; default 1, no subprotocol).
 *
 * ## Example
 * ```ts
 * produceStream('ws://127.0.0.1:8080/ws', { sampleRate: 16000, encoding: 'int16' }, of(toInt16Pcm(samples)))
 *   .subscribe((m) => m.type === 'predictions' && console.log(m.frames.map((f) => f.label).join(' ')));
 * ```
 */
export function produceStream(
  url: string,
  start: StartRequest,
  pcm$: Observable<Uint8Array>,
  options: ClientOptions & { version?: ProtocolVersion } = {},
): Observable<ServerMessage> {
  return new Observable<ServerMessage>((subscriber) => {
    const { version = 1, ...wsOptions } = options;
    const ws = new WebSocket(url, version === 2 ? ['phonestream.v2'] : [], wsOptions);
    let stream: string | undefined;
    let sending: Subscription | undefined;
    let ended = false;

    ws.on('error', (err) => subscriber.error(err));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'start', ...start })));
    ws.on('close', (code) => {
      if (!ended) subscriber.error(new Error(`${url}: socket closed (code ${code}) before the end of stream ${stream ?? '(not started)'}`));
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // the protocol (v1 and v2) sends no binary to clients
      const message = JSON.parse(data.toString()) as ServerMessage;
      // Until `started`, this client is still a consumer and receives every stream's messages: only
      // an error about no stream is the answer to its start.
      if (message.type === 'error' && stream === undefined && message.stream === undefined) {
        subscriber.error(new Error(`${url}: start refused: ${message.message}`));
        return;
      }
      if (message.type === 'error' && message.stream !== undefined && message.stream === stream) {
        subscriber.error(new Error(`${url}: stream ${stream} failed: ${message.message}`));
        return;
      }
      subscriber.next(message);
      if (message.type === 'started' && stream === undefined) {
        stream = message.stream;
        sending = pcm$.subscribe({
          next: (bytes) => {
            if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
          },
          error: (err) => subscriber.error(err),
          complete: () => {
            if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'stop' }));
          },
        });
      }
      if (message.type === 'end' && message.stream === stream) {
        ended = true;
        subscriber.complete();
      }
    });

    return () => {
      ended = true; // a close we asked for is not an error
      sending?.unsubscribe();
      if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
    };
  });
}
