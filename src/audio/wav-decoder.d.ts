// Types for wav-decoder 1.3 (the package ships none): only what decode-wav.ts uses.
declare module 'wav-decoder' {
  interface WavDecoded {
    numberOfChannels: number;
    length: number;
    sampleRate: number;
    channelData: Float32Array[];
  }
  interface Decode {
    (buffer: ArrayBuffer, opts?: { symmetric?: boolean }): Promise<WavDecoded>;
    sync(buffer: ArrayBuffer, opts?: { symmetric?: boolean }): WavDecoded;
  }
  const wavDecoder: { decode: Decode };
  export default wavDecoder;
}
