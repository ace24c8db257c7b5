import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, of, Subject, toArray } from 'rxjs';
import { fileToSocket } from '../../pipelines/file-to-socket.ts';
import { startLiveMicrophone } from '../../pipelines/live-microphone.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { featureDims } from '../../src/features/feature-dims.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { toFeatureFrames } from '../../src/features/to-feature-frames.ts';
import { PHONE_SETS } from '../../src/labels/phone-sets.ts';
import { readLabelFile } from '../../src/labels/read-label-file.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { ServerMessage } from '../../src/server/messages.ts';
import type { PredictionServer } from '../../src/server/prediction-server.ts';
import { produceStream } from '../../src/server/produce-stream.ts';
import { LiveWorkerPool, WEIGHT_SYNC_MS } from '../../src/threads/live-worker-pool.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const OTHER = 'fixtures/corpus/ljspeech/wav/LJ001-0042.wav';
const TEXTGRID = 'fixtures/corpus/ljspeech/TextGrid/LJ001-0008.TextGrid';
const cfg = DEFAULT_FEATURE_CONFIG;

async function fixturePrior(): Promise<RunningStats> {
  const prior = new RunningStats(featureDims(cfg));
  const warm = await readAudioFile('fixtures/corpus/ljspeech/wav/LJ001-0174.wav');
  await lastValueFrom(of(warm.samples).pipe(toFeatureFrames(cfg, { runningStats: prior }), toArray()));
  return prior;
}

/** A 48 kHz float32 version of a file (a sine-free, simple 3× sample-and-hold: any audio will do). */
async function as48kFloat32(file: string): Promise<Uint8Array> {
  const { samples } = await readAudioFile(file);
  const out = new Float32Array(samples.length * 3);
  for (let i = 0; i < out.length; i++) out[i] = samples[Math.floor(i / 3)];
  return new Uint8Array(out.buffer);
}

async function stream48k(url: string, bytes: Uint8Array): Promise<ServerMessage[]> {
  // 20 ms messages, as the page sends them
  const chunks = [];
  for (let k = 0; k < bytes.length; k += 3840) chunks.push(bytes.slice(k, k + 3840));
  return lastValueFrom(produceStream(url, { sampleRate: 48000, encoding: 'float32' }, of(...chunks)).pipe(toArray()));
}

const framesOf = (messages: ServerMessage[]) => messages.flatMap((m) => (m.type === 'predictions' ? m.frames : []));

