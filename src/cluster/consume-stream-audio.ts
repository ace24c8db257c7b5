import { DeliverPolicy, type JetStreamClient } from '@nats-io/jetstream';
import { Observable } from 'rxjs';
import { InputError } from '../errors.ts';
import { AUDIO_STREAM, audioSubject, HEADER_KIND } from './cluster-names.ts';

/**
 * One stream's audio, read back from JetStream from its first message: the PCM messages in the
 * order they were stored, completing at the end marker, erroring (an InputError with the gateway's
 * reason) at a fail marker. An ordered consumer: ephemeral, in order, and it recreates itself
 * across a nats-server restart from where it was. Unsubscribing stops it.
 *
 * This is how a worker that takes over a partition rebuilds a live stream's state exactly: it
 * runs the stream's pipeline again over the same audio.
 */
export function consumeStreamAudio(js: JetStreamClient, partition: number, stream: string): Observable<Uint8Array> {
  return new Observable<Uint8Array>((subscriber) => {
    let stopped = false;
    let stop: (() => void) | undefined;
    (async () => {
      // filter_subjects as one string: nats-server 2.9 knows a single filter subject only
      const consumer = await js.consumers.get(AUDIO_STREAM, { filter_subjects: audioSubject(partition, stream), deliver_policy: DeliverPolicy.All });
      const messages = await consumer.consume();
      stop = () => void messages.stop();
      if (stopped) return stop();
      for await (const m of messages) {
        const kind = m.headers?.get(HEADER_KIND) ?? 'pcm';
        if (kind === 'pcm') {
          subscriber.next(m.data);
        } else {
          messages.stop();
          if (kind === 'end') subscriber.complete();
          else subscriber.error(new InputError(`stream ${stream}`, new TextDecoder().decode(m.data) || 'its producer was cut off'));
          return;
        }
      }
    })().catch((err: Error) => {
      if (!stopped) subscriber.error(new Error(`stream ${stream}: reading its audio from JetStream failed: ${err.message}`));
    });
    return () => {
      stopped = true;
      stop?.();
    };
  });
}
