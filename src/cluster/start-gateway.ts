import { randomBytes } from 'node:crypto';
import { catchError, EMPTY, mergeMap } from 'rxjs';
import { startPredictionServer, type PredictionServer, type PredictionServerOptions } from '../server/prediction-server.ts';
import type { ServerMessage } from '../server/messages.ts';
import { DeliverPolicy } from '@nats-io/jetstream';
import { OUT_STREAM, OUT_SUBJECTS, partitionOf } from './cluster-names.ts';
import { connectCluster, type ClusterLimits } from './connect-cluster.ts';
import { OutputDedupe } from './output-dedupe.ts';
import { publishStreamAudio } from './publish-stream-audio.ts';

export interface GatewayOptions extends Omit<PredictionServerOptions, 'streamIdPrefix'> {
  /** NATS server URL(s). */
  nats: string;
  /** Partitions the streams are spread over; every gateway and worker of a cluster must agree. Default 16. */
  partitions?: number;
  /** Default: `g` + 6 random hex digits; it prefixes the ids of the streams this gateway starts. */
  id?: string;
  limits?: Partial<ClusterLimits>;
  log?: (line: string) => void;
}

export interface Gateway extends PredictionServer {
  id: string;
}

/**
 * A gateway of a phonestream cluster: the same WebSocket protocol and page as `serve`, holding no
 * stream state. A producer's `start` becomes a stream record and its PCM goes into JetStream
 * (publishStreamAudio); every stream's messages come back on `phonestream.out.>` (JetStream) from whichever
 * worker predicts it, are deduplicated (OutputDedupe: a failover replays a stream) and go to this
 * gateway's consumers and to the stream's producer if it is connected here. A gateway that dies
 * ends only the WebSocket connections it held: the streams' audio so far is stored, and their
 * workers finish them.
 *
 * ## Example
 * ```ts
 * const gateway = await startGateway({ nats: 'nats://127.0.0.1:4222', port: 8080 });
 * console.log(gateway.url);
 * ```
 */
export async function startGateway(o: GatewayOptions): Promise<Gateway> {
  const { nats, partitions = 16, id = `g${randomBytes(3).toString('hex')}`, limits, log = () => {}, hello, ...serverOptions } = o;
  const cluster = await connectCluster(nats, `phonestream gateway ${id}`, limits);
  let model: object = {};
  const readModel = async () => {
    const e = await cluster.model.get('info').catch(() => null);
    if (e !== null && e.value.length > 0) model = JSON.parse(e.string()) as object;
  };
  await readModel();
  const modelWatch = await cluster.model.watch({ key: 'info' });
  void (async () => {
    for await (const e of modelWatch) if (e.operation === 'PUT') model = JSON.parse(e.string()) as object;
  })();

  let server: PredictionServer;
  try {
    server = await startPredictionServer({ ...serverOptions, streamIdPrefix: `${id}-`, hello: () => ({ ...model, ...hello?.() }) });
  } catch (err) {
    await cluster.close();
    throw err;
  }
  const audio = server.producers$
    .pipe(
      mergeMap((producer) =>
        publishStreamAudio(producer, partitionOf(producer.id, partitions), { js: cluster.js, streams: cluster.streams, gateway: id, partitions }).pipe(
          catchError((err: Error) => {
            log(`${id}: ${producer.id}: ${err.message}`);
            server.publish({ type: 'error', stream: producer.id, message: `${producer.id}: ${err.message}` });
            return EMPTY;
          }),
        ),
      ),
    )
    .subscribe();

  const dedupe = new OutputDedupe();
  const decoder = new TextDecoder();
  // Every stream's messages from now on, in order; an ordered consumer survives a nats-server
  // restart by recreating itself after the last message it saw.
  const outConsumer = await cluster.js.consumers.get(OUT_STREAM, { filter_subjects: OUT_SUBJECTS, deliver_policy: DeliverPolicy.New });
  const outMessages = await outConsumer.consume();
  void (async () => {
    for await (const msg of outMessages) {
      let message: ServerMessage;
      try {
        message = JSON.parse(decoder.decode(msg.data)) as ServerMessage;
      } catch {
        log(`${id}: ${msg.subject}: a message that is not JSON; dropped`);
        continue;
      }
      const fresh = dedupe.filter(message);
      if (fresh !== null) server.publish(fresh);
    }
  })().catch((err: Error) => log(`${id}: reading the streams' messages stopped: ${err.message}`));

  return {
    ...server,
    id,
    async close() {
      // The server waits for its streams' ends, which come from the workers through NATS.
      await server.close();
      audio.unsubscribe();
      outMessages.stop();
      modelWatch.stop();
      await cluster.close();
    },
  };
}
