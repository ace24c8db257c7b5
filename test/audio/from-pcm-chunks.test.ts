import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { fromPcmChunks, type PcmChunk } from '../../src/audio/from-pcm-chunks.ts';
import { resampleTo16k } from '../../src/audio/resample-to-16k.ts';
import { ConfigError, InputError } from '../../src/errors.ts';

const int16 = (...xs: number[]): Uint8Array => new Uint8Array(Int16Array.from(xs).buffer);
const f32 = (...xs: number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer);

function cut(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const s of sizes) {
    if (at >= bytes.length) break;
    chunks.push(bytes.subarray(at, at + s));
    at += s;
  }
  if (at < bytes.length) chunks.push(bytes.subarray(at));
  return chunks;
}

async function run(chunks: PcmChunk[], sampleRate: number, encoding: 'int16' | 'float32'): Promise<Float32Array> {
  const outs = await lastValueFrom(from(chunks).pipe(fromPcmChunks({ sampleRate, encoding, source: 'test' }), toArray()));
  const all = new Float32Array(outs.reduce((n, o) => n + o.length, 0));
  let at = 0;
  for (const o of outs) {
    all.set(o, at);
    at += o.length;
  }
  return all;
}

describe('fromPcmChunks', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  });

  it('decodes int16 chunks at 16 kHz chunk by chunk, joining a sample split across chunks', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // 16384 = 0x4000 → 16384/32767; a sample split as [0x00] | [0x40 …].
      const source = cold('a-b-c-|', { a: int16(16384, -16384), b: new Uint8Array([0x00]), c: new Uint8Array([0x40, 0, 0x80]) });
      expectObservable(source.pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'int16', source: 's1' }))).toBe('a---c-|', {
        a: Float32Array.from([16384 / 32767, -0.5]),
        c: Float32Array.from([16384 / 32767, -1]),
      });
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('decodes float32 chunks and clips to [-1, 1]', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const bytes = f32(0.25, 1.5, -0.75);
      const source = cold('a-b|', { a: bytes.subarray(0, 6), b: bytes.subarray(6) });
      expectObservable(source.pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'float32', source: 's1' }))).toBe('a-b|', {
        a: Float32Array.from([0.25]),
        b: Float32Array.from([1, -0.75]),
      });
    });
  });

  it('errors naming the stream and sample for NaN, and unsubscribes from the source', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c|', { a: f32(0.1), b: f32(0.2, NaN), c: f32(0.3) });
      const err = new InputError('mic', 'sample 2 is NaN; samples must be finite numbers');
      expectObservable(source.pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'float32', source: 'mic' }))).toBe('a-#', { a: Float32Array.from([0.1]) }, err);
      expectSubscriptions(source.subscriptions).toBe('^-!');
    });
  });

  it('errors at completion when a partial sample is left over', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a-b|', { a: int16(1), b: new Uint8Array([7]) });
      const err = new InputError('s1', 'stream ended inside a sample: 1 stray byte(s); int16 PCM needs whole 2-byte samples');
      expectObservable(source.pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'int16', source: 's1' }))).toBe('a--#', { a: Float32Array.from([1 / 32767]) }, err);
    });
  });

  it('unsubscribes from the source when the subscriber unsubscribes', () => {
    scheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-a-a-a', { a: int16(0) });
      expectObservable(source.pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'int16', source: 's' })), '^--!').toBe('-a-', { a: Float32Array.from([0]) });
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('refuses bad options at once with a ConfigError', () => {
    assert.throws(() => fromPcmChunks({ sampleRate: 100, encoding: 'int16', source: 's' }), ConfigError);
    assert.throws(() => fromPcmChunks({ sampleRate: 16000, encoding: 'mp3' as 'int16', source: 's' }), /encoding must be "int16" or "float32"/);
  });

  it('gives exactly the same samples however 16 kHz input is chunked (property)', async () => {
    const samples = Int16Array.from({ length: 3001 }, (_, i) => Math.round(20000 * Math.sin(i * 0.3)) + (i % 7));
    const bytes = new Uint8Array(samples.buffer);
    const whole = await run([bytes], 16000, 'int16');
    assert.equal(whole.length, 3001);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { maxLength: 40 }), async (sizes) => {
        assert.deepEqual(await run(cut(bytes, sizes), 16000, 'int16'), whole);
      }),
      { numRuns: 50, seed: 42 },
    );
  });

  it('resamples 48 kHz float32 continuously: any chunking matches resampling the whole signal', async () => {
    const x = Float32Array.from({ length: 9601 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48000) + 0.1 * Math.sin(i * 0.9));
    const expected = (await resampleTo16k({ samples: x, sampleRate: 48000, source: 'x' })).samples;
    assert.equal(expected.length, 3200);
    const bytes = new Uint8Array(x.buffer);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 6000 }), { maxLength: 12 }), async (sizes) => {
        const got = await run(cut(bytes, sizes), 48000, 'float32');
        assert.equal(got.length, expected.length);
        let m = 0;
        for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i] - expected[i]));
        assert.ok(m < 1e-6, `max difference ${m}`);
      }),
      { numRuns: 6, seed: 7 },
    );
  });

  it('queues chunks that arrive while the resampler loads', async () => {
    const subject = new Subject<PcmChunk>();
    const result = lastValueFrom(subject.pipe(fromPcmChunks({ sampleRate: 8000, encoding: 'int16', source: 's' }), toArray()));
    // Pushed synchronously, before the wasm module can have loaded.
    subject.next(int16(...Array.from({ length: 800 }, (_, i) => Math.round(8000 * Math.sin(i / 5)))));
    subject.next(int16(...Array.from({ length: 800 }, (_, i) => Math.round(8000 * Math.sin((i + 800) / 5)))));
    subject.complete();
    const outs = await result;
    assert.equal(outs.reduce((n, o) => n + o.length, 0), 3200);
  });

  it('mixes interleaved channels to mono, whatever the chunking (a sample frame may be split)', async () => {
    const left = [1000, -2000, 3000, -32768, 32767];
    const right = [1000, 0, -3000, -32768, 32767];
    const stereo = int16(...left.flatMap((l, k) => [l, right[k]]));
    const mono = await run([int16(...left)], 16000, 'int16');
    const monoRight = await run([int16(...right)], 16000, 'int16');
    const expected = mono.map((x, k) => (x + monoRight[k]) / 2);
    for (const sizes of [[20], [1, 3, 5], [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], [7, 6]]) {
      const outs = await lastValueFrom(
        from(cut(stereo, sizes)).pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'int16', channels: 2, source: 'test' }), toArray()),
      );
      assert.deepEqual([...outs.flatMap((o) => [...o])], [...expected], `chunks ${sizes}`);
    }
    // the same signal on both channels is the mono signal exactly
    const twice = int16(...left.flatMap((l) => [l, l]));
    const outs = await lastValueFrom(from([twice]).pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'int16', channels: 2, source: 'test' }), toArray()));
    assert.deepEqual([...outs.flatMap((o) => [...o])], [...mono]);
  });

  it('fails a stream that ends inside a sample frame, and refuses a bad channel count at once', async () => {
    await assert.rejects(
      lastValueFrom(from([int16(1, 2, 3)]).pipe(fromPcmChunks({ sampleRate: 16000, encoding: 'int16', channels: 2, source: 's1' }))),
      (err: unknown) => err instanceof InputError && /^s1: stream ended inside a sample frame: 1 of 2 channels' samples/.test(err.message),
    );
    assert.throws(() => fromPcmChunks({ sampleRate: 16000, encoding: 'int16', channels: 9, source: 's1' }), ConfigError);
  });
});
