import { after, afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../../src/errors.ts';
import {
  startPredictionServer,
  type PredictionServer,
  type PredictionServerOptions,
  type ProducerStream,
} from '../../src/server/prediction-server.ts';
import { CollectingClient } from './collecting-client.ts';

/**
 * A server on a free port whose producers and their bytes are recorded. No pipeline publishes
 * the streams' `end`s, so close() waits only briefly for them (closeTimeoutMs 300).
 */
async function serverWithRecorder(options: PredictionServerOptions = {}) {
  const server = await startPredictionServer({ port: 0, closeTimeoutMs: 300, ...options });
  const producers: ProducerStream[] = [];
  const bytes = new Map<string, number[]>();
  const completed = new Set<string>();
  const failed = new Map<string, string>();
  server.producers$.subscribe((p) => {
    producers.push(p);
    bytes.set(p.id, []);
    p.pcm$.subscribe({
      next: (chunk) => bytes.get(p.id)!.push(...chunk),
      complete: () => completed.add(p.id),
      error: (err: Error) => failed.set(p.id, err.message),
    });
  });
  return { server, producers, bytes, completed, failed };
}

const open: { servers: PredictionServer[]; clients: CollectingClient[] } = { servers: [], clients: [] };
async function connect(url: string, options?: ConstructorParameters<typeof import('ws').WebSocket>[2], protocols?: string[]) {
  const client = await CollectingClient.connect(url, options as never, protocols);
  open.clients.push(client);
  return client;
}
function track<T extends { server: PredictionServer }>(x: T): T {
  open.servers.push(x.server);
  return x;
}
afterEach(async () => {
  for (const c of open.clients.splice(0)) c.close();
  await Promise.all(open.servers.splice(0).map((s) => s.close()));
});
after(() => {
  delete process.env.PHONESTREAM_TOKEN;
});

const START_INT16 = { type: 'start', sampleRate: 16000, encoding: 'int16' };
const predictions = (stream: string, i: number) => ({
  kind: 'predictions' as const,
  stream,
  frames: [{ index: i, t: i / 100, label: 'aa', p: 0.9, top: [['aa', 0.9]] as [string, number][] }],
});

describe('startPredictionServer', () => {
  it('greets every client with hello: protocol, server, and the fields of the hello option', async () => {
    const { server } = track(
      await serverWithRecorder({
        hello: () => ({ phones: ['aa', 'b'], backend: 'cpu', model: { hiddenSize: 8 }, streams: ['replay'] }),
      }),
    );
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(server.wsUrl, `ws://127.0.0.1:${server.port}/ws`);
    const client = await connect(server.wsUrl);
    const hello = await client.next('hello');
    assert.equal(hello.protocol, 1);
    assert.match(hello.server, /^phonestream\/\d+\.\d+\.\d+/);
    assert.deepEqual(hello.phones, ['aa', 'b']);
    assert.equal(hello.backend, 'cpu');
    assert.deepEqual(hello.model, { hiddenSize: 8 });
    assert.deepEqual(hello.streams, ['replay']);
    assert.equal(client.messages[0].type, 'hello', 'hello comes first');
  });

  it('still greets, with an error, when the hello option throws', async () => {
    const { server } = track(
      await serverWithRecorder({
        hello: () => {
          throw new Error('model not loaded');
        },
      }),
    );
    const client = await connect(server.wsUrl);
    assert.equal((await client.next('hello')).protocol, 1);
    assert.equal((await client.next('error')).message, 'internal error: hello: model not loaded');
  });

  it('gives each producer its stream id and bytes, and routes messages: producers get their own, consumers all', async () => {
    const { server, producers, bytes, completed } = track(await serverWithRecorder());
    const consumer = await connect(server.wsUrl);
    const p1 = await connect(server.wsUrl);
    const p2 = await connect(server.wsUrl);
    p1.send({ ...START_INT16, labels: [{ start: 0, end: 1, phone: 'aa' }], learn: true });
    assert.equal((await p1.next('started')).stream, 's1');
    p2.send({ type: 'start', sampleRate: 48000, encoding: 'float32' });
    assert.equal((await p2.next('started')).stream, 's2');
    assert.deepEqual(
      producers.map(({ id, sampleRate, encoding, channels, learn, labels }) => ({ id, sampleRate, encoding, channels, learn, labels })),
      [
        { id: 's1', sampleRate: 16000, encoding: 'int16', channels: 1, learn: true, labels: [{ start: 0, end: 1, phone: 'aa' }] },
        { id: 's2', sampleRate: 48000, encoding: 'float32', channels: 1, learn: false, labels: undefined },
      ],
    );

    p1.send(new Uint8Array([1, 2, 3, 4]));
    p1.send(new Uint8Array([5, 6]));
    p1.send({ type: 'stop' });
    await p1.until(() => completed.has('s1'), 's1 pcm$ to complete');
    assert.deepEqual(bytes.get('s1'), [1, 2, 3, 4, 5, 6]);
    assert.equal(completed.has('s2'), false);

    server.publish(predictions('s1', 0));
    server.publish(predictions('s2', 0));
    server.publish(predictions('replay', 0));
    server.publish({ type: 'error', message: 'for everyone' });
    server.publish({ kind: 'end', stream: 's1', frames: 1 });
    server.publish({ kind: 'end', stream: 's2', frames: 1 });

    await consumer.until(() => consumer.ofType('end').length === 2, 'both ends at the consumer');
    await p1.next('end');
    await p2.next('end');
    const streamsOf = (c: CollectingClient) => c.ofType('predictions').map((m) => m.stream);
    assert.deepEqual(streamsOf(consumer), ['s1', 's2', 'replay']);
    assert.deepEqual(streamsOf(p1), ['s1']);
    assert.deepEqual(streamsOf(p2), ['s2']);
    assert.deepEqual(p1.ofType('end'), [{ type: 'end', stream: 's1', frames: 1 }]);
    for (const c of [consumer, p1, p2]) assert.deepEqual(c.ofType('error'), [{ type: 'error', message: 'for everyone' }]);
    assert.deepEqual(consumer.ofType('predictions')[0].frames, [{ i: 0, t: 0, label: 'aa', p: 0.9, top: [['aa', 0.9]] }]);
  });

  it('ends the previous stream on a second start, and a stream on disconnect', async () => {
    const { server, completed } = track(await serverWithRecorder());
    const p = await connect(server.wsUrl);
    p.send(START_INT16);
    p.send(START_INT16);
    await p.until(() => p.ofType('started').length === 2, 'two started');
    assert.deepEqual(p.ofType('started').map((m) => m.stream), ['s1', 's2']);
    assert.deepEqual([...completed], ['s1']);
    p.close();
    await p.closed;
    await p.until(() => completed.has('s2'), 's2 to complete after disconnect');
  });

  it('answers each bad message with an error naming the problem, and keeps serving', async () => {
    const { server, bytes } = track(await serverWithRecorder());
    const c = await connect(server.wsUrl);
    c.send(new Uint8Array([1, 2]));
    c.ws.send('{"type":');
    c.send({ type: 'dance' });
    c.send({ type: 'start', sampleRate: 'abc', encoding: 'int16' });
    c.send({ type: 'stop' });
    c.send({ ...START_INT16, encoding: 'float32' });
    c.send(new Uint8Array([0, 0, 0]));
    c.send(new Uint8Array(new Float32Array([0.5, NaN]).buffer));
    c.send(new Uint8Array(new Float32Array([0.25]).buffer));
    c.send({ type: 'ping' });
    await c.next('pong');
    assert.deepEqual(
      c.ofType('error').map((m) => m.message.replace(/\(.*\)/, '(…)')),
      [
        'binary: audio received with no stream running; send {"type":"start",…} first',
        'message: not valid JSON (…): {"type":',
        'message: unknown type "dance", expected one of "start", "stop", "ping"',
        'start: sampleRate must be a number from 8000 to 192000, got "abc"',
        'stop: no stream is running on this connection; send start first',
        'binary: float32 PCM needs a multiple of 4 bytes, got 3',
        'binary: float32 sample 1 is NaN; samples must be finite numbers',
      ],
    );
    assert.deepEqual(bytes.get('s1'), [...new Uint8Array(new Float32Array([0.25]).buffer)], 'only the good audio');
    assert.equal(c.ws.readyState, c.ws.OPEN);
    const other = await connect(server.wsUrl);
    await other.next('hello');
  });

  it('with a token: consumers need none, producers present it on the URL or in start', async () => {
    const { server } = track(await serverWithRecorder({ token: 'sekrit' }));
    const consumer = await connect(server.wsUrl);
    consumer.send(START_INT16);
    consumer.send({ ...START_INT16, token: 'guess' });
    consumer.send({ type: 'ping' });
    await consumer.next('pong');
    assert.deepEqual(
      consumer.ofType('error').map((m) => m.message),
      ['start: this server needs a token: add ?token=… to the socket URL or "token" to start', 'start: wrong token'],
    );
    assert.equal(consumer.ofType('started').length, 0);
    server.publish(predictions('replay', 3));
    await consumer.next('predictions');

    consumer.send({ ...START_INT16, token: 'sekrit' });
    assert.equal((await consumer.next('started')).stream, 's1');

    const viaUrl = await connect(`${server.wsUrl}?token=sekrit`);
    viaUrl.send(START_INT16);
    assert.equal((await viaUrl.next('started')).stream, 's2');

    await assert.rejects(CollectingClient.connect(`${server.wsUrl}?token=wrong`), /Unexpected server response: 401/);
  });

  it('takes the token from PHONESTREAM_TOKEN when no option is given', async () => {
    process.env.PHONESTREAM_TOKEN = 'from-env';
    const { server } = track(await serverWithRecorder());
    delete process.env.PHONESTREAM_TOKEN;
    const c = await connect(server.wsUrl);
    c.send(START_INT16);
    assert.match((await c.next('error')).message, /needs a token/);
    c.send({ ...START_INT16, token: 'from-env' });
    await c.next('started');
  });

  it('refuses browser connections from other origins, allows its own and listed ones', async () => {
    const { server } = track(await serverWithRecorder({ allowOrigins: ['http://localhost:5173'] }));
    await assert.rejects(
      CollectingClient.connect(server.wsUrl, { origin: 'https://evil.example' }),
      /Unexpected server response: 403/,
    );
    await assert.rejects(
      CollectingClient.connect(server.wsUrl, { origin: 'http://localhost:5174' }),
      /Unexpected server response: 403/,
    );
    await (await connect(server.wsUrl, { origin: `http://127.0.0.1:${server.port}` })).next('hello');
    await (await connect(server.wsUrl, { origin: 'http://localhost:5173' })).next('hello');
  });

  it('refuses a WebSocket upgrade on another path with 404', async () => {
    const { server } = track(await serverWithRecorder());
    await assert.rejects(CollectingClient.connect(`ws://127.0.0.1:${server.port}/other`), /Unexpected server response: 404/);
  });

  it('drops the oldest messages of a slow consumer and tells it, without slowing publish or other clients', async () => {
    const { server } = track(await serverWithRecorder({ queueLimit: 16 }));
    const fast = await connect(server.wsUrl);
    const slow = await connect(server.wsUrl);
    await fast.next('hello');
    await slow.next('hello');
    // The slow client stops reading: the kernel buffers fill, then its bufferedAmount grows.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const padding = 'x'.repeat(4000);
    const total = 2000; // 8 MB in all, more than loopback socket buffers hold
    // publish is synchronous and never waits for a client: what shows that a stalled client costs
    // the publisher nothing is that its queue stays bounded (drops, below) while the fast client
    // gets every message. No timing is asserted: a loaded machine would make it flaky.
    for (let n = 0; n < total; n += 1) {
      server.publish({ type: 'error', message: `${n} ${padding}` });
      if (n % 20 === 19) await sleep(1); // let the fast client read, as real chunks arrive 10 ms apart
    }
    await fast.until(() => fast.ofType('error').length === total, 'every message at the fast client', 15000);
    assert.equal(fast.ofType('dropped').length, 0);

    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const last = `${total - 1} ${padding}`;
    await slow.until(() => slow.ofType('error').some((m) => m.message === last), 'the newest message at the slow client', 15000);
    const dropped = slow.ofType('dropped').at(-1);
    assert.ok(dropped && dropped.count > 0, 'the slow client was told about drops');
    assert.equal(slow.ofType('error').length + dropped.count, total, 'received + dropped = published');
    const numbers = slow.ofType('error').map((m) => Number(m.message.split(' ')[0]));
    assert.deepEqual(numbers, [...numbers].sort((a, b) => a - b), 'what arrives stays in order');
  });

  it('closes a client that misses a heartbeat and keeps one that answers', async () => {
    // 400 ms: short for the test, long enough that a busy CI machine answers the pings in time.
    const { server } = track(await serverWithRecorder({ heartbeatMs: 400 }));
    const silent = await connect(server.wsUrl, { autoPong: false });
    const alive = await connect(server.wsUrl);
    const { code } = await silent.closed;
    assert.equal(code, 1006, 'terminated without a closing handshake');
    await sleep(900); // two more heartbeats
    assert.equal(alive.ws.readyState, alive.ws.OPEN);
    alive.send({ type: 'ping' });
    await alive.next('pong');
  });

  it('closes a connection whose message exceeds maxPayload (1009) and keeps serving', async () => {
    const { server } = track(await serverWithRecorder({ maxPayload: 1024 }));
    const c = await connect(server.wsUrl);
    c.send(START_INT16);
    await c.next('started');
    c.send(new Uint8Array(2048));
    assert.equal((await c.closed).code, 1009);
    const other = await connect(server.wsUrl);
    await other.next('hello');
  });

  it('serves page assets over GET, / as index.html, 404 otherwise', async () => {
    const html = new TextEncoder().encode('<!doctype html><title>phonestream</title>');
    const js = new TextEncoder().encode('console.log(1)');
    const { server } = track(
      await serverWithRecorder({
        assets: new Map([
          ['/index.html', { contentType: 'text/html; charset=utf-8', body: html }],
          ['/app.js', { contentType: 'text/javascript', body: js }],
        ]),
      }),
    );
    const root = await fetch(server.url);
    assert.equal(root.status, 200);
    assert.equal(root.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(await root.text(), '<!doctype html><title>phonestream</title>');
    const app = await fetch(new URL('/app.js', server.url));
    assert.equal(await app.text(), 'console.log(1)');
    assert.equal(app.headers.get('content-type'), 'text/javascript');
    const missing = await fetch(new URL('/nope.css', server.url));
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), 'not found: /nope.css\n');
    assert.equal((await fetch(new URL('/ws', server.url))).status, 404, 'plain GET of the socket path');
    assert.equal((await fetch(server.url, { method: 'POST' })).status, 405);
  });

  it('close() ends streams, disconnects clients with 1001 and completes producers$', async () => {
    const { server, completed } = await serverWithRecorder();
    let producersDone = false;
    server.producers$.subscribe({ complete: () => (producersDone = true) });
    const p = await connect(server.wsUrl);
    p.send(START_INT16);
    await p.next('started');
    await server.close();
    assert.deepEqual(await p.closedWithin(), { code: 1001, reason: 'server shutting down' });
    assert.ok(completed.has('s1'));
    assert.ok(producersDone);
    await assert.rejects(fetch(server.url));
    await server.close(); // idempotent
  });

  it('close() waits for the pipeline to flush: a producer gets its last predictions and end before 1001', async () => {
    const server = await startPredictionServer({ port: 0 });
    // A stand-in pipeline that flushes a little later than the stream ends, as a real one may.
    server.producers$.subscribe((p) =>
      p.pcm$.subscribe({
        complete: () =>
          setTimeout(() => {
            server.publish(predictions(p.id, 7));
            server.publish({ kind: 'end', stream: p.id, frames: 8 });
          }, 100),
      }),
    );
    const p = await connect(server.wsUrl);
    const consumer = await connect(server.wsUrl);
    p.send(START_INT16);
    await p.next('started');
    await server.close();
    for (const c of [p, consumer]) {
      const { code } = await c.closedWithin();
      assert.equal(code, 1001);
      assert.deepEqual(c.messages.slice(-2).map((m) => m.type), ['predictions', 'end'], 'the flush came before the close');
    }
    assert.equal(p.ofType('end')[0].frames, 8);
  });

  it('refuses connections while shutting down (503)', async () => {
    const server = await startPredictionServer({ port: 0, closeTimeoutMs: 2000 });
    server.producers$.subscribe(() => {}); // nobody publishes the end: close() waits its closeTimeoutMs
    const p = await connect(server.wsUrl);
    p.send(START_INT16);
    await p.next('started');
    const closed = server.close();
    await assert.rejects(CollectingClient.connect(server.wsUrl), /Unexpected server response: 503/);
    await closed;
  });

  it('limits producers to maxProducers: beyond it an error naming the limit, then close 1013; a freed slot is reusable', async () => {
    const { server, completed } = track(await serverWithRecorder({ maxProducers: 2 }));
    const [a, b, c] = [await connect(server.wsUrl), await connect(server.wsUrl), await connect(server.wsUrl)];
    a.send(START_INT16);
    await a.next('started');
    a.send(START_INT16); // a second start on the same socket replaces its stream, it takes no second slot
    await a.until(() => a.ofType('started').length === 2, 'a second started');
    b.send(START_INT16);
    await b.next('started');
    c.send(START_INT16);
    assert.deepEqual(await c.closedWithin(), { code: 1013, reason: 'too many producers' });
    assert.deepEqual(c.ofType('error').map((m) => m.message), [
      'start: the server already has 2 producers streaming, its limit (maxProducers); try again later',
    ]);
    assert.equal(c.ofType('started').length, 0);

    a.send({ type: 'stop' });
    const aStream = a.ofType('started')[1].stream;
    await a.until(() => completed.has(aStream), "a's stream to end on the server");
    const d = await connect(server.wsUrl);
    d.send(START_INT16);
    await d.next('started');
    assert.equal(a.ws.readyState, a.ws.OPEN, 'a consumer again, still connected');
  });

  it('closes a connection over maxMessagesPerSecond with 1008 after an error naming the limit; its stream fails', async () => {
    const { server, bytes, failed } = track(await serverWithRecorder({ maxMessagesPerSecond: 50 }));
    const flooder = await connect(server.wsUrl);
    const bystander = await connect(server.wsUrl);
    flooder.send(START_INT16);
    const { stream } = await flooder.next('started');
    // 500 messages sent at once reach the server in well under the 9 s it would take to stay
    // within 50 a second (after a 50-message burst).
    for (let k = 0; k < 500; k += 1) flooder.send(new Uint8Array([k & 0xff, 0]));
    assert.deepEqual(await flooder.closedWithin(), { code: 1008, reason: 'message rate limit' });
    assert.deepEqual(flooder.ofType('error').map((m) => m.message), [
      'rate: more than 50 messages a second from this connection (maxMessagesPerSecond); closing it',
    ]);
    assert.ok(bytes.get(stream)!.length < 500 * 2, 'the flood was cut off');
    assert.equal(
      failed.get(stream),
      'producer: closed by the server: rate: more than 50 messages a second from this connection (maxMessagesPerSecond); closing it',
    );
    bystander.send({ type: 'ping' });
    await bystander.next('pong');
  });

  it('closes a connection over maxBytesPerSecond with 1008 after an error naming the limit', async () => {
    const { server } = track(await serverWithRecorder({ maxPayload: 64 * 1024, maxBytesPerSecond: 256 * 1024 }));
    const c = await connect(server.wsUrl);
    // 4 MiB at once, 16 times the limit: refused audio (no stream) still counts.
    for (let k = 0; k < 64; k += 1) c.send(new Uint8Array(64 * 1024));
    assert.deepEqual(await c.closedWithin(), { code: 1008, reason: 'byte rate limit' });
    const errors = c.ofType('error').map((m) => m.message);
    assert.equal(errors.at(-1), 'rate: more than 262144 bytes a second from this connection (maxBytesPerSecond); closing it');
    assert.ok(errors.slice(0, -1).every((m) => m.startsWith('binary: audio received with no stream running')));
  });

  it('with requireTokenForConsumers, refuses a connection without ?token= (401) and serves one with it', async () => {
    const { server } = track(await serverWithRecorder({ token: 'sekrit', requireTokenForConsumers: true }));
    await assert.rejects(CollectingClient.connect(server.wsUrl), /Unexpected server response: 401/);
    await assert.rejects(CollectingClient.connect(`${server.wsUrl}?token=guess`), /Unexpected server response: 401/);
    const consumer = await connect(`${server.wsUrl}?token=sekrit`);
    await consumer.next('hello');
    server.publish(predictions('replay', 1));
    assert.equal((await consumer.next('predictions')).stream, 'replay');
  });

  it('negotiates the protocol by subprotocol: none or phonestream.v1 → 1, phonestream.v2 → 2, others refused (400)', async () => {
    const { server } = track(await serverWithRecorder());
    const plain = await connect(server.wsUrl);
    assert.equal((await plain.next('hello')).protocol, 1);
    assert.equal(plain.ws.protocol, '');
    const v1 = await connect(server.wsUrl, undefined, ['phonestream.v1']);
    assert.equal((await v1.next('hello')).protocol, 1);
    assert.equal(v1.ws.protocol, 'phonestream.v1');
    const v2 = await connect(server.wsUrl, undefined, ['phonestream.v1', 'phonestream.v2']);
    assert.equal((await v2.next('hello')).protocol, 2);
    assert.equal(v2.ws.protocol, 'phonestream.v2');
    await assert.rejects(CollectingClient.connect(server.wsUrl, undefined, ['chat']), /Unexpected server response: 400/);
    // The refusal's body names what the server speaks (a raw handshake: fetch will not send Upgrade).
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(server.wsUrl.replace('ws:', 'http:'), {
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'chat, x' },
      });
      req.on('response', (res) => {
        assert.equal(res.statusCode, 400);
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(body, 'handshake: no supported subprotocol in Sec-WebSocket-Protocol chat, x; this server speaks phonestream.v1, phonestream.v2\n');
    await (await connect(server.wsUrl)).next('hello'); // still serving
  });

  it('sends v2-only messages to v2 clients only, and end and started to v1 clients as v1 has them', async () => {
    const { server } = track(await serverWithRecorder());
    const consumers = { v1: await connect(server.wsUrl), v2: await connect(server.wsUrl, undefined, ['phonestream.v2']) };
    const producers = { v1: await connect(server.wsUrl), v2: await connect(server.wsUrl, undefined, ['phonestream.v2']) };
    producers.v1.send({ ...START_INT16, channels: 2 });
    producers.v2.send({ ...START_INT16, channels: 2 });
    assert.deepEqual(await producers.v1.next('started'), { type: 'started', stream: 's1' });
    assert.deepEqual(await producers.v2.next('started'), { type: 'started', stream: 's2', channels: 2 });
    const segment = { phone: 'aa', start: 0, end: 0.0175, p: 0.9, final: true, i: 0, n: 1 };
    for (const stream of ['s1', 's2']) {
      server.publish(predictions(stream, 0));
      server.publish({ type: 'segments', stream, segments: [segment] });
      server.publish({ type: 'end', stream, frames: 1, segments: [segment], truncated: false });
    }
    for (const c of [...Object.values(consumers), ...Object.values(producers)]) {
      await c.until(() => c.ofType('end').length === (c === producers.v1 || c === producers.v2 ? 1 : 2), 'the ends');
    }
    const types = (c: CollectingClient) => c.messages.map((m) => `${m.type}${m.stream ? ` ${m.stream}` : ''}`);
    assert.deepEqual(types(consumers.v1), ['hello', 'predictions s1', 'end s1', 'predictions s2', 'end s2']);
    assert.deepEqual(types(producers.v1), ['hello', 'started s1', 'predictions s1', 'end s1']);
    assert.deepEqual(types(consumers.v2), ['hello', 'predictions s1', 'segments s1', 'end s1', 'predictions s2', 'segments s2', 'end s2']);
    assert.deepEqual(types(producers.v2), ['hello', 'started s2', 'predictions s2', 'segments s2', 'end s2']);
    assert.deepEqual(consumers.v1.ofType('end')[0], { type: 'end', stream: 's1', frames: 1 });
    assert.deepEqual(consumers.v2.ofType('end')[0], { type: 'end', stream: 's1', frames: 1, segments: [segment], truncated: false });
  });

  it('reads start.channels: a bad value and audio that is not whole sample frames get errors naming them', async () => {
    const { server, bytes, producers } = track(await serverWithRecorder());
    const c = await connect(server.wsUrl, undefined, ['phonestream.v2']);
    c.send({ ...START_INT16, channels: 0 });
    c.send({ ...START_INT16, channels: 'stereo' });
    c.send({ ...START_INT16, channels: 2 });
    await c.next('started');
    c.send(new Uint8Array([1, 2, 3, 4]));
    c.send(new Uint8Array([5, 6, 7, 8, 9, 10])); // 1.5 stereo int16 frames
    c.send(new Uint8Array([11, 12, 13, 14]));
    c.send({ type: 'ping' });
    await c.next('pong');
    assert.deepEqual(c.ofType('error').map((m) => m.message), [
      'start: channels must be a whole number from 1 to 8 (interleaved channels of the PCM), got 0',
      'start: channels must be a whole number from 1 to 8 (interleaved channels of the PCM), got "stereo"',
      'binary: int16 PCM with channels 2 needs whole sample frames, a multiple of 4 bytes (2 channels × 2 bytes), got 6',
    ]);
    assert.equal(producers[0].channels, 2);
    assert.deepEqual(bytes.get('s1'), [1, 2, 3, 4, 11, 12, 13, 14], 'the misaligned message was dropped, the stream goes on');
    assert.equal(c.ws.readyState, c.ws.OPEN);
  });

  it('throws ConfigError at once for impossible options', async () => {
    const cases: [PredictionServerOptions, RegExp][] = [
      [{ port: 0, maxProducers: 0 }, /^maxProducers must be a positive integer, got 0$/],
      [{ port: 0, maxMessagesPerSecond: 2.5 }, /^maxMessagesPerSecond must be a positive integer, got 2.5$/],
      [{ port: 0, maxBytesPerSecond: 1000 }, /^maxBytesPerSecond \(1000\) must be at least maxPayload \(1048576\)/],
      [{ port: 0, requireTokenForConsumers: true }, /^requireTokenForConsumers needs a token/],
      [{ port: -1 }, /^port must be an integer from 0 to 65535, got -1$/],
      [{ port: 0, path: 'ws' }, /^path must start with "\/", got "ws"$/],
      [{ port: 0, queueLimit: 0 }, /^queueLimit must be a positive integer, got 0$/],
      [{ port: 0, heartbeatMs: 1.5 }, /^heartbeatMs must be a positive integer/],
      [{ port: 0, maxPayload: -5 }, /^maxPayload must be a positive integer/],
      [{ port: 0, token: '' }, /^token must be a non-empty string/],
      [{ port: 0, allowOrigins: ['localhost'] }, /^allowOrigins: "localhost" is not an origin/],
      [
        { port: 0, assets: new Map([['/ws', { contentType: 'text/plain', body: new Uint8Array() }]]) },
        /^path \/ws is both the WebSocket and a page asset$/,
      ],
    ];
    for (const [options, message] of cases) {
      await assert.rejects(startPredictionServer(options), (err: unknown) => err instanceof ConfigError && message.test(err.message));
    }
  });

  it('rejects with ConfigError when the port is taken', async () => {
    const { server } = track(await serverWithRecorder());
    await assert.rejects(startPredictionServer({ port: server.port }), (err: unknown) => {
      return err instanceof ConfigError && /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/.test(err.message);
    });
  });
});
