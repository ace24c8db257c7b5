import { WebSocket } from 'ws';
import { encodeServerMessage } from './messages.ts';

/** Above this many bytes waiting in the socket, the client counts as behind and messages wait in the queue. */
const DEFAULT_BUFFER_BYTES = 64 * 1024;

/**
 * The bounded send queue of one WebSocket client: a slow client never slows the learner.
 *
 * `push` never blocks and never throws. Messages go to the socket while its `bufferedAmount` is
 * under `bufferBytes`; beyond that they wait in a queue of at most `limit` messages, and when the
 * queue is full the oldest is dropped and counted. Once the client catches up it is first told
 * `{"type":"dropped","count":total}`, then receives the rest in order. Drop-oldest because for a
 * live display the newest predictions are the ones worth showing.
 *
 * @param ws - the client's socket.
 * @param limit - queue length in messages (≥ 1).
 * @param bufferBytes - socket backlog in bytes above which the client counts as behind.
 *
 * ## Example
 * ```ts
 * const outbox = new ClientOutbox(ws, 256);
 * outbox.push(Buffer.from('{"type":"pong"}'));
 * ```
 */
export class ClientOutbox {
  private queue: Uint8Array[] = [];
  private dropped = 0;
  private reported = 0;
  private readonly onSent = (err?: Error): void => {
    // An error means the socket is going away; its 'close' handler clears us.
    if (!err) this.flush();
  };

  constructor(
    private readonly ws: WebSocket,
    private readonly limit: number,
    private readonly bufferBytes: number = DEFAULT_BUFFER_BYTES,
  ) {}

  /** Messages dropped so far. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Queues one UTF-8 encoded JSON text message and sends what the socket can take now. */
  push(message: Uint8Array): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.queue.length >= this.limit) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(message);
    this.flush();
  }

  /**
   * Sends everything still queued, whatever the socket's backlog (at most `limit` messages, so
   * memory stays bounded), then closes the socket with `code`: the close frame follows them, so
   * a client that reads gets every message before the close.
   */
  close(code: number, reason: string): void {
    const ws = this.ws;
    if (ws.readyState !== WebSocket.OPEN) return;
    if (this.dropped > this.reported) {
      this.reported = this.dropped;
      ws.send(Buffer.from(encodeServerMessage({ type: 'dropped', count: this.dropped })), { binary: false });
    }
    for (const message of this.queue.splice(0)) ws.send(message, { binary: false });
    ws.close(code, reason);
  }

  /** Forgets everything queued (the socket closed). */
  clear(): void {
    this.queue = [];
  }

  private flush(): void {
    const ws = this.ws;
    while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < this.bufferBytes) {
      let message: Uint8Array | undefined;
      if (this.dropped > this.reported) {
        this.reported = this.dropped;
        message = Buffer.from(encodeServerMessage({ type: 'dropped', count: this.dropped }));
      } else {
        message = this.queue.shift();
      }
      if (message === undefined) return;
      ws.send(message, { binary: false }, this.onSent);
    }
  }
}
