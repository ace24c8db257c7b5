/** Test helper: a real `ws` client that records every JSON message it receives. */
import { WebSocket, type ClientOptions } from 'ws';

// Messages are untyped JSON on purpose: tests check exactly what went over the wire.
export type Json = any;

export class CollectingClient {
  readonly messages: Json[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('error', () => {}); // a refused or reset connection shows up in `closed`
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.messages.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /**
   * Connects and resolves once open; rejects with the HTTP refusal ("Unexpected server response: 403").
   * `protocols`: the subprotocols to offer (e.g. ['phonestream.v2']); none by default (protocol v1).
   */
  static connect(url: string, options?: ClientOptions, protocols: string[] = []): Promise<CollectingClient> {
    const ws = new WebSocket(url, protocols, options);
    const client = new CollectingClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  send(message: object | Uint8Array): void {
    this.ws.send(message instanceof Uint8Array ? message : JSON.stringify(message));
  }

  ofType(type: string): Json[] {
    return this.messages.filter((m) => m.type === type);
  }

  /** Resolves when `condition` holds over the messages received so far (checked on each arrival). */
  async until<T>(condition: () => T | undefined | false, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = condition();
      if (result !== undefined && result !== false) return result;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.messages).slice(0, 800)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The first message of `type` (already received or arriving within the timeout). */
  next(type: string, timeoutMs?: number): Promise<Json> {
    return this.until(() => this.messages.find((m) => m.type === type), `a "${type}" message`, timeoutMs);
  }

  /** The close code and reason, failing (not hanging) if the socket is still open after `timeoutMs`. */
  closedWithin(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out waiting for the close; received: ${JSON.stringify(this.messages).slice(0, 800)}`)),
        timeoutMs,
      );
    });
    return Promise.race([this.closed, timeout]).finally(() => clearTimeout(timer));
  }

  close(): void {
    this.ws.terminate();
  }
}