describe('live serving on worker threads', () => {
  let learner: OnlineLearner;
  let prior: RunningStats;
  let single: PredictionServer;
  let threaded: PredictionServer;

  before(async () => {
    await selectBackend('cpu');
    learner = new OnlineLearner({ inputSize: 26, phones: [...PHONE_SETS.arpabet], hiddenSize: 16, k1: 10, k2: 10, delay: 3 });
    prior = await fixturePrior();
    const common = { port: 0, learner, featureConfig: cfg, normalizationPrior: prior };
    single = await startLiveMicrophone({ ...common, threads: 1 });
    threaded = await startLiveMicrophone({ ...common, threads: 3 });
  });
  after(async () => {
    await threaded.close();
    await single.close();
    learner.dispose();
  });

  it('predicts a file on worker threads exactly as on the main thread, int16 and 48 kHz float32, alone and side by side', async () => {
    const one = await fileToSocket({ url: single.wsUrl, file: WAV, pace: 'max' });
    const [a, b, c] = await Promise.all([
      fileToSocket({ url: threaded.wsUrl, file: WAV, pace: 'max' }),
      fileToSocket({ url: threaded.wsUrl, file: OTHER, pace: 'max' }),
      fileToSocket({ url: threaded.wsUrl, file: WAV, pace: 'max' }),
    ]);
    const otherOne = await fileToSocket({ url: single.wsUrl, file: OTHER, pace: 'max' });
    assert.ok(one.frames.length > 100);
    assert.deepEqual(a.frames, one.frames, 'the same predictions on a worker');
    assert.deepEqual(c.frames, one.frames, 'and again, on the other worker');
    assert.deepEqual(b.frames, otherOne.frames, 'the other file too');
    assert.deepEqual(a.end, { ...one.end, stream: a.stream });

    const bytes = await as48kFloat32(OTHER);
    const [main48, worker48] = await Promise.all([stream48k(single.wsUrl, bytes), stream48k(threaded.wsUrl, bytes)]);
    assert.ok(framesOf(main48).length > 100);
    assert.deepEqual(framesOf(worker48), framesOf(main48), '48 kHz through the decimator on a worker');
    assert.equal(worker48.at(-1)!.type, 'end');
  });

  it('sends protocol v2 segments from a worker as from the main thread, stereo mixed there too; v1 clients get the v1 end', async () => {
    const bytes = await as48kFloat32(WAV);
    // the same samples on two interleaved channels
    const mono = new Float32Array(bytes.buffer);
    const stereo = new Float32Array(mono.length * 2);
    for (let k = 0; k < mono.length; k++) stereo[2 * k] = stereo[2 * k + 1] = mono[k];
    const chunks = (b: Uint8Array, size: number) => Array.from({ length: Math.ceil(b.length / size) }, (_, k) => b.slice(k * size, (k + 1) * size));
    const v2 = (url: string, pcm: Uint8Array, channels: number) =>
      lastValueFrom(
        produceStream(url, { sampleRate: 48000, encoding: 'float32', channels }, of(...chunks(pcm, 3840 * channels)), { version: 2 }).pipe(toArray()),
      );
    const [main, worker, workerStereo, workerV1] = await Promise.all([
      v2(single.wsUrl, bytes, 1),
      v2(threaded.wsUrl, bytes, 1),
      v2(threaded.wsUrl, new Uint8Array(stereo.buffer), 2),
      stream48k(threaded.wsUrl, bytes),
    ]);
    const segmentsOf = (ms: ServerMessage[]) => ms.flatMap((m) => (m.type === 'segments' ? [m.segments] : []));
    assert.ok(segmentsOf(main).length > 10);
    // the batches may differ (a worker gets a turn's audio messages together), the final segments not
    const finalsOf = (ms: ServerMessage[]) => segmentsOf(ms).flat().filter((x) => x.final);
    assert.deepEqual(finalsOf(worker), finalsOf(main), 'the same final segments from a worker');
    assert.deepEqual(framesOf(workerStereo), framesOf(main), 'stereo mixed to mono on a worker');
    const end = worker.at(-1)!;
    assert.ok(end.type === 'end' && end.segments !== undefined && end.segments.length > 0);
    assert.deepEqual(end.segments, (main.at(-1) as { segments: unknown }).segments);
    assert.equal(segmentsOf(workerV1).length, 0, 'a v1 producer on a worker gets no segments');
    assert.deepEqual(Object.keys(workerV1.at(-1)!), ['type', 'stream', 'frames']);
  });

  it('trains on the main thread, and the workers predict with the new weights once they are sent', async () => {
    const labels = await readLabelFile(TEXTGRID);
    const before = learner.version;
    const trained = await fileToSocket({ url: threaded.wsUrl, file: WAV, pace: 'max', labels, learn: true });
    assert.ok(learner.version > before, 'the labelled stream trained the shared model (on the main thread)');
    assert.equal(typeof trained.metrics.at(-1)!.loss, 'number');
    await new Promise((r) => setTimeout(r, 3 * WEIGHT_SYNC_MS));
    const [one, worker] = await Promise.all([
      fileToSocket({ url: single.wsUrl, file: OTHER, pace: 'max' }),
      fileToSocket({ url: threaded.wsUrl, file: OTHER, pace: 'max' }),
    ]);
    assert.deepEqual(worker.frames, one.frames, 'the worker has the trained weights');
  });

  it('answers a bad stream on a worker with an error on that stream, and goes on', async () => {
    // labelled but not learning: a predicting stream, so it runs on a worker
    await assert.rejects(
      fileToSocket({ url: threaded.wsUrl, file: WAV, pace: 'max', labels: [{ start: 0, end: 1, phone: 'xx' }] }),
      /stream s\d+ failed: s\d+: start \(stream s\d+\): unknown phone "xx" at 0\.000 s/,
    );
    const ok = await fileToSocket({ url: threaded.wsUrl, file: OTHER, pace: 'max' });
    assert.equal(ok.end.frames, ok.frames.length);
  });

  it('refuses a thread count that is not an integer ≥ 1', async () => {
    await assert.rejects(startLiveMicrophone({ port: 0, learner, featureConfig: cfg, threads: 0 }), ConfigError);
  });
});

