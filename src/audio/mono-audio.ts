/** Decoded audio, mixed to one channel. `source` names the file or stream, for error messages. */
export interface MonoAudio {
  samples: Float32Array;
  /** Hz */
  sampleRate: number;
  source: string;
}
