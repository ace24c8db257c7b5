import { randomUUID } from 'node:crypto';
import type { JetStreamClient } from '@nats-io/jetstream';

/**
 * Publishes to JetStream in order per key (a stream's messages must stay in order: a retried one
 * must not land after its successor), each message stored before the next of its key is sent, a
 * failed publish retried with the same message id (stored once) until `timeoutMs`. Keys are
 * independent: one slow stream does not hold up another. A message that cannot be stored in time
 * is reported to `onFailure` and the key goes on with the next.
 */
export class OrderedPublisher {
  private readonly chains = new Map<string, { tail: Promise<void>; pending: number }>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly onFailure: (subject: string, err: Error) => void,
    private readonly timeoutMs = 30_000,
  ) {}

  publish(key: string, subject: string, data: Uint8Array): void {
    const chain = this.chains.get(key) ?? { tail: Promise.resolve(), pending: 0 };
    chain.pending += 1;
    this.chains.set(key, chain);
    const msgID = randomUUID();
    chain.tail = chain.tail
      .then(() => this.store(subject, data, msgID))
      .catch((err: Error) => this.onFailure(subject, err))
      .finally(() => {
        // the last message of a key: forget it (the map holds only keys with messages in flight)
        if (--chain.pending === 0 && this.chains.get(key) === chain) this.chains.delete(key);
      });
  }

  /** Resolves once everything published so far is stored (or given up). */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()].map((c) => c.tail));
  }

  private async store(subject: string, data: Uint8Array, msgID: string): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    for (let wait = 50; ; wait = Math.min(1000, wait * 2)) {
      try {
        await this.js.publish(subject, data, { msgID });
        return;
      } catch (err) {
        if (Date.now() + wait > deadline) throw new Error(`${subject}: not stored in JetStream within ${this.timeoutMs} ms: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}
