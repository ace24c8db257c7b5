/**
 * Protocol v2 over real sockets on loopback, with the bundled checkpoint predicting a fixture
 * recording: segments while the stream runs, the final sequence in `end`, `channels`, and v1
 * clients seeing exactly the v1 messages beside v2 ones.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { startLiveMicrophone } from '../../pipelines/live-microphone.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { loadCheckpoint } from '../../src/checkpoint/load-checkpoint.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import type { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { PredictionServer } from '../../src/server/prediction-server.ts';
import { produceStream } from '../../src/server/produce-stream.ts';
import { toInt16Pcm } from '../../src/server/to-int16-pcm.ts';
import { CollectingClient, type Json } from '../server/collecting-client.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const expectedFrames = (n: number) => Math.floor((n - 400) / 160) + 1;
const V2 = ['phonestream.v2'];

/** 20 ms int16 messages of `samples` (16 kHz), each sample repeated on `channels` interleaved channels. */
function int16Messages(samples: Float32Array, channels = 1): Uint8Array[] {
  const interleaved = new Float32Array(samples.length * channels);
  for (let k = 0; k < samples.length; k += 1) for (let c = 0; c < channels; c += 1) interleaved[k * channels + c] = samples[k];
  const per = 320 * channels;
  const messages: Uint8Array[] = [];
  for (let at = 0; at < interleaved.length; at += per) messages.push(toInt16Pcm(interleaved.subarray(at, at + per)));
  return messages;
}

/** A v2 producer's stream of the recording: every message it received, in order, up to its end. */
async function streamV2(server: PredictionServer, samples: Float32Array, channels = 1): Promise<Json[]> {
  const start = { sampleRate: 16000, encoding: 'int16' as const, ...(channels > 1 && { channels }) };
  return lastValueFrom(produceStream(server.wsUrl, start, from(int16Messages(samples, channels)), { version: 2 }).pipe(toArray()));
}

/**
 * Replays a stream's messages as a client would and checks the segment rule on the way: each
 * `segments` message holds final segments then (except the last, at the end) one partial segment,
 * continues from the previous message (its first segment begins where the last final one ended,
 * so a final one is never sent again nor changed), and its partial segment holds the latest frame
 * predicted so far. Returns the final segments in order, and the predicted frames.
 */
function replaySegments(messages: Json[], stream: string): { finals: Json[]; frames: Json[]; segmentMessages: Json[] } {
  const finals: Json[] = [];
  const frames: Json[] = [];
  const segmentMessages: Json[] = [];
  let partial: Json | undefined;
  for (const m of messages) {
    if (m.stream !== stream) continue;
    if (m.type === 'predictions') frames.push(...m.frames);
    if (m.type !== 'segments') continue;
    segmentMessages.push(m);
    const segs: Json[] = m.segments;
    assert.ok(segs.length > 0, 'a segments message is never empty');
    const next = finals.length === 0 ? 0 : finals.at(-1).i + finals.at(-1).n;
    assert.equal(segs[0].i, next, 'it continues where the final segments end');
    if (partial !== undefined) {
      assert.equal(segs[0].phone, partial.phone, 'the partial segment goes on (grown, or made final)');
      assert.equal(segs[0].start, partial.start);
      assert.ok(segs[0].n >= partial.n, 'a partial segment only grows');
    }
    for (const s of segs.slice(0, -1)) assert.equal(s.final, true, 'all but the last are final');
    const last = segs.at(-1);
    assert.equal(last.i + last.n, frames.length, 'the last segment holds the latest frame predicted');
    finals.push(...segs.filter((s) => s.final));
    partial = last.final ? undefined : last;
  }
  assert.equal(partial, undefined, 'the stream ended with its last segment final');
  return { finals, frames, segmentMessages };
}

