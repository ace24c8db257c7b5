/**
 * The AudioWorklet processor (bundled on its own and served as /mic-worklet.js): copies the
 * microphone's samples off the audio thread in ~20 ms Float32 batches. On the message "flush"
 * it posts the partial batch and then "flushed", and stops, so the page can send `stop` knowing
 * every captured sample went out first.
 */
import { Float32Batcher } from './float32-batcher.ts';

// The AudioWorkletGlobalScope is not in TypeScript's DOM lib; these are the parts used here.
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}
declare function registerProcessor(
  name: string,
  processor: new (options: { processorOptions?: { batchSize?: number } }) => AudioWorkletProcessor,
): void;

/** The name `startMicrophone` creates its AudioWorkletNode with. */
const PROCESSOR_NAME = 'pcm-capture';

class PcmCaptureProcessor extends AudioWorkletProcessor {
  private readonly batcher: Float32Batcher;
  private stopped = false;

  constructor(options: { processorOptions?: { batchSize?: number } }) {
    super();
    this.batcher = new Float32Batcher(options.processorOptions?.batchSize ?? 960);
    this.port.onmessage = (event: MessageEvent) => {
      if (event.data !== 'flush' || this.stopped) return;
      this.stopped = true;
      const rest = this.batcher.flush();
      if (rest) this.port.postMessage(rest, [rest.buffer]);
      this.port.postMessage('flushed');
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    // The node is created with channelCount 1 / 'explicit', so the browser has already mixed
    // the microphone down to mono; an input without channels means "no audio yet".
    const mono = inputs[0]?.[0];
    if (mono) {
      for (const batch of this.batcher.push(mono)) this.port.postMessage(batch, [batch.buffer]);
    }
    return true;
  }
}

registerProcessor(PROCESSOR_NAME, PcmCaptureProcessor);
