/**
 * The live server under abuse, over real sockets: each abusive client gets an `error` or a close
 * with the documented code (docs/protocol.md, "Limits"), and a well-behaved producer streaming a
 * fixture at real time beside the abuse gets every frame of its audio and its `end`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { concat, from, ignoreElements, lastValueFrom, of, tap, toArray } from 'rxjs';
import { startLiveMicrophone } from '../../pipelines/live-microphone.ts';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { DEFAULT_FEATURE_CONFIG } from '../../src/features/feature-config.ts';
import { RunningStats } from '../../src/features/running-stats.ts';
import { toFeatureFrames } from '../../src/features/to-feature-frames.ts';
import { PHONE_SETS } from '../../src/labels/phone-sets.ts';
import { OnlineLearner } from '../../src/learner/online-learner.ts';
import { selectBackend } from '../../src/learner/select-backend.ts';
import type { ServerMessage } from '../../src/server/messages.ts';
import type { PredictionServer } from '../../src/server/prediction-server.ts';
import { produceStream } from '../../src/server/produce-stream.ts';
import { toInt16Pcm } from '../../src/server/to-int16-pcm.ts';
import { paceRealtime } from '../../src/stream/pace-realtime.ts';
import { CollectingClient } from '../server/collecting-client.ts';

const WAV = 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav';
const expectedFrames = (n: number) => Math.floor((n - 400) / 160) + 1;
const START_INT16 = { type: 'start', sampleRate: 16000, encoding: 'int16' };

/** The raw TCP socket under a ws client: to stop reading (pause) or vanish without a close (destroy). */
const rawSocket = (c: CollectingClient) => (c.ws as unknown as { _socket: { pause(): void; resume(): void; destroy(): void } })._socket;

let chunks: Uint8Array[]; // the fixture as 20 ms int16 messages
let frameCount: number; // frames its audio makes

/**
 * A well-behaved producer: the fixture at real time in 20 ms messages, pausing halfway until
 * `gate` resolves (so the abuse surely happens while it streams). `started` resolves with its id.
 */
function wellBehaved(url: string, gate: Promise<unknown> = Promise.resolve()) {
  let onStarted!: (id: string) => void;
  const started = new Promise<string>((resolve) => (onStarted = resolve));
  const half = chunks.length >> 1;
  const pcm$ = concat(
    from(chunks.slice(0, half)).pipe(paceRealtime(50)),
    from(gate).pipe(ignoreElements()),
    from(chunks.slice(half)).pipe(paceRealtime(50)),
  );
  const done = lastValueFrom(
    produceStream(url, { sampleRate: 16000, encoding: 'int16' }, pcm$).pipe(
      tap((m) => m.type === 'started' && onStarted(m.stream)),
      toArray(),
    ),
  );
  return { started, done };
}

/** Every frame of the audio, each once and in order, and an `end` that counts them. */
function assertComplete(messages: ServerMessage[]): void {
  const end = messages.at(-1)!;
  assert.equal(end.type, 'end');
  const stream = (end as { stream: string }).stream;
  const frames = messages.flatMap((m) => (m.type === 'predictions' && m.stream === stream ? m.frames : []));
  assert.deepEqual(frames.map((f) => f.i), [...Array(frameCount).keys()], 'every frame of the audio, once, in order');
  assert.deepEqual(end, { type: 'end', stream, frames: frameCount });
}

