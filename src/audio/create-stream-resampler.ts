import libsamplerate from '@alexanderolsen/libsamplerate-js';

/** libsamplerate's sinc converters: `best` is flat to 97% of the output Nyquist, `medium` to 90%. */
export type ResamplerQuality = 'best' | 'medium' | 'fastest';

/** A running sample-rate converter for one mono stream. */
export interface StreamResampler {
  /** Hz */
  readonly inputRate: number;
  /** Hz */
  readonly outputRate: number;
  /** Converts the next input chunk; the output may lag the input by the filter's delay. */
  push(chunk: Float32Array): Float32Array;
  /** Ends the stream: returns the delayed tail, so the total output is floor(inputs × ratio) samples. */
  flush(): Float32Array;
  /** Frees the wasm converter. Safe to call twice. */
  destroy(): void;
}

const QUALITY = { best: 0, medium: 1, fastest: 2 } as const;
// libsamplerate-js splits inputs over 4 MB itself and loses samples doing it; we stay far below.
const MAX_PIECE = 1 << 16;
const FLUSH_PAD = new Float32Array(1024);

/**
 * Opens a streaming libsamplerate converter (its `full` API, which keeps filter state between
 * calls), so chunked input gives one continuous output: the same samples, however the input was
 * cut, as converting it whole. The wasm module loads asynchronously (≈ 30 ms per converter).
 * When the rates are equal it copies samples through without loading anything.
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
      if (!destroyed) src.destroy();
      destroyed = true;
    },
  };
}

type Converter = Awaited<ReturnType<typeof libsamplerate.create>>;

/**
 * One converter made ahead per (rates, quality) in use. Making one instantiates libsamplerate's
 * module with its own 26 MB heap, ≈ 30 ms idle and several hundred under load: a live stream
 * starting cold would queue its first chunks that long. Taking the spare and making the next one
 * in the background moves that cost off every stream but the first of its kind.
 */
const spares = new Map<string, Promise<Converter>>();

function makeConverter(inputRate: number, outputRate: number, quality: ResamplerQuality): Promise<Converter> {
  return libsamplerate.create(1, inputRate, outputRate, { converterType: QUALITY[quality] });
}

function takeConverter(inputRate: number, outputRate: number, quality: ResamplerQuality): Promise<Converter> {
  const key = `${inputRate}:${outputRate}:${quality}`;
  const spare = spares.get(key);
  spares.delete(key);
  // The next spare is made a moment later, not now, so it does not compete for the CPU with the
  // stream that is starting; unref: a pending refill must not keep the process alive.
  setTimeout(() => prewarmResampler(inputRate, outputRate, quality), REFILL_DELAY_MS).unref();
  return spare ?? makeConverter(inputRate, outputRate, quality);
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
  if (inputRate === outputRate || spares.has(key)) return;
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
