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
  /** Frees the converter (a libsamplerate one goes back to the pool, reset). Safe to call twice. */
  destroy(): void;
}
