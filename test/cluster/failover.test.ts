import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fileToSocket } from '../../pipelines/file-to-socket.ts';
import { startLiveMicrophone } from '../../pipelines/live-microphone.ts';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { startGateway, type Gateway } from '../../src/cluster/start-gateway.ts';
import { livePrior } from '../../src/features/live-prior.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { ServerMessage, WireFrame } from '../../src/server/messages.ts';
import { startNatsServer, type NatsServer } from './nats-server.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const BIN = fileURLToPath(new URL('../../bin/phonestream.js', import.meta.url));
const labels = (frames: WireFrame[]) => frames.map((f) => `${f.i}:${f.label}`);

/** A `phonestream worker` process; its stderr lines are kept (they say what it holds and predicts). */
function spawnWorker(nats: string, id: string) {
  const child = spawn(process.execPath, [BIN, 'worker', '--nats', nats, '--id', id, '--partitions', '2', '--backend', 'wasm'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const lines: string[] = [];
  child.stderr!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  return { child, id, lines };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('failover: kill -9 of the worker predicting a stream, mid-stream', () => {
  let nats: NatsServer;
  let gateway: Gateway;
  const children: ChildProcess[] = [];
  let reference: WireFrame[];

  before(async () => {
    await selectBackend('wasm');
    const { learner, features, stats } = await loadCheckpoint('fixtures/checkpoint', { trainable: false });
    const serve = await startLiveMicrophone({ port: 0, learner, featureConfig: features, normalizationPrior: livePrior(stats) });
    try {
      reference = (await fileToSocket({ url: serve.wsUrl, file: WAV, pace: 'max' })).frames;
    } finally {
      await serve.close();
      learner.dispose();
    }
    nats = await startNatsServer();
    gateway = await startGateway({ nats: nats.url, port: 0, partitions: 2, id: 'gf' });
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await gateway?.close();
    await nats?.stop();
  });

  it('should still predict every frame once, with the labels the lost worker would have given', async () => {
    const a = spawnWorker(nats.url, 'wa');
    const b = spawnWorker(nats.url, 'wb');
    children.push(a.child, b.child);
    const holds = (w: typeof a) => w.lines.filter((l) => l.includes('holds partition')).length;
    await until(() => holds(a) >= 1 && holds(b) >= 1, 'both workers to hold a partition');

    const messages: ServerMessage[] = [];
    let killed: string | undefined;
    const run = fileToSocket({
      url: gateway.wsUrl,
      file: WAV,
      pace: 'realtime',
      onMessage: (m) => {
        messages.push(m);
        // Some 60 frames in (0.6 s of the file's audio), kill the worker predicting the stream.
        if (killed === undefined && m.type === 'predictions' && m.frames.at(-1)!.i >= 60) {
          const holder = [a, b].find((w) => w.lines.some((l) => l.includes(`predicting ${m.stream}`)))!;
          killed = holder.id;
          holder.child.kill('SIGKILL');
        }
      },
    });
    const got = await run;
    assert.ok(killed !== undefined, 'a worker was killed mid-stream');
    const survivor = [a, b].find((w) => w.id !== killed)!;
    assert.ok(survivor.lines.some((l) => l.includes(`predicting ${got.stream}`)), `the surviving worker took ${got.stream} over:\n${survivor.lines.join('\n')}`);
    // every frame, each once, in order, with the labels of the one-box run
    assert.deepEqual(labels(got.frames), labels(reference));
    assert.equal(got.end.frames, reference.length);
    assert.equal(messages.filter((m) => m.type === 'end').length, 1);
  });
});
