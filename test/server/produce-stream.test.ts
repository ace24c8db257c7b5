import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lastValueFrom, NEVER, of, toArray } from 'rxjs';
import { startPredictionServer, type PredictionServer } from '../../src/server/prediction-server.ts';
import { produceStream } from '../../src/server/produce-stream.ts';

const servers: PredictionServer[] = [];
afterEach(async () => Promise.all(servers.splice(0).map((s) => s.close())));

/** A server whose "pipeline" echoes one prediction per audio message and ends the stream on stop. */
async function echoServer(token?: string) {
  const server = await startPredictionServer({ port: 0, token });
  servers.push(server);
  server.producers$.subscribe((p) => {
    let i = 0;
    p.pcm$.subscribe({
      next: () => server.publish({ kind: 'predictions', stream: p.id, frames: [{ index: i, t: i++ / 100, label: 'aa', p: 1, top: [] }] }),
      complete: () => server.publish({ kind: 'end', stream: p.id, frames: i }),
    });
  });
  return server;
}

describe('produceStream', () => {
  it('starts, sends each chunk, stops, and completes after its own end', async () => {
    const server = await echoServer();
    const chunks = of(new Uint8Array(4), new Uint8Array(6), new Uint8Array(2));
    const messages = await lastValueFrom(produceStream(server.wsUrl, { sampleRate: 16000, encoding: 'int16' }, chunks).pipe(toArray()));
    assert.deepEqual(
      messages.map((m) => m.type),
      ['hello', 'started', 'predictions', 'predictions', 'predictions', 'end'],
    );
    assert.deepEqual(messages.at(-1), { type: 'end', stream: 's1', frames: 3 });
  });

  it('errors when the start is refused', async () => {
    const server = await echoServer('sekrit');
    await assert.rejects(
      lastValueFrom(produceStream(server.wsUrl, { sampleRate: 16000, encoding: 'int16' }, of())),
      /start refused: start: this server needs a token/,
    );
    const ok = await lastValueFrom(
      produceStream(server.wsUrl, { sampleRate: 16000, encoding: 'int16', token: 'sekrit' }, of()).pipe(toArray()),
    );
    assert.equal(ok.at(-1)!.type, 'end');
  });

  it("is not refused by another stream's error that reaches it before its own start is answered", async () => {
    let server: PredictionServer;
    // hello() runs for each new connection: an error about another stream is published right then,
    // while the new client is still a consumer (it receives every stream's messages).
    server = await startPredictionServer({
      port: 0,
      hello: () => {
        server.publish({ type: 'error', stream: 's99', message: 's99: closed by the server: rate limit' });
        return {};
      },
    });
    servers.push(server);
    server.producers$.subscribe((p) => p.pcm$.subscribe({ complete: () => server.publish({ kind: 'end', stream: p.id, frames: 0 }) }));
    const messages = await lastValueFrom(produceStream(server.wsUrl, { sampleRate: 16000, encoding: 'int16' }, of(new Uint8Array(4))).pipe(toArray()));
    assert.ok(messages.some((m) => m.type === 'error' && m.stream === 's99'), 'the other stream\'s error did reach it');
    assert.deepEqual(messages.at(-1), { type: 'end', stream: 's1', frames: 0 });
  });

  it('errors when the server goes away before the end', async () => {
    // No pipeline: the stream never ends, so close() stops waiting for its flush after 200 ms.
    const server = await startPredictionServer({ port: 0, closeTimeoutMs: 200 });
    servers.push(server);
    const run = lastValueFrom(produceStream(server.wsUrl, { sampleRate: 16000, encoding: 'int16' }, NEVER));
    await new Promise((r) => setTimeout(r, 100));
    // The error comes while close() is still waiting for its clients to go: expect it first.
    const rejected = assert.rejects(run, /socket closed \(code 1001\) before the end of stream s1/);
    await server.close();
    await rejected;
  });

  it('errors when the server reports its stream failed', async () => {
    const server = await startPredictionServer({ port: 0 });
    servers.push(server);
    server.producers$.subscribe((p) => server.publish({ type: 'error', stream: p.id, message: 'boom' }));
    await assert.rejects(
      lastValueFrom(produceStream(server.wsUrl, { sampleRate: 16000, encoding: 'int16' }, NEVER)),
      /stream s1 failed: boom/,
    );
  });
});
