import { headers as natsHeaders } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { concatMap, Observable, Subject } from 'rxjs';
import type { ProducerStream } from '../server/prediction-server.ts';
import { audioSubject, HEADER_KIND, HEADER_SEQ } from './cluster-names.ts';
import type { StreamRecord } from './stream-record.ts';

export interface PublishStreamAudioOptions {
  js: JetStreamClient;
  streams: KV;
  gateway: string;
  partitions: number;
  /** How long one audio message may take to be stored, retries included (nats-server restarting). Default 30000 ms. */
  storeTimeoutMs?: number;
  /** Audio messages held while JetStream catches up (3000: a minute of 20 ms messages); beyond it the stream fails. */
  maxPendingMessages?: number;
}

/**
 * One producer's stream into JetStream: its record into the streams bucket (status live), then
 * each PCM message, in order, as `phonestream.audio.<partition>.<stream>` with a message id (so a
 * retried publish is stored once), then an end marker (`Phonestream-Kind: end`, or `fail` with the
 * reason when the producer was cut off) and the record set to ended. A message is acknowledged
 * (stored) before the next is sent, so the audio is in order and nothing acknowledged is lost. A
 * publish that fails (nats-server restarting) is retried with the same id until it is stored or
 * `storeTimeoutMs` has passed; then the returned Observable errors, naming the stream and message.
 *
 * The producer's PCM is subscribed at once (it is hot) and held, in order, while JetStream stores
 * what came before, up to `maxPendingMessages`.
 *
 * Emits each stored message's sequence number in the stream (for tests and logs); completes once
 * the end marker and the ended record are stored.
 */
export function publishStreamAudio(producer: ProducerStream, partition: number, o: PublishStreamAudioOptions): Observable<number> {
  const subject = audioSubject(partition, producer.id);
  const timeoutMs = o.storeTimeoutMs ?? 30_000;
  const { id, sampleRate, encoding, labels, learn, pcm$, ...rest } = producer;
  const record: StreamRecord = {
    id, partition, sampleRate, encoding, learn, gateway: o.gateway, status: 'live', startedAt: Date.now(),
    ...(labels !== undefined && { labels }),
    ...(Object.keys(rest).length > 0 && { extra: rest as Record<string, unknown> }),
  };
  let n = 0;
  const store = (kind: 'pcm' | 'end' | 'fail', payload: Uint8Array): Promise<number> => {
    const h = natsHeaders();
    h.set(HEADER_KIND, kind);
    const seq = n++;
    h.set(HEADER_SEQ, `${seq}`);
    return retry(`stream ${id}: audio message ${seq}`, timeoutMs, async () => (await o.js.publish(subject, payload, { msgID: `${id}:${seq}`, headers: h })).seq);
  };
  const putRecord = (status: StreamRecord['status']) =>
    retry(`stream ${id}: record`, timeoutMs, () => o.streams.put(id, JSON.stringify({ ...record, status })));
  const maxPending = o.maxPendingMessages ?? 3000;
  return new Observable<number>((subscriber) => {
    // pcm$ is hot (the socket's messages): it is subscribed at once, and concatMap holds what
    // arrives while the record, or an earlier message, is still being stored, so nothing sent
    // right after `started` is missed. What it holds is bounded: JetStream unreachable for long
    // fails the stream rather than filling memory.
    let pending = 0;
    type Item = { kind: 'record' } | { kind: 'pcm'; bytes: Uint8Array } | { kind: 'end' } | { kind: 'fail'; message: string };
    const items = new Subject<Item>();
    const storing = items
      .pipe(
        concatMap(async (item) => {
          try {
            if (item.kind === 'record') return void (await putRecord('live'));
            if (item.kind === 'pcm') return await store('pcm', item.bytes);
            const seq = await (item.kind === 'end' ? store('end', new Uint8Array(0)) : store('fail', new TextEncoder().encode(item.message)));
            await putRecord('ended');
            return seq;
          } finally {
            pending -= 1;
          }
        }),
      )
      .subscribe({
        next: (seq) => seq !== undefined && subscriber.next(seq),
        error: (err: Error) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    const push = (item: Item) => {
      pending += 1;
      items.next(item);
    };
    push({ kind: 'record' });
    const audio = pcm$.subscribe({
      next: (bytes) => {
        if (pending >= maxPending) {
          audio.unsubscribe();
          items.error(new Error(`stream ${id}: ${maxPending} audio messages are waiting to be stored in JetStream (maxPendingMessages); the stream is stopped`));
          return;
        }
        push({ kind: 'pcm', bytes });
      },
      // The producer was cut off (rate limit, …): the workers are told why.
      error: (err: Error) => {
        push({ kind: 'fail', message: err.message });
        items.complete();
      },
      complete: () => {
        push({ kind: 'end' });
        items.complete();
      },
    });
    return () => {
      audio.unsubscribe();
      storing.unsubscribe();
    };
  });
}

/** Calls `f` until it resolves, backing off from 50 ms to 1 s; after `timeoutMs` rejects with a StoreTimeout naming `what`. */
async function retry<T>(what: string, timeoutMs: number, f: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(1000, wait * 2)) {
    try {
      return await f();
    } catch (err) {
      if (Date.now() + wait > deadline) {
        const e = new Error(`${what} not stored in JetStream within ${timeoutMs} ms: ${(err as Error).message}`);
        e.name = 'StoreTimeout';
        throw e;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
