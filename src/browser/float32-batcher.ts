/**
 * Collects audio samples into fixed-size batches: the AudioWorklet hands over 128-sample render
 * quanta (2.7 ms at 48 kHz), and one WebSocket message per quantum would be ~375 messages/s per
 * microphone. Batching to ~20 ms keeps messages few while adding at most 20 ms of latency.
 *
 * Runs inside the AudioWorklet (no DOM, no Node): plain arrays only.
 *
 * ## Example
 * ```ts
 * const batcher = new Float32Batcher(960);            // 20 ms at 48 kHz
 * for (const batch of batcher.push(quantum)) port.postMessage(batch, [batch.buffer]);
 * const rest = batcher.flush();                       // on stop: the partial batch, if any
 * ```
 */
export class Float32Batcher {
  private current: Float32Array;
  private filled = 0;

  /** @param batchSize - samples per batch (e.g. sampleRate × 0.02 for 20 ms); a positive integer. */
  constructor(readonly batchSize: number) {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`Float32Batcher: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.current = new Float32Array(batchSize);
  }

  /**
   * Appends samples (copied: the worklet reuses its input buffers) and returns the batches
   * completed by them, oldest first; each is a fresh array that may be transferred.
   */
  push(samples: Float32Array): Float32Array[] {
    const done: Float32Array[] = [];
    let read = 0;
    while (read < samples.length) {
      const n = Math.min(this.batchSize - this.filled, samples.length - read);
      this.current.set(samples.subarray(read, read + n), this.filled);
      this.filled += n;
      read += n;
      if (this.filled === this.batchSize) {
        done.push(this.current);
        this.current = new Float32Array(this.batchSize);
        this.filled = 0;
      }
    }
    return done;
  }

  /** Returns the partial batch (trimmed to its length) and empties the batcher; undefined if empty. */
  flush(): Float32Array | undefined {
    if (this.filled === 0) return undefined;
    const rest = this.current.slice(0, this.filled);
    this.filled = 0;
    return rest;
  }
}
