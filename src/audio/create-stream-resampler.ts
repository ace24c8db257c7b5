import libsamplerate from '@alexanderolsen/libsamplerate-js';
import { createFirDecimator } from './create-fir-decimator.ts';
import { usesFirDecimator } from './uses-fir-decimator.ts';

export type { ResamplerQuality, StreamResampler } from './stream-resampler.ts';
import type { ResamplerQuality, StreamResampler } from './stream-resampler.ts';

const QUALITY = { best: 0, medium: 1, fastest: 2 } as const;
// libsamplerate-js splits inputs over 4 MB itself and loses samples doing it; we stay far below.
const MAX_PIECE = 1 << 16;
const FLUSH_PAD = new Float32Array(1024);

/**
 * Opens a streaming libsamplerate converter (its `full` API, which keeps filter state between
 * calls), so chunked input gives one continuous output: the same samples, however the input was
 * cut, as converting it whole. The wasm module loads asynchronously (≈ 30 ms per converter).
 * When the rates are equal it copies samples through without loading anything. Downsampling by a
 * whole factor (48 or 32 kHz → 16 kHz) at `medium` or `fastest` uses `createFirDecimator`
 * instead (see `usesFirDecimator`): as good as `medium` or better, measured, at a fraction of
 * the CPU.
 *
 * `full` has no end-of-input flag, so {@link StreamResampler.flush} feeds zeros until the
 * expected output length floor(n × out / in) is reached; this matches libsamplerate's `simple`
 * API on the whole signal exactly (measured on 8, 22.05, 44.1 and 48 kHz inputs).
 *
 * @param inputRate Hz of the input, positive
 * @param outputRate Hz wanted (16000 for this project)
 * @param quality converter, default `best` (3× slower than `medium`, but keeps a 7 kHz tone
 *   within 0.01 dB where `medium` loses 0.3 dB)
 *
 * ## Example
 * ```ts
 * const r = await createStreamResampler(48000, 16000);
 * const a = r.push(chunk1), b = r.push(chunk2), tail = r.flush();
 * r.destroy();
 * ```
 */
export async function createStreamResampler(
  inputRate: number,
  outputRate: number,
  quality: ResamplerQuality = 'best',
): Promise<StreamResampler> {
  if (!(inputRate > 0) || !(outputRate > 0)) {
    throw new RangeError(`sample rates must be positive numbers, got ${inputRate} Hz → ${outputRate} Hz`);
  }
  if (inputRate === outputRate) return passThrough(inputRate);
  if (usesFirDecimator(inputRate, outputRate, quality)) return createFirDecimator(inputRate, outputRate);
  const src = await takeConverter(inputRate, outputRate, quality);
  let consumed = 0;
  let produced = 0;
  let destroyed = false;
  const convert = (chunk: Float32Array): Float32Array[] => {
    const pieces: Float32Array[] = [];
    for (let at = 0; at < chunk.length; at += MAX_PIECE) {
      pieces.push(src.full(chunk.subarray(at, Math.min(chunk.length, at + MAX_PIECE))));
    }
    return pieces;
  };
  return {
    inputRate,
    outputRate,
    push(chunk) {
      if (destroyed) throw new Error('resampler used after destroy()');
      consumed += chunk.length;
      const out = concat(convert(chunk));
      produced += out.length;
      return out;
    },
    flush() {
      if (destroyed) throw new Error('resampler used after destroy()');
      // The epsilon absorbs float error in n × ratio when the product is a whole number.
      const expected = Math.floor((consumed * outputRate) / inputRate + 1e-9);
      const tail: Float32Array[] = [];
      let got = produced;
      while (got < expected) {
        const out = src.full(FLUSH_PAD);
        tail.push(out);
        got += out.length;
      }
      const joined = concat(tail).subarray(0, Math.max(0, expected - produced));
      produced += joined.length;
      return joined;
    },
    destroy() {
      if (!destroyed) giveBack(inputRate, outputRate, quality, src);
      destroyed = true;
    },
  };
}

type Converter = Awaited<ReturnType<typeof libsamplerate.create>>;

/**
 * Converters ready for the next stream, per (rates, quality). Making one instantiates
 * libsamplerate's module anew: every `create()` builds its own asm.js instance with its own 26 MB
 * heap, and the module's C glue holds ONE converter state (init/destroy are module-wide), so one
 * module cannot serve two streams at once: sharing a module across concurrent streams is not
 * possible with this library. What can be shared is a module across streams in TIME: a stream's
 * converter is reset and kept here when the stream ends (up to {@link MAX_IDLE} per key), so a
 * server with streams coming and going makes a module only when more run at once than before.
 * Making one costs ≈ 30 ms idle and several hundred under load: a live stream starting cold would
 * queue its first chunks that long, so one spare is also made ahead in the background.
 */
const idle = new Map<string, Converter[]>();
const spares = new Map<string, Promise<Converter>>();
const MAX_IDLE = 4;

function makeConverter(inputRate: number, outputRate: number, quality: ResamplerQuality): Promise<Converter> {
  return libsamplerate.create(1, inputRate, outputRate, { converterType: QUALITY[quality] });
}

function takeConverter(inputRate: number, outputRate: number, quality: ResamplerQuality): Promise<Converter> {
  const key = `${inputRate}:${outputRate}:${quality}`;
  const reused = idle.get(key)?.pop();
  if (reused !== undefined) return Promise.resolve(reused);
  const spare = spares.get(key);
  spares.delete(key);
  // The next spare is made a moment later, not now, so it does not compete for the CPU with the
  // stream that is starting; unref: a pending refill must not keep the process alive (Node's
  // timers have it, a browser's timer is a number and needs none).
  const refill: unknown = setTimeout(() => prewarmResampler(inputRate, outputRate, quality), REFILL_DELAY_MS);
  (refill as { unref?: () => void }).unref?.();
  return spare ?? makeConverter(inputRate, outputRate, quality);
}

/** A finished stream's converter: reset to a fresh state and kept for the next stream, or freed. */
function giveBack(inputRate: number, outputRate: number, quality: ResamplerQuality, src: Converter): void {
  const key = `${inputRate}:${outputRate}:${quality}`;
  const list = idle.get(key) ?? [];
  if (list.length >= MAX_IDLE) {
    src.destroy();
    return;
  }
  // The library's converterType setter frees the C converter and initialises a new one: the
  // filter's history is gone, as in a freshly made converter (tested in prewarm-resampler.test.ts).
  src.converterType = QUALITY[quality];
  list.push(src);
  idle.set(key, list);
}

const REFILL_DELAY_MS = 1000;

/**
 * Makes a converter ahead of time, so the first stream at these rates starts without waiting for
 * libsamplerate to load (a server calls it at start-up for the rates browsers use).
 *
 * @param inputRate Hz, e.g. 48000
 * @param outputRate Hz (16000 here)
 * @param quality as for createStreamResampler
 */
export function prewarmResampler(inputRate: number, outputRate: number, quality: ResamplerQuality = 'best'): void {
  const key = `${inputRate}:${outputRate}:${quality}`;
  if (inputRate === outputRate || usesFirDecimator(inputRate, outputRate, quality) || spares.has(key)) return;
  const next = makeConverter(inputRate, outputRate, quality);
  next.catch(() => spares.delete(key));
  spares.set(key, next);
}

function passThrough(rate: number): StreamResampler {
  return {
    inputRate: rate,
    outputRate: rate,
    push: (chunk) => chunk.slice(),
    flush: () => new Float32Array(0),
    destroy: () => undefined,
  };
}

function concat(parts: Float32Array[]): Float32Array {
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
