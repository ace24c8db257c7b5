import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, of, toArray } from 'rxjs';
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
import type { PredictionServer } from '../../src/server/prediction-server.ts';
import { produceStream } from '../../src/server/produce-stream.ts';
import { CollectingClient } from '../server/collecting-client.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const TEXTGRID = 'fixtures/corpus/ljspeech/TextGrid/LJ001-0008.TextGrid';
const expectedFrames = (n: number) => Math.floor((n - 400) / 160) + 1;

/** A normalisation prior as serve builds one from a checkpoint: statistics of other speech (one fixture). */
async function fixturePrior(): Promise<RunningStats> {
  const prior = new RunningStats(featureDims(DEFAULT_FEATURE_CONFIG));
  const warm = await readAudioFile('fixtures/corpus/ljspeech/wav/LJ001-0174.wav');
  await lastValueFrom(of(warm.samples).pipe(toFeatureFrames(DEFAULT_FEATURE_CONFIG, { runningStats: prior }), toArray()));
  return prior;
}

describe('live microphone pipeline', () => {
  let learner: OnlineLearner;
  let server: PredictionServer;

  before(async () => {
    await selectBackend('cpu');
    learner = new OnlineLearner({
      inputSize: featureDims(DEFAULT_FEATURE_CONFIG),
      phones: [...PHONE_SETS.arpabet],
      hiddenSize: 16,
      k1: 10,
      k2: 10,
      delay: 3,
    });
    server = await startLiveMicrophone({ port: 0, learner, featureConfig: DEFAULT_FEATURE_CONFIG, normalizationPrior: await fixturePrior() });
  });
  after(async () => {
    await server.close();
    learner.dispose();
  });

  it('predicts every frame of a file streamed at max pace, then sends end; a consumer sees the same', async () => {
    const consumer = await CollectingClient.connect(server.wsUrl);
    const hello = await consumer.next('hello');
    assert.deepEqual(hello.phones, [...PHONE_SETS.arpabet]);
    assert.equal(hello.model.hiddenSize, 16);
    assert.equal(hello.model.delay, 3);
    assert.deepEqual(hello.features, { sampleRate: 16000, hopMs: 10, windowMs: 25, dims: 26 });
    assert.equal(hello.backend, 'cpu');

    const audio = await readAudioFile(WAV);
    const n = expectedFrames(audio.samples.length);
    const result = await fileToSocket({ url: server.wsUrl, file: WAV, pace: 'max' });

    assert.equal(result.samples, audio.samples.length);
    assert.equal(result.frames.length, n);
    assert.deepEqual(result.frames.map((f) => f.i), [...Array(n).keys()], 'each frame once, in order');
    assert.deepEqual(result.end, { type: 'end', stream: result.stream, frames: n });
    for (const f of result.frames) {
      assert.ok(PHONE_SETS.arpabet.includes(f.label as never), f.label);
      assert.ok(f.p > 0 && f.p <= 1 && f.top.length === 3 && f.top[0][0] === f.label);
      assert.equal(f.truth, undefined, 'an unlabelled stream has no truth');
      assert.ok(Math.abs(f.t - f.i * 0.01) < 1e-9);
    }
    assert.ok(result.metrics.length > 0);
    assert.equal(result.metrics.at(-1)!.loss, null, 'a predicting stream does not train');

    await consumer.until(() => consumer.ofType('end').some((m) => m.stream === result.stream), 'the end at the consumer');
    const seen = consumer.ofType('predictions').filter((m) => m.stream === result.stream).flatMap((m) => m.frames);
    assert.deepEqual(seen, result.frames);
    consumer.close();
  });

  it('paces a file at real time: 20 ms messages, and predictions arrive while it plays', async () => {
    // Each stream starts from the server's prior (1 s of frames or more): its frames are predicted
    // as they arrive instead of after a warm-up.
    const audio = await readAudioFile(WAV);
    const seconds = audio.samples.length / 16000;
    const sends: number[] = [];
    const arrivals: number[] = [];
    const t0 = performance.now();
    const result = await fileToSocket({
      url: server.wsUrl,
      file: WAV,
      onSend: (bytes) => sends.push(bytes.length),
      // How much audio had been sent when each predictions message arrived: an ordering, not a
      // timing, so a loaded machine cannot make it flaky.
      onMessage: (m) => m.type === 'predictions' && arrivals.push(sends.length),
    });
    const elapsed = (performance.now() - t0) / 1000;
    assert.ok(elapsed >= seconds - 0.03, `took ${elapsed.toFixed(2)} s for ${seconds.toFixed(2)} s of audio`);
    assert.equal(sends.length, Math.ceil(audio.samples.length / 320));
    assert.ok(sends.slice(0, -1).every((n) => n === 640), 'int16 messages of 20 ms');
    assert.equal(result.frames.length, expectedFrames(audio.samples.length));
    // Frame 0 needs samples up to frame 0 + delay 3 + delta look-ahead 2 (90 ms of audio): its
    // prediction must come back while the file is still playing, not after the last message.
    assert.ok(arrivals[0] < sends.length / 2, `the first predictions came after ${arrivals[0]} of ${sends.length} audio messages`);
    assert.ok(arrivals.length > seconds * 25, `${arrivals.length} predictions messages, about one per audio message`);
  });

  it('trains on a labelled stream with learn: true, with truth and a loss', async () => {
    const labels = await readLabelFile(TEXTGRID);
    const before = learner.version;
    const result = await fileToSocket({ url: server.wsUrl, file: WAV, pace: 'max', labels, learn: true });
    assert.ok(learner.version > before, 'the shared model was updated');
    const labelled = result.frames.filter((f) => f.truth !== undefined);
    assert.ok(labelled.length > result.frames.length * 0.9, `${labelled.length} of ${result.frames.length} frames labelled`);
    const last = result.metrics.at(-1)!;
    assert.equal(typeof last.loss, 'number');
    assert.equal(last.labelledFrames, labelled.length);
    assert.ok(last.accuracy! >= 0 && last.accuracy! <= 1);
  });

  it('resamples a 48 kHz float32 producer and predicts floor((N16 − 400)/160) + 1 frames', async () => {
    const rate = 48000;
    const samples = new Float32Array(rate / 2).map((_, k) => 0.3 * Math.sin((2 * Math.PI * 440 * k) / rate));
    const messages = await lastValueFrom(
      produceStream(server.wsUrl, { sampleRate: rate, encoding: 'float32' }, of(new Uint8Array(samples.buffer))).pipe(toArray()),
    );
    const end = messages.at(-1)!;
    assert.equal(end.type, 'end');
    const n16 = Math.floor((samples.length * 16000) / rate);
    const frames = messages.flatMap((m) => (m.type === 'predictions' ? m.frames : []));
    assert.equal(frames.length, expectedFrames(n16));
    assert.deepEqual(end, { type: 'end', stream: (end as { stream: string }).stream, frames: frames.length });
  });

  it('answers labels outside the model phone set with an error on the stream', async () => {
    await assert.rejects(
      fileToSocket({ url: server.wsUrl, file: WAV, pace: 'max', labels: [{ start: 0, end: 1, phone: 'xx' }], learn: true }),
      /stream s\d+ failed: s\d+: start \(stream s\d+\): unknown phone "xx" at 0\.000 s/,
    );
    // Only that stream failed: the pipeline goes on serving the next one.
    const next = await fileToSocket({ url: server.wsUrl, file: WAV, pace: 'max' });
    assert.equal(next.end.frames, next.frames.length);
  });

  it('refuses allowLearning with a frozen learner', async () => {
    const frozen = new OnlineLearner({ inputSize: 26, phones: ['a', 'b'], hiddenSize: 4, trainable: false });
    try {
      await assert.rejects(
        startLiveMicrophone({ port: 0, learner: frozen, featureConfig: DEFAULT_FEATURE_CONFIG, allowLearning: true }),
        /allowLearning is true but the learner is frozen/,
      );
    } finally {
      frozen.dispose();
    }
  });

  it('refuses a feature config that does not fit the learner', async () => {
    await assert.rejects(
      startLiveMicrophone({ port: 0, learner, featureConfig: { ...DEFAULT_FEATURE_CONFIG, deltaOrder: 2 } }),
      (err: unknown) => err instanceof ConfigError && /39 features per frame but the learner's inputSize is 26/.test(err.message),
    );
  });
});

