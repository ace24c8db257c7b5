import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { readAudioFile } from '../../src/audio/read-audio-file.ts';
import { toInt16Pcm } from '../../src/server/to-int16-pcm.ts';
import { fileToSocket } from '../../pipelines/file-to-socket.ts';
import { CollectingClient } from '../server/collecting-client.ts';
import { cli } from './run-cli.ts';

const BUNDLED = 'fixtures/checkpoint';

/** A running `phonestream serve`, its stderr so far, and the addresses it announced. */
interface Served {
  child: ChildProcess;
  stderr: () => string;
  url: string;
  wsUrl: string;
  exit: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Spawns `serve` and resolves once it prints "open http://… (WebSocket ws://…)" on stderr. */
async function serve(...args: string[]): Promise<Served> {
  const child = spawn(process.execPath, ['bin/phonestream.js', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  let text = '';
  child.stdout!.resume();
  const announced = new Promise<RegExpMatchArray>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const m = text.match(/open (http:\/\/\S+) \(WebSocket (ws:\/\/\S+)\)/);
      if (m) resolve(m);
    });
    void exit.then(([code]) => reject(new Error(`serve exited (${code}) before announcing its address:\n${text}`)));
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    const m = await announced;
    return { child, stderr: () => text, url: m[1], wsUrl: m[2], exit };
  } finally {
    clearTimeout(timer);
  }
}

/** A signal (SIGTERM by default), then the exit code (SIGKILL after 10 s so a hang fails the test rather than the run). */
async function stop(s: Served, how: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  s.child.kill(how);
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
  const [code, signal] = await s.exit;
  clearTimeout(timer);
  assert.equal(signal, null, `serve was killed by ${signal}; stderr:\n${s.stderr()}`);
  return code;
}

