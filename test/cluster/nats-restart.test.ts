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
import { startNatsServer, type NatsServer } from './nats-server.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const labels = (frames: WireFrame[]) => frames.map((f) => `${f.i}:${f.label}`);

describe('nats-server restarted mid-stream', () => {
  let nats: NatsServer;
  let gateway: Gateway;
  let worker: ClusterWorker;
  let reference: WireFrame[];
  const disposers: (() => void)[] = [];

  before(async () => {
    await selectBackend('wasm');
    const { learner, features, stats } = await loadCheckpoint('fixtures/checkpoint', { trainable: false });
    disposers.push(() => learner.dispose());
    const model = { learner, featureConfig: features, normalizationPrior: livePrior(stats) };
    const serve = await startLiveMicrophone({ port: 0, ...model });
    try {
      reference = (await fileToSocket({ url: serve.wsUrl, file: WAV, pace: 'max' })).frames;
    } finally {
      await serve.close();
    }
    nats = await startNatsServer();
    worker = await startWorker({ nats: nats.url, ...model, id: 'wr', partitions: 2 });
    gateway = await startGateway({ nats: nats.url, port: 0, partitions: 2, id: 'gr' });
  });
  after(async () => {
    await gateway?.close();
    await worker?.close();
    for (const d of disposers) d();
    await nats?.stop();
  });

  it('should lose nothing the producer sent: gateway and worker reconnect and every frame is predicted', async () => {
    let restarted: Promise<void> | undefined;
    const got = await fileToSocket({
      url: gateway.wsUrl,
      file: WAV,
      pace: 'realtime',
      onMessage: (m) => {
        // A third of the way in, kill -9 the server and start it again on the same store.
        if (restarted === undefined && m.type === 'predictions' && m.frames.at(-1)!.i >= 50) restarted = nats.restart(700);
      },
    });
    assert.ok(restarted !== undefined, 'the server was restarted mid-stream');
    await restarted;
    assert.deepEqual(labels(got.frames), labels(reference));
    assert.equal(got.end.frames, reference.length);
  });
});