describe('protocol v2 over real sockets (bundled checkpoint, fixture recording)', () => {
  let learner: OnlineLearner;
  let server: PredictionServer;
  let samples: Float32Array;
  let n: number;

  before(async () => {
    await selectBackend('cpu');
    const checkpoint = await loadCheckpoint('fixtures/checkpoint', { trainable: false });
    learner = checkpoint.learner;
    // as serve does: the training statistics as each stream's prior, weighted as 500 frames
    const prior = new RunningStats(checkpoint.stats.dims);
    const { mean, variance } = checkpoint.stats.toJSON();
    prior.restore(Math.min(checkpoint.stats.count, 500), mean, variance);
    server = await startLiveMicrophone({ port: 0, learner, featureConfig: checkpoint.features, normalizationPrior: prior });
    samples = (await readAudioFile(WAV)).samples;
    n = expectedFrames(samples.length);
  });
  after(async () => {
    await server.close();
    learner.dispose();
  });

  it('a v2 producer gets segments that tile its frames by the rule, and end.segments equals the final ones; v2 consumers see them, v1 consumers do not', async () => {
    const v1 = await CollectingClient.connect(server.wsUrl);
    const v2 = await CollectingClient.connect(server.wsUrl, undefined, V2);
    assert.equal((await v1.next('hello')).protocol, 1);
    assert.equal((await v2.next('hello')).protocol, 2);

    const messages = await streamV2(server, samples);
    assert.equal(messages[0].type, 'hello');
    assert.equal(messages[0].protocol, 2);
    const started = messages.find((m) => m.type === 'started');
    assert.deepEqual(started, { type: 'started', stream: started.stream, channels: 1 });
    const { stream } = started;
    assert.deepEqual(new Set(messages.slice(2).map((m) => m.type)), new Set(['predictions', 'segments', 'metrics', 'end']));
    // segments follow their predictions: every predictions message is followed by one segments message
    const types = messages.filter((m) => m.type === 'predictions' || m.type === 'segments').map((m) => m.type[0]);
    assert.match(types.join(''), /^(ps)+s$/, 'p s p s … and the last segment made final at the end');

    const { finals, frames } = replaySegments(messages, stream);
    assert.equal(frames.length, n);
    assert.deepEqual(frames.map((f) => f.i), [...Array(n).keys()]);
    // contiguous, ordered, covering every frame; each the maximal run of its frames' argmax; p the mean
    assert.equal(finals[0].start, 0);
    assert.equal(finals[0].i, 0);
    assert.equal(finals.at(-1).i + finals.at(-1).n, n);
    assert.equal(finals.at(-1).end, Math.round((n * 0.01 + 0.0075) * 1e4) / 1e4);
    for (const [k, s] of finals.entries()) {
      const run = frames.slice(s.i, s.i + s.n);
      assert.ok(run.every((f) => f.label === s.phone), `segment ${k} is one phone`);
      assert.ok(Math.abs(s.p - run.reduce((a, f) => a + f.p, 0) / s.n) < 1e-4, `segment ${k}: p is the mean`);
      assert.equal(s.end, Math.round(((s.i + s.n) * 0.01 + 0.0075) * 1e4) / 1e4, 'end: halfway between frame centres');
      if (k > 0) {
        assert.equal(s.start, finals[k - 1].end, 'contiguous');
        assert.equal(s.i, finals[k - 1].i + finals[k - 1].n);
        assert.notEqual(s.phone, finals[k - 1].phone, 'a new segment begins only with another phone');
      }
    }
    assert.ok(finals.length > 10, `a recording of speech gives many segments (${finals.length})`);

    const end = messages.at(-1);
    assert.deepEqual(Object.keys(end), ['type', 'stream', 'frames', 'segments', 'truncated']);
    assert.equal(end.frames, n);
    assert.equal(end.truncated, false);
    assert.deepEqual(end.segments, finals);

    // the consumers: v2 sees the same segments; v1 sees the v1 messages only, end without segments
    await v1.until(() => v1.ofType('end').some((m) => m.stream === stream), 'the end at the v1 consumer');
    await v2.until(() => v2.ofType('end').some((m) => m.stream === stream), 'the end at the v2 consumer');
    const ofStream = (c: CollectingClient, type: string) => c.messages.filter((m) => m.stream === stream && m.type === type);
    assert.deepEqual(ofStream(v2, 'segments'), messages.filter((m) => m.type === 'segments'));
    assert.deepEqual(ofStream(v2, 'end'), [end]);
    assert.deepEqual(new Set(v1.messages.filter((m) => m.stream === stream).map((m) => m.type)), new Set(['predictions', 'metrics', 'end']));
    assert.deepEqual(ofStream(v1, 'end'), [{ type: 'end', stream, frames: n }]);
    assert.deepEqual(ofStream(v1, 'predictions'), ofStream(v2, 'predictions'), 'v2 keeps the predictions messages of v1');
    v1.close();
    v2.close();
  });

  it('a v1 producer sees exactly the v1 messages and keys, and the same predictions as a v2 one', async () => {
    const v1: Json[] = await lastValueFrom(produceStream(server.wsUrl, { sampleRate: 16000, encoding: 'int16' }, from(int16Messages(samples))).pipe(toArray()));
    const v2 = await streamV2(server, samples);
    const keys = (ms: Json[], type: string) => [...new Set(ms.filter((m) => m.type === type).map((m) => Object.keys(m).join(',')))];
    assert.deepEqual(new Set(v1.map((m) => m.type)), new Set(['hello', 'started', 'predictions', 'metrics', 'end']));
    assert.equal(v1[0].protocol, 1);
    assert.deepEqual(keys(v1, 'hello'), keys(v2, 'hello'), 'hello has the same fields in both versions');
    assert.deepEqual(keys(v1, 'started'), ['type,stream']);
    assert.deepEqual(keys(v1, 'predictions'), ['type,stream,frames']);
    assert.deepEqual(keys(v1, 'end'), ['type,stream,frames']);
    assert.deepEqual(keys(v1, 'metrics'), keys(v2, 'metrics'));
    const framesOf = (ms: Json[]) => ms.filter((m) => m.type === 'predictions').flatMap((m) => m.frames);
    assert.equal(framesOf(v1).length, n);
    assert.deepEqual(framesOf(v1), framesOf(v2));
  });

  it('a stereo producer (the same signal on both channels) gets the same predictions and segments as the mono one', async () => {
    const mono = await streamV2(server, samples);
    const stereo = await streamV2(server, samples, 2);
    assert.equal(stereo.find((m) => m.type === 'started').channels, 2);
    const framesOf = (ms: Json[]) => ms.filter((m) => m.type === 'predictions').flatMap((m) => m.frames);
    assert.equal(framesOf(stereo).length, n);
    assert.deepEqual(framesOf(stereo), framesOf(mono), 'mixing two equal channels gives the mono samples exactly');
    assert.deepEqual(stereo.at(-1).segments, mono.at(-1).segments);
  });

  it('answers a bad channels value and a misaligned binary message with errors, drops only them, and goes on', async () => {
    const c = await CollectingClient.connect(server.wsUrl, undefined, V2);
    c.send({ type: 'start', sampleRate: 16000, encoding: 'int16', channels: 12 });
    c.send({ type: 'start', sampleRate: 16000, encoding: 'int16', channels: 2 });
    const { stream } = await c.next('started');
    const messages = int16Messages(samples, 2);
    c.send(messages[0]);
    c.send(new Uint8Array(6)); // one and a half stereo int16 frames
    for (const m of messages.slice(1)) c.send(m);
    c.send({ type: 'stop' });
    const end = await c.until(() => c.messages.find((m) => m.type === 'end' && m.stream === stream), 'the end', 20_000);
    assert.deepEqual(c.ofType('error').map((m) => m.message), [
      'start: channels must be a whole number from 1 to 8 (interleaved channels of the PCM), got 12',
      'binary: int16 PCM with channels 2 needs whole sample frames, a multiple of 4 bytes (2 channels × 2 bytes), got 6',
    ]);
    assert.equal(end.frames, n, 'the misaligned message was dropped, the rest of the audio predicted');
    c.send({ type: 'ping' });
    await c.next('pong');
    c.close();
  });
});
