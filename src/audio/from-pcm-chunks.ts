import { Observable, type OperatorFunction } from 'rxjs';
import { ConfigError, InputError } from '../errors.ts';
import { createPcmDecoder, type PcmEncoding } from './create-pcm-decoder.ts';
import { createFirDecimator } from './create-fir-decimator.ts';
import { createStreamResampler, type ResamplerQuality, type StreamResampler } from './create-stream-resampler.ts';
import { mixToMono } from './mix-to-mono.ts';
import { usesFirDecimator } from './uses-fir-decimator.ts';

/** Options of {@link fromPcmChunks}. */
export interface PcmChunkOptions {
  /** Hz of the incoming PCM, 8000 to 192000. */
  sampleRate: number;
  /** little-endian */
  encoding: PcmEncoding;
  /** Interleaved channels, 1 to 8 (default 1); more than one are mixed to mono (equal weights, {@link mixToMono}). */
  channels?: number;
  /** stream name for error messages, e.g. `s1` or `mic` */
  source: string;
  /**
   * Converter when `sampleRate` is not 16000, default `best` (libsamplerate); `medium` or `fastest`
   * at 48 or 32 kHz use the FIR decimator (see `usesFirDecimator`), libsamplerate otherwise.
   */
  quality?: ResamplerQuality;
}

/** A chunk of PCM bytes as a socket or Node stream delivers it. */
export type PcmChunk = ArrayBuffer | ArrayBufferView;

/**
 * Turns a stream of raw PCM chunks (any length, varying; a sample may be split across chunks,
 * as WebSocket messages and Node Readable chunks are) into chunks of 16 kHz mono Float32 samples
 * in [-1, 1]. Other rates go through one streaming converter (libsamplerate, or the FIR decimator
for 48 and 32 kHz below `best` quality), so the output is
 * continuous across chunks: the concatenated output is the same whatever the chunking (exactly
 * at 16 kHz, to float rounding otherwise). On completion the converter's delayed tail is flushed,
 * giving floor(n × 16000 / sampleRate) samples in all.
 *
 * The source is subscribed at once: chunks arriving while the wasm converter loads are queued,
 * not lost. Empty output chunks are not emitted.
 *
 * @param options see {@link PcmChunkOptions}
 * @returns an operator from PCM chunks to Float32Array chunks at 16000 Hz
 * @throws ConfigError at once for a bad sample rate or encoding; the stream errors with an
 *   InputError naming `source` for NaN/infinite float32 samples or a partial sample at the end
 *
 * ## Example
 * ```ts
 * socketMessages$.pipe(fromPcmChunks({ sampleRate: 48000, encoding: 'float32', source: 's1' }), toFrames())
 * ```
 */
export function fromPcmChunks(options: PcmChunkOptions): OperatorFunction<PcmChunk, Float32Array> {
  const { sampleRate, encoding, source, quality = 'best', channels = 1 } = options;
  if (!(Number.isInteger(sampleRate) && sampleRate >= 8000 && sampleRate <= 192000)) {
    throw new ConfigError(`sampleRate must be an integer from 8000 to 192000 Hz, got ${JSON.stringify(sampleRate)}`);
  }
  if (encoding !== 'int16' && encoding !== 'float32') {
    throw new ConfigError(`encoding must be "int16" or "float32", got ${JSON.stringify(encoding)}`);
  }
  if (!(Number.isInteger(channels) && channels >= 1 && channels <= 8)) {
    throw new ConfigError(`channels must be an integer from 1 to 8, got ${JSON.stringify(channels)}`);
  }
  return (chunks) =>
    new Observable<Float32Array>((subscriber) => {
      const pcmDecoder = createPcmDecoder(encoding, source);
      const mixer = channels === 1 ? undefined : createChannelMixer(channels, source);
      const decoder = {
        decode: (chunk: PcmChunk) => (mixer ? mixer.mix(pcmDecoder.decode(chunk)) : pcmDecoder.decode(chunk)),
        end: () => {
          pcmDecoder.end();
          mixer?.end();
        },
      };
      let resampler: StreamResampler | null = null;
      // Decoded samples waiting for the converter to load; null once it is running.
      let queue: Float32Array[] | null = [];
      let ended = false;
      let closed = false;

      const emit = (x: Float32Array): void => {
        if (x.length === 0) return;
        for (let i = 0; i < x.length; i++) x[i] = x[i] > 1 ? 1 : x[i] < -1 ? -1 : x[i];
        subscriber.next(x);
      };
      const finish = (): void => {
        emit(resampler!.flush());
        subscriber.complete();
      };
      const start = (r: StreamResampler): void => {
        resampler = r;
        const waiting = queue!;
        queue = null;
        for (const x of waiting) emit(r.push(x));
        if (ended) finish();
      };

      if (sampleRate === 16000) {
        // No converter to load: keep this path synchronous, so it runs on virtual time in marble tests.
        start({ inputRate: 16000, outputRate: 16000, push: (x) => x, flush: () => new Float32Array(0), destroy: () => {} });
      } else if (usesFirDecimator(sampleRate, 16000, quality)) {
        // Nothing to load either (48 or 32 kHz at medium): the stream's first chunk is converted at once.
        start(createFirDecimator(sampleRate, 16000));
      } else {
        createStreamResampler(sampleRate, 16000, quality).then(
          (r) => (closed ? r.destroy() : start(r)),
          (err) => subscriber.error(err),
        );
      }

      const subscription = chunks.subscribe({
        next(chunk) {
          try {
            const x = decoder.decode(chunk);
            if (queue) queue.push(x);
            else emit(resampler!.push(x));
          } catch (err) {
            subscriber.error(err);
          }
        },
        error: (err) => subscriber.error(err),
        complete() {
          try {
            decoder.end();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          ended = true;
          if (!queue) finish();
        },
      });
      return () => {
        closed = true;
        subscription.unsubscribe();
        resampler?.destroy();
      };
    });
}

/**
 * Interleaved samples in chunks of any length → their mono mix; a sample frame split across chunks
 * is carried to the next one.
 */
function createChannelMixer(channels: number, source: string): { mix(x: Float32Array): Float32Array; end(): void } {
  const carry = new Float32Array(channels);
  let carried = 0;
  return {
    mix(x) {
      let joined = x;
      if (carried > 0) {
        joined = new Float32Array(carried + x.length);
        joined.set(carry.subarray(0, carried));
        joined.set(x, carried);
      }
      const frames = Math.floor(joined.length / channels);
      const split = Array.from({ length: channels }, () => new Float32Array(frames));
      for (let f = 0; f < frames; f++) for (let c = 0; c < channels; c++) split[c][f] = joined[f * channels + c];
      carried = joined.length - frames * channels;
      carry.set(joined.subarray(frames * channels));
      return mixToMono(split);
    },
    end() {
      if (carried !== 0) {
        throw new InputError(source, `stream ended inside a sample frame: ${carried} of ${channels} channels' samples; interleaved PCM needs whole frames`);
      }
    },
  };
}