describe('LiveWorkerPool', () => {
  let learner: OnlineLearner;
  let pool: LiveWorkerPool;

  before(async () => {
    await selectBackend('cpu');
    learner = new OnlineLearner({ inputSize: 26, phones: [...PHONE_SETS.arpabet], hiddenSize: 16, delay: 3, trainable: false });
    pool = await LiveWorkerPool.start({ size: 2, learner, featureConfig: cfg, normalizationPrior: await fixturePrior(), resampleQuality: 'medium' });
  });
  after(async () => {
    await pool.close();
    learner.dispose();
  });

  it('spreads streams over its workers and forgets each once it ended or was dropped', async () => {
    const { samples } = await readAudioFile(OTHER);
    const int16 = new Int16Array(samples.map((x) => Math.round(x * 32767)));
    const pcm = [new Subject<Uint8Array>(), new Subject<Uint8Array>(), new Subject<Uint8Array>()];
    const events: ServerMessage[][] = [[], [], []];
    const subs = pcm.map((p, k) =>
      pool
        .predict({ id: `t${k}`, sampleRate: 16000, encoding: 'int16', learn: false, pcm$: p.asObservable() })
        .subscribe((e) => events[k].push(JSON.parse(Buffer.from(e.bytes).toString()) as ServerMessage)),
    );
    assert.deepEqual([...pool.load].sort(), [1, 2], 'three streams on two workers, the fewest first');
    for (const p of pcm.slice(0, 2)) p.next(new Uint8Array(int16.buffer.slice(0)));
    pcm[0].complete();
    pcm[1].complete();
    subs[2].unsubscribe(); // dropped before it ended
    const deadline = Date.now() + 20_000;
    while (pool.load.some((n) => n > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(pool.load, [0, 0]);
    for (const k of [0, 1]) {
      const end = events[k].find((e) => e.type === 'end');
      assert.ok(end, `stream t${k} ended`);
    }
    assert.equal(events[2].length, 0, 'the dropped stream sent nothing');
  });

  it('keeps each worker\'s kernel arena and tensors flat over many streams', async () => {
    const { samples } = await readAudioFile(OTHER);
    const int16 = new Int16Array(samples.map((x) => Math.round(x * 32767)));
    const run = async (k: number) => {
      const pcm = new Subject<Uint8Array>();
      const done = lastValueFrom(pool.predict({ id: `leak${k}`, sampleRate: 16000, encoding: 'int16', learn: false, pcm$: pcm.asObservable() }).pipe(toArray()));
      pcm.next(new Uint8Array(int16.buffer.slice(0)));
      pcm.complete();
      return done;
    };
    await Promise.all([run(0), run(1)]);
    const baseline = await pool.stats();
    for (let k = 2; k < 22; k++) await Promise.all([run(k), run(k + 100)]);
    const after = await pool.stats();
    assert.equal(after.length, 2);
    assert.deepEqual(after, baseline, 'no stream left behind, no arena byte or tensor more after 40 more streams');
    assert.ok(after.every((s) => s.streams === 0 && s.arenaReservedBytes > 0), JSON.stringify(after));
  });
});