describe('phonestream serve', () => {
  it('should announce the real port, stream replay predictions to a consumer, and exit 0 on SIGTERM', async () => {
    const s = await serve('--port', '0', '--replay', 'fixtures/corpus', '--pace', 'max', '--fresh', '--hidden', '16');
    let client: CollectingClient | undefined;
    try {
      const port = Number(new URL(s.url).port);
      assert.ok(port > 0, `announced port ${s.url}`);
      assert.equal(new URL(s.wsUrl).port, String(port));
      assert.match(s.stderr(), /new untrained model \(\d+ phones\)/);

      client = await CollectingClient.connect(s.wsUrl);
      const hello = await client.next('hello', 10_000);
      assert.equal(hello.protocol, 1);
      assert.ok(Array.isArray(hello.phones) && hello.phones.includes('sil'), JSON.stringify(hello.phones));
      assert.ok(['tensorflow', 'wasm', 'cpu'].includes(hello.backend), hello.backend);
      assert.equal(hello.model.hiddenSize, 16);
      assert.deepEqual(hello.streams, ['replay']);

      const predictions = await client.until(
        () => client!.messages.find((m) => m.type === 'predictions' && m.stream === 'replay'),
        'replay predictions',
        15_000,
      );
      assert.ok(predictions.frames.length > 0);
      for (const f of predictions.frames) {
        assert.ok(hello.phones.includes(f.label), f.label);
        assert.ok(f.p >= 0 && f.p <= 1);
        assert.ok(hello.phones.includes(f.truth), `truth ${f.truth}`);
      }
    } finally {
      // stop with the consumer still connected: the server must close it and still exit cleanly
      const code = await stop(s);
      assert.equal(code, 0, s.stderr());
    }
    const closed = await client!.closedWithin();
    assert.deepEqual(closed, { code: 1001, reason: 'server shutting down' });
    assert.match(s.stderr(), /stopping\n$/);
  });

  it('should serve the bundled checkpoint by default', async () => {
    const s = await serve('--port', '0');
    try {
      assert.match(s.stderr(), /^loaded .*fixtures[/\\]checkpoint \(\d+ phones, LSTM \d+x\d+\)$/m);
      const client = await CollectingClient.connect(s.wsUrl);
      const hello = await client.next('hello', 10_000);
      client.close();
      const meta = JSON.parse(readFileSync(`${BUNDLED}/model.json`, 'utf8')).userDefinedMetadata.phonestream;
      assert.deepEqual(hello.phones, meta.config.phones);
      assert.equal(hello.model.hiddenSize, meta.config.hiddenSize);
      assert.deepEqual(hello.streams, []);
    } finally {
      assert.equal(await stop(s), 0, s.stderr());
    }
  });

  it('by default replays without training: the replay predicted by the bundled model, hello.replay says so; --train trains it', async () => {
    const s = await serve('--port', '0', '--replay', 'fixtures/corpus', '--pace', 'max');
    try {
      const client = await CollectingClient.connect(s.wsUrl);
      const hello = await client.next('hello', 10_000);
      const summary = JSON.parse(readFileSync(`${BUNDLED}/summary.json`, 'utf8'));
      assert.deepEqual(hello.replay, {
        stream: 'replay',
        utterances: 6,
        epochs: null,
        learns: false,
        model: 'bundled',
        trainedOnReplay: true,
        heldOutAccuracy: summary.heldOutAccuracy,
      });
      const metrics = await client.until(() => client.messages.find((m) => m.type === 'metrics' && m.stream === 'replay'), 'replay metrics', 15_000);
      assert.equal(metrics.loss, null, 'the replay does not train');
      assert.ok(typeof metrics.accuracy === 'number');
      assert.match(s.stderr(), /replaying 6 utterances \(max, looping; predicted only/);
      client.close();
    } finally {
      assert.equal(await stop(s), 0, s.stderr());
    }
    const t = await serve('--port', '0', '--replay', 'fixtures/corpus', '--pace', 'max', '--train', '--epochs', '1');
    try {
      const client = await CollectingClient.connect(t.wsUrl);
      assert.equal((await client.next('hello', 10_000)).replay.learns, true);
      const trained = await client.until(() => client.messages.find((m) => m.type === 'metrics' && m.stream === 'replay' && typeof m.loss === 'number'), 'a training metrics message', 15_000);
      assert.ok(trained.loss > 0);
      client.close();
    } finally {
      assert.equal(await stop(t), 0, t.stderr());
    }
  });

  it('refuses --train with --frozen', async () => {
    const { code, stderr } = await cli('serve', '--port', '0', '--train', '--frozen');
    assert.equal(code, 1);
    assert.match(stderr, /--train and --frozen contradict each other/);
  });

  it('on SIGINT flushes running streams (every frame and the end reach the producer), closes with 1001 and exits 0', async () => {
    const audio = await readAudioFile('fixtures/corpus/ljspeech/wav/LJ001-0008.wav');
    const frames = Math.floor((audio.samples.length - 400) / 160) + 1;
    const s = await serve('--port', '0');
    let code: number | null;
    let producer: CollectingClient | undefined;
    let consumer: CollectingClient | undefined;
    try {
      consumer = await CollectingClient.connect(s.wsUrl);
      producer = await CollectingClient.connect(s.wsUrl);
      producer.send({ type: 'start', sampleRate: 16000, encoding: 'int16' });
      await producer.next('started', 10_000);
      for (let k = 0; k < audio.samples.length; k += 320) producer.send(toInt16Pcm(audio.samples.subarray(k, k + 320)));
      // No stop: the stream is still running at the signal. The pong says the server has read all
      // the audio (one socket's messages are handled in order).
      producer.send({ type: 'ping' });
      await producer.next('pong', 10_000);
    } finally {
      code = await stop(s, 'SIGINT');
    }
    assert.equal(code, 0, s.stderr());
    for (const c of [producer!, consumer!]) assert.deepEqual(await c.closedWithin(), { code: 1001, reason: 'server shutting down' });
    const stream = producer!.ofType('started')[0].stream;
    const predicted = producer!.ofType('predictions').flatMap((m) => m.frames);
    assert.deepEqual(predicted.map((f) => f.i), [...Array(frames).keys()], 'every frame of the audio sent');
    assert.deepEqual(producer!.ofType('end'), [{ type: 'end', stream, frames }]);
    assert.deepEqual(consumer!.ofType('end'), [{ type: 'end', stream, frames }]);
  });

  it('with --max-producers 1 refuses a second producer (error, then 1013); with --token-for-consumers every client needs the token', async () => {
    const s = await serve('--port', '0', '--max-producers', '1', '--token', 'sekrit', '--token-for-consumers');
    try {
      await assert.rejects(CollectingClient.connect(s.wsUrl), /Unexpected server response: 401/);
      const consumer = await CollectingClient.connect(`${s.wsUrl}?token=sekrit`);
      assert.equal((await consumer.next('hello', 10_000)).protocol, 1);
      const first = await CollectingClient.connect(`${s.wsUrl}?token=sekrit`);
      first.send({ type: 'start', sampleRate: 16000, encoding: 'int16' });
      await first.next('started', 10_000);
      const second = await CollectingClient.connect(`${s.wsUrl}?token=sekrit`);
      second.send({ type: 'start', sampleRate: 16000, encoding: 'int16' });
      assert.deepEqual(await second.closedWithin(), { code: 1013, reason: 'too many producers' });
      assert.deepEqual(second.ofType('error').map((m) => m.message), [
        'start: the server already has 1 producers streaming, its limit (maxProducers); try again later',
      ]);
    } finally {
      assert.equal(await stop(s), 0, s.stderr());
    }
  });

  it('refuses --token-for-consumers without a token, naming the flag', async () => {
    const { code, stderr } = await cli('serve', '--port', '0', '--token-for-consumers');
    assert.equal(code, 1);
    assert.match(stderr, /--token-for-consumers needs a token: give --token TOKEN or set PHONESTREAM_TOKEN/);
  });

  it('with --threads 2 predicts a live stream on a worker thread: every frame, its end, and exit 0 on SIGTERM', async () => {
    const s = await serve('--port', '0', '--frozen', '--threads', '2');
    try {
      const result = await fileToSocket({ url: s.wsUrl, file: 'fixtures/corpus/ljspeech/wav/LJ001-0008.wav', pace: 'max' });
      assert.ok(result.frames.length > 100);
      assert.deepEqual(result.frames.map((f) => f.i), [...Array(result.frames.length).keys()]);
      assert.deepEqual(result.end, { type: 'end', stream: result.stream, frames: result.frames.length });
    } finally {
      assert.equal(await stop(s), 0, s.stderr());
    }
  });

  it('refuses --threads 0, naming the flag', async () => {
    const { code, stderr } = await cli('serve', '--port', '0', '--threads', '0');
    assert.equal(code, 1);
    assert.match(stderr, /--threads/);
  });
});