describe('live server under abuse', () => {
  let learner: OnlineLearner;
  let server: PredictionServer;
  const clients: CollectingClient[] = [];
  const connect = async (url = server.wsUrl) => {
    const c = await CollectingClient.connect(url);
    clients.push(c);
    return c;
  };

  before(async () => {
    await selectBackend('cpu');
    learner = new OnlineLearner({ inputSize: 26, phones: [...PHONE_SETS.arpabet], hiddenSize: 16, delay: 3 });
    const prior = new RunningStats(26);
    const warm = await readAudioFile('fixtures/corpus/ljspeech/wav/LJ001-0174.wav');
    await lastValueFrom(of(warm.samples).pipe(toFeatureFrames(DEFAULT_FEATURE_CONFIG, { runningStats: prior }), toArray()));
    const audio = await readAudioFile(WAV);
    chunks = Array.from({ length: Math.ceil(audio.samples.length / 320) }, (_, k) =>
      toInt16Pcm(audio.samples.subarray(k * 320, (k + 1) * 320)),
    );
    frameCount = expectedFrames(audio.samples.length);
    // Default limits: maxProducers 64, 1000 messages/s, 8 MiB/s, maxPayload 1 MiB.
    server = await startLiveMicrophone({ port: 0, learner, featureConfig: DEFAULT_FEATURE_CONFIG, normalizationPrior: prior });
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.close();
    learner.dispose();
  });

  it('answers each malformed message with an error naming it and keeps the connection; invalid UTF-8 closes with 1007', async () => {
    let release!: () => void;
    const good = wellBehaved(server.wsUrl, new Promise<void>((r) => (release = r)));
    await good.started;
    const c = await connect();
    c.ws.send('{"type":');
    c.send({ type: 'dance' });
    c.ws.send('[1,2]');
    c.send(new Uint8Array([1, 2]));
    c.send({ ...START_INT16, encoding: 'mp3' });
    c.send({ ...START_INT16, sampleRate: 'abc' });
    c.send({ type: 'stop' });
    c.send(START_INT16);
    c.send(new Uint8Array([0, 0, 0]));
    c.send({ type: 'start', sampleRate: 48000, encoding: 'float32' });
    c.send(new Uint8Array(6));
    c.send(new Uint8Array(new Float32Array([0.1, Infinity]).buffer));
    c.send({ type: 'ping' });
    await c.next('pong');
    assert.deepEqual(
      c.ofType('error').map((m) => m.message.replace(/\(.*\)/, '(…)')),
      [
        'message: not valid JSON (…): {"type":',
        'message: unknown type "dance", expected one of "start", "stop", "ping"',
        'message: expected a JSON object with a "type", got [1,2]',
        'binary: audio received with no stream running; send {"type":"start",…} first',
        'start: encoding must be "int16" or "float32", got "mp3"',
        'start: sampleRate must be a number from 8000 to 192000, got "abc"',
        'stop: no stream is running on this connection; send start first',
        'binary: int16 PCM needs an even number of bytes, got 3',
        'binary: float32 PCM needs a multiple of 4 bytes, got 6',
        'binary: float32 sample 1 is Infinity; samples must be finite numbers',
      ],
    );
    assert.equal(c.ws.readyState, c.ws.OPEN, 'bad messages are dropped, not the connection');
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }); // a text frame that is not UTF-8
    assert.equal((await c.closedWithin()).code, 1007);
    release();
    assertComplete(await good.done);
  });

  it('closes a message beyond maxPayload (1009), a flood of 10,000 tiny messages and one of 40 MiB (1008)', async () => {
    let release!: () => void;
    const good = wellBehaved(server.wsUrl, new Promise<void>((r) => (release = r)));
    await good.started;

    const big = await connect();
    big.send(START_INT16);
    await big.next('started');
    big.send(new Uint8Array(1024 * 1024 + 2));

    const tiny = await connect();
    tiny.send(START_INT16);
    await tiny.next('started');
    for (let k = 0; k < 10_000; k += 1) tiny.send(new Uint8Array([k & 0xff, 0]));

    // 40 × 1 MiB at once, five times the 8 MiB/s allowed (refused audio, no stream, still counts).
    const heavy = await connect();
    for (let k = 0; k < 40; k += 1) heavy.send(new Uint8Array(1024 * 1024));

    assert.equal((await big.closedWithin()).code, 1009);
    assert.deepEqual(await tiny.closedWithin(), { code: 1008, reason: 'message rate limit' });
    assert.equal(tiny.ofType('error').at(-1).message, 'rate: more than 1000 messages a second from this connection (maxMessagesPerSecond); closing it');
    assert.deepEqual(await heavy.closedWithin(), { code: 1008, reason: 'byte rate limit' });
    assert.equal(heavy.ofType('error').at(-1).message, 'rate: more than 8388608 bytes a second from this connection (maxBytesPerSecond); closing it');
    release();
    assertComplete(await good.done);
  });

  it('keeps serving beside clients that never read and producers that vanish mid-stream', async () => {
    let release!: () => void;
    const good = wellBehaved(server.wsUrl, new Promise<void>((r) => (release = r)));
    const goodId = await good.started;
    const watcher = await connect();
    const deaf = await connect();
    await deaf.next('hello');
    rawSocket(deaf).pause(); // a consumer that stops reading
    const deafProducer = await connect();
    deafProducer.send(START_INT16);
    await deafProducer.next('started');
    rawSocket(deafProducer).pause(); // a producer that keeps sending but never reads
    for (const chunk of chunks) deafProducer.send(chunk);
    deafProducer.send({ type: 'stop' });

    const vanishing: string[] = [];
    for (let k = 0; k < 5; k += 1) {
      const p = await connect();
      p.send(START_INT16);
      vanishing.push((await p.next('started')).stream);
      for (const chunk of chunks.slice(0, 40)) p.send(chunk);
      rawSocket(p).destroy(); // gone without a closing handshake, mid-stream
    }
    // Each vanished stream is ended on the server, and says how many frames were predicted.
    for (const id of vanishing) {
      const end = await watcher.until(() => watcher.ofType('end').find((m) => m.stream === id), `the end of vanished stream ${id}`);
      const seen = watcher.ofType('predictions').filter((m) => m.stream === id).flatMap((m) => m.frames);
      assert.equal(end.frames, seen.length, `stream ${id}`);
    }
    release();
    assertComplete(await good.done);

    rawSocket(deaf).resume();
    // Drop-oldest keeps the newest: the reader that stalled still gets the good stream's end.
    await deaf.until(() => deaf.ofType('end').some((m) => m.stream === goodId), 'the end at the consumer that stalled');
  });

  it('refuses producers beyond maxProducers (64) with an error and 1013 while hundreds of connections come and go', async () => {
    let release!: () => void;
    const good = wellBehaved(server.wsUrl, new Promise<void>((r) => (release = r)));
    await good.started; // holds one of the 64 slots throughout
    const crowd = await Promise.all(Array.from({ length: 300 }, () => connect()));
    for (const c of crowd) c.send(START_INT16);
    const outcomes = await Promise.all(
      crowd.map((c) => c.until(() => (c.ofType('started').length > 0 ? 'started' : c.ofType('error').length > 0 && 'refused'), 'started or refused')),
    );
    assert.equal(outcomes.filter((o) => o === 'started').length, 63, 'the good stream holds the 64th slot');
    const refused = crowd.filter((_, k) => outcomes[k] === 'refused');
    for (const c of refused) {
      assert.deepEqual(await c.closedWithin(), { code: 1013, reason: 'too many producers' });
      assert.deepEqual(c.ofType('error').map((m) => m.message), [
        'start: the server already has 64 producers streaming, its limit (maxProducers); try again later',
      ]);
    }
    for (const c of crowd) rawSocket(c).destroy(); // every one of them vanishes at once
    release();
    assertComplete(await good.done);

    // The slots were freed: 64 new producers get in (retrying on 1013, as its meaning asks, while
    // the server may still be seeing the crowd's sockets close).
    const late = await Promise.all(Array.from({ length: 64 }, () => startWithRetry()));
    assert.equal(late.length, 64);
    for (const c of late) c.close();
  });

  /** A producer that retries its start on 1013 (try again later), up to 50 times. */
  async function startWithRetry(): Promise<CollectingClient> {
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const c = await connect();
      c.send(START_INT16);
      const got = await c.until(() => (c.ofType('started').length > 0 ? 'started' : c.ofType('error').length > 0 && 'refused'), 'start answered');
      if (got === 'started') return c;
      await c.closedWithin();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no producer slot became free after 50 attempts');
  }
});
