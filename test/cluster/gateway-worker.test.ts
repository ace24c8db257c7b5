import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileToSocket } from '../../pipelines/file-to-socket.ts';
import { startLiveMicrophone } from '../../pipelines/live-microphone.ts';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { startGateway, type Gateway } from '../../src/cluster/start-gateway.ts';
import { startWorker, type ClusterWorker } from '../../src/cluster/start-worker.ts';
import { livePrior } from '../../src/features/live-prior.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { WireFrame } from '../../src/server/messages.ts';
import { CollectingClient } from '../server/collecting-client.ts';
import { startNatsServer, type NatsServer } from './nats-server.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const CHECKPOINT = 'fixtures/checkpoint';
const simple = (frames: WireFrame[]) => frames.map((f) => `${f.i}:${f.label}:${f.p}`);

async function frozenModel() {
  const { learner, features, stats } = await loadCheckpoint(CHECKPOINT, { trainable: false });
  return { learner, featureConfig: features, normalizationPrior: livePrior(stats) };
}

describe('a cluster of one gateway and two workers over a real nats-server', () => {
  let nats: NatsServer;
  let gateway: Gateway;
  let second: Gateway;
  const workers: ClusterWorker[] = [];
  const disposers: (() => void)[] = [];
  let reference: WireFrame[];

  before(async () => {
    await selectBackend('wasm');
    // The one-box reference: serve's pipeline with the same frozen model.
    const one = await frozenModel();
    disposers.push(() => one.learner.dispose());
    const serve = await startLiveMicrophone({ port: 0, ...one });
    try {
      reference = (await fileToSocket({ url: serve.wsUrl, file: WAV, pace: 'max' })).frames;
    } finally {
      await serve.close();
    }
    nats = await startNatsServer();
    for (let k = 0; k < 2; k++) {
      const m = await frozenModel();
      disposers.push(() => m.learner.dispose());
      workers.push(await startWorker({ nats: nats.url, ...m, id: `w${k}`, partitions: 4 }));
    }
    gateway = await startGateway({ nats: nats.url, port: 0, partitions: 4, id: 'ga' });
    second = await startGateway({ nats: nats.url, port: 0, partitions: 4, id: 'gb' });
  });
  after(async () => {
    await gateway?.close();
    await second?.close();
    for (const w of workers) await w.close();
    for (const d of disposers) d();
    await nats?.stop();
  });

  it('should spread the partitions over the two workers', async () => {
    // leases settle within a few renewal rounds
    for (let k = 0; k < 50 && workers.some((w) => w.partitions.length !== 2); k++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(workers.map((w) => w.partitions.length), [2, 2]);
    assert.deepEqual([...workers[0].partitions, ...workers[1].partitions].sort(), [0, 1, 2, 3]);
  });

  it('should give a stream the same predictions as serve does on one box, and say so to a second gateway\'s consumers', async () => {
    const consumer = await CollectingClient.connect(second.wsUrl);
    const hello = await consumer.next('hello');
    assert.equal(hello.model.hiddenSize > 0, true, 'hello describes the workers\' model');
    const got = await fileToSocket({ url: gateway.wsUrl, file: WAV, pace: 'max' });
    assert.match(got.stream, /^ga-s\d+$/);
    assert.deepEqual(simple(got.frames), simple(reference));
    assert.equal(got.end.frames, reference.length);
    // the second gateway's consumer saw the whole stream too, ending with its end
    const end = await consumer.until(() => consumer.messages.find((m) => m.type === 'end' && m.stream === got.stream), `the end of ${got.stream}`);
    assert.equal(end.frames, reference.length);
    const seen = consumer.messages.filter((m) => m.type === 'predictions' && m.stream === got.stream).flatMap((m) => m.frames);
    assert.deepEqual(simple(seen), simple(reference));
    consumer.close();
  });
});
