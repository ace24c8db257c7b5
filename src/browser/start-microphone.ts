/** A running microphone capture; `stop()` resolves once the last samples were handed over. */
export interface MicrophoneCapture {
  /** Hz of the samples delivered: the AudioContext's rate (often 48000). */
  sampleRate: number;
  stop(): Promise<void>;
}

export interface MicrophoneOptions {
  /** URL of the bundled AudioWorklet module (`/mic-worklet.js`). */
  workletUrl: string;
  /** Milliseconds of audio per batch; 20 by default. */
  batchMs?: number;
  /** Called once, before any batch, with the sample rate of the batches to come. */
  onStart(sampleRate: number): void;
  /** Called with each batch of mono Float32 samples, in order. */
  onBatch(samples: Float32Array): void;
}

/**
 * Captures the microphone with getUserMedia and an AudioWorklet and delivers mono Float32 PCM in
 * ~20 ms batches at the AudioContext's sample rate (the server resamples; asking the browser for
 * 16 kHz is not honoured everywhere). Echo cancellation, noise suppression and gain control are
 * turned off: they distort the very spectra the model reads.
 *
 * Must be called from a user gesture (a click), or the AudioContext stays suspended.
 *
 * @param options - worklet URL, batch length (ms) and the callbacks.
 * @returns the running capture.
 * @throws the browser's error when the microphone is refused or missing (a DOMException such as
 *   NotAllowedError or NotFoundError).
 *
 * ## Example
 * ```ts
 * const mic = await startMicrophone({
 *   workletUrl: '/mic-worklet.js',
 *   onStart: (sampleRate) => socket.send(JSON.stringify({ type: 'start', sampleRate, encoding: 'float32' })),
 *   onBatch: (samples) => socket.send(samples),
 * });
 * await mic.stop();
 * ```
 */
export async function startMicrophone(options: MicrophoneOptions): Promise<MicrophoneCapture> {
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(options.workletUrl);
  } catch (err) {
    media.getTracks().forEach((track) => track.stop());
    await context.close();
    throw err;
  }
  const batchSize = Math.max(1, Math.round((context.sampleRate * (options.batchMs ?? 20)) / 1000));
  const node = new AudioWorkletNode(context, 'pcm-capture', {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
    processorOptions: { batchSize },
  });
  let flushed: () => void = () => {};
  const done = new Promise<void>((resolve) => (flushed = resolve));
  node.port.onmessage = (event: MessageEvent) => {
    if (event.data instanceof Float32Array) options.onBatch(event.data);
    else if (event.data === 'flushed') flushed();
  };
  options.onStart(context.sampleRate);
  const source = context.createMediaStreamSource(media);
  source.connect(node);
  // The node outputs silence; connecting it to the destination keeps the graph pulling it.
  node.connect(context.destination);
  await context.resume();

  let stopping: Promise<void> | undefined;
  return {
    sampleRate: context.sampleRate,
    stop() {
      stopping ??= (async () => {
        media.getTracks().forEach((track) => track.stop());
        node.port.postMessage('flush');
        // A closed or stalled context never answers; do not hang the page on it.
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 500))]);
        source.disconnect();
        node.disconnect();
        await context.close();
      })();
      return stopping;
    },
  };
}