describe('live streams are independent of each other', () => {
  const OTHER = 'fixtures/corpus/ljspeech/wav/LJ001-0042.wav';
  let learner: OnlineLearner;
  let server: PredictionServer;
  let prior: RunningStats;

  before(async () => {
    await selectBackend('cpu');
    // Predicting only: the model cannot change between streams, so any difference comes from state leaking.
    learner = new OnlineLearner({ inputSize: 26, phones: [...PHONE_SETS.arpabet], hiddenSize: 16, delay: 3, trainable: false });
    prior = await fixturePrior();
    server = await startLiveMicrophone({ port: 0, learner, featureConfig: DEFAULT_FEATURE_CONFIG, normalizationPrior: prior });
  });
  after(async () => {
    await server.close();
    learner.dispose();
  });

  it('gives one recording the same predictions alone, again, and beside another speaker, and leaves the prior alone', async () => {
    const priorBefore = JSON.stringify(prior.toJSON());
    const audio = await readAudioFile(WAV);
    const n = expectedFrames(audio.samples.length);
    const first = await fileToSocket({ url: server.wsUrl, file: WAV, pace: 'max' });
    const again = await fileToSocket({ url: server.wsUrl, file: WAV, pace: 'max' });
    const [beside] = await Promise.all([
      fileToSocket({ url: server.wsUrl, file: WAV, pace: 'realtime' }),
      fileToSocket({ url: server.wsUrl, file: OTHER, pace: 'realtime' }),
    ]);
    assert.equal(first.frames.length, n);
    assert.deepEqual(again.frames, first.frames, 'the same file sent a second time');
    assert.deepEqual(beside.frames, first.frames, 'the same file while another stream runs beside it');
    assert.equal(JSON.stringify(prior.toJSON()), priorBefore, 'streams copy the prior, they do not update it');
  });
});
