import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Subject } from 'rxjs';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { partitionOf } from '../../src/cluster/cluster-names.ts';
import { connectCluster, type Cluster } from '../../src/cluster/connect-cluster.ts';
import { publishStreamAudio } from '../../src/cluster/publish-stream-audio.ts';
import { startGateway, type Gateway } from '../../src/cluster/start-gateway.ts';
import { startWorker, type ClusterWorker } from '../../src/cluster/start-worker.ts';
import { livePrior } from '../../src/features/live-prior.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import { toInt16Pcm } from '../../src/server/to-int16-pcm.ts';
import { CollectingClient } from '../server/collecting-client.ts';
import { startNatsServer, type NatsServer } from './nats-server.ts';

describe('a stream whose gateway died', () => {
  let nats: NatsServer;
  let cluster: Cluster;
  let worker: ClusterWorker;
  let gateway: Gateway;
  let dispose = () => {};

  before(async () => {
    await selectBackend('wasm');
    nats = await startNatsServer();
    const { learner, features, stats } = await loadCheckpoint('fixtures/checkpoint', { trainable: false });
    dispose = () => learner.dispose();
    worker = await startWorker({ nats: nats.url, learner, featureConfig: features, normalizationPrior: livePrior(stats), partitions: 2, idleMs: 1500 });
    gateway = await startGateway({ nats: nats.url, port: 0, partitions: 2 });
    cluster = await connectCluster(nats.url, 'test');
  });
  after(async () => {
    await gateway?.close();
    await worker?.close();
    await cluster?.close();
    dispose();
    await nats?.stop();
  });

  it('should be ended by its worker after idleMs without audio, every frame predicted', async () => {
    const consumer = await CollectingClient.connect(gateway.wsUrl);
    await consumer.next('hello');
    // A producer's audio as a gateway stores it, then nothing: no end marker ever comes.
    const audio = await readAudioFile('fixtures/corpus/ljspeech/wav/LJ001-0008.wav');
    const pcm = new Subject<Uint8Array>();
    const id = 'gdead-s1';
    publishStreamAudio({ id, sampleRate: 16000, encoding: 'int16', learn: false, pcm$: pcm }, partitionOf(id, 2), { js: cluster.js, streams: cluster.streams, gateway: 'gdead', partitions: 2 }).subscribe();
    const bytes = toInt16Pcm(audio.samples);
    for (let at = 0; at < bytes.length; at += 640) pcm.next(bytes.subarray(at, at + 640));
    const end = await consumer.until(() => consumer.messages.find((m) => m.type === 'end' && m.stream === id), `the end of ${id}`, 20_000);
    assert.equal(end.frames, Math.floor((audio.samples.length - 400) / 160) + 1);
    // the worker marks the record done right after publishing the end
    let status = '';
    for (let k = 0; k < 50 && status !== 'done'; k++) {
      status = JSON.parse((await cluster.streams.get(id))!.string()).status;
      if (status !== 'done') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(status, 'done');
    consumer.close();
  });
});
