/**
 * `npm run bench:features [-- --corpus DIR] [-- --json] [-- --rounds N]`: how fast WAV files
 * become feature frames on one core (the JS main thread), with plain meyda measured side by side
 * in the same run, since this machine's timings are noisy and only ratios compare across runs.
 *
 * Per round, over every file of the corpus (default: the fixtures):
 * - phonestream: readAudioFile (decode, resample if needed) + toFeatureFrames (default 26 dims);
 * - plain meyda: the same framing and window, then `Meyda.extract('mfcc', paddedWindow)` per frame,
 *   which is how meyda is meant to be called (no deltas, no normalisation: a lower bound of its cost).
 * - resampling, measured apart because every corpus file here is already 16 kHz (LJ Speech's
 *   22.05 kHz recordings were resampled by sox): the first minute of the corpus is resampled to
 *   22.05 kHz once, untimed, then `resampleTo16k` (libsamplerate, `best`) is timed on it.
 * The WAV → features rate is split into its two stages too: decoding alone (file read + WAV decode,
 * readAudioFile, in frames of the audio it yields) and features alone (toFeatureFrames).
 * Rates are medians over rounds, per wall-clock second; `cpu…` figures divide by the process's CPU
 * time instead (process.cpuUsage), which on a shared machine is less inflated by waiting for a core.
 * With --json the last line is one JSON object.
 */
import { performance } from 'node:perf_hooks';
import Meyda from 'meyda';
import { from } from 'rxjs';
import { createStreamResampler } from '../src/audio/create-stream-resampler.ts';
import { readAudioFile } from '../src/audio/read-audio-file.ts';
import { resampleTo16k } from '../src/audio/resample-to-16k.ts';
import { listCorpus } from '../src/corpus/list-corpus.ts';
import { DEFAULT_FEATURE_CONFIG } from '../src/features/feature-config.ts';
import { frameSignal } from '../src/features/frame-signal.ts';
import { toFeatureFrames } from '../src/features/to-feature-frames.ts';
import { windowFunction } from '../src/features/window-function.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpus = option('--corpus') ?? 'fixtures/corpus';
const rounds = Number(option('--rounds') ?? 5);
const log = (line: string) => {
  if (!json) console.log(line);
  else console.error(line);
};

const cfg = DEFAULT_FEATURE_CONFIG;
const { entries } = await listCorpus(corpus);
if (entries.length === 0) throw new Error(`${corpus}: no audio files with labels found`);
const paths = entries.map((e) => e.audioPath);

const cpuMs = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};

async function decodeAll(): Promise<{ ms: number; cpu: number; signals: Float32Array[] }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const signals: Float32Array[] = [];
  for (const p of paths) signals.push((await readAudioFile(p)).samples);
  return { ms: performance.now() - t0, cpu: cpuMs(c0), signals };
}

function ourFeatures(signals: Float32Array[]): { ms: number; cpu: number; frames: number } {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let frames = 0;
  const op = toFeatureFrames(cfg);
  for (const s of signals) from([s]).pipe(op).subscribe(() => frames++);
  return { ms: performance.now() - t0, cpu: cpuMs(c0), frames };
}

type MeydaGlobal = { extract(f: string, s: Float32Array): number[] } & Record<string, unknown>;
const meyda = Meyda as unknown as MeydaGlobal;
Object.assign(meyda, { bufferSize: cfg.fftSize, sampleRate: cfg.sampleRate, windowingFunction: 'rect', melBands: cfg.melBands, numberOfMFCCCoefficients: cfg.numCepstra + 1 });
const window = windowFunction(cfg.window, cfg.windowSize);

function plainMeyda(signals: Float32Array[]): { ms: number; frames: number } {
  const t0 = performance.now();
  let frames = 0;
  for (const s of signals) {
    from([s])
      .pipe(frameSignal(cfg))
      .subscribe((frame) => {
        const padded = new Float32Array(cfg.fftSize);
        for (let n = 0; n < cfg.windowSize; n++) padded[n] = frame[n] * cfg.sampleScale * window[n];
        meyda.extract('mfcc', padded);
        frames++;
      });
  }
  return { ms: performance.now() - t0, frames };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Warm-up: JIT, meyda's lazily built tables, the file cache.
const warm = await decodeAll();
ourFeatures(warm.signals);
plainMeyda(warm.signals);
const audioSeconds = warm.signals.reduce((a, s) => a + s.length, 0) / cfg.sampleRate;

// The resampling stage on 22.05 kHz audio (made here from the first ~60 s of the corpus).
const resampleInput: Float32Array[] = [];
{
  let seconds = 0;
  for (const s of warm.signals) {
    if (seconds >= 60) break;
    const up = await createStreamResampler(cfg.sampleRate, 22050, 'best');
    const head = up.push(s);
    const tail = up.flush();
    up.destroy();
    const x = new Float32Array(head.length + tail.length);
    x.set(head);
    x.set(tail, head.length);
    resampleInput.push(x);
    seconds += s.length / cfg.sampleRate;
  }
}
async function resampleAll(): Promise<{ ms: number; frames: number }> {
  const t0 = performance.now();
  let samples = 0;
  for (const x of resampleInput) samples += (await resampleTo16k({ samples: x, sampleRate: 22050, source: 'bench' })).samples.length;
  // In frames of the 16 kHz output, to compare with the feature rates.
  return { ms: performance.now() - t0, frames: samples / cfg.hopSize };
}
await resampleAll();

const endToEnd: number[] = [];
const endToEndCpu: number[] = [];
const resampling: number[] = [];
const featuresOnly: number[] = [];
const decodeOnly: number[] = [];
const meydaOnly: number[] = [];
const decodeShare: number[] = [];
let frames = 0;
for (let r = 0; r < rounds; r++) {
  const decoded = await decodeAll();
  const ours = ourFeatures(decoded.signals);
  const ref = plainMeyda(decoded.signals);
  frames = ours.frames;
  endToEnd.push((ours.frames / (decoded.ms + ours.ms)) * 1000);
  endToEndCpu.push((ours.frames / (decoded.cpu + ours.cpu)) * 1000);
  const rs = await resampleAll();
  resampling.push((rs.frames / rs.ms) * 1000);
  featuresOnly.push((ours.frames / ours.ms) * 1000);
  decodeOnly.push((ours.frames / decoded.ms) * 1000);
  meydaOnly.push((ref.frames / ref.ms) * 1000);
  decodeShare.push(decoded.ms / (decoded.ms + ours.ms));
}

const framesPerSecond = median(endToEnd);
const result = {
  corpus,
  files: paths.length,
  audioSeconds: Number(audioSeconds.toFixed(2)),
  frames,
  rounds,
  framesPerSecond: Math.round(framesPerSecond),
  realTimeFactor: Number((framesPerSecond / 100).toFixed(1)),
  cpuFramesPerSecond: Math.round(median(endToEndCpu)),
  featuresOnlyFramesPerSecond: Math.round(median(featuresOnly)),
  decodeShare: Number(median(decodeShare).toFixed(3)),
  decodeOnlyFramesPerSecond: Math.round(median(decodeOnly)),
  meydaFramesPerSecond: Math.round(median(meydaOnly)),
  speedupVsMeyda: Number((median(featuresOnly) / median(meydaOnly)).toFixed(2)),
  resampleSeconds: Number((resampleInput.reduce((a, x) => a + x.length, 0) / 22050).toFixed(2)),
  resampleFramesPerSecond: Math.round(median(resampling)),
};

log(`input: ${corpus} (${result.files} files, ${result.audioSeconds} s of audio, ${frames} frames), median of ${rounds} rounds`);
log(`phonestream WAV → ${cfg.numCepstra + 1}×${1 + cfg.deltaOrder} features: ${result.framesPerSecond} frames/s = ${result.realTimeFactor}× real time (one core)`);
log(`  per CPU-second of the process: ${result.cpuFramesPerSecond} frames/s`);
log(`  decoding share of that time: ${(100 * result.decodeShare).toFixed(1)}%; features alone: ${result.featuresOnlyFramesPerSecond} frames/s; decoding alone: ${result.decodeOnlyFramesPerSecond} frames/s`);
log(`plain meyda (Meyda.extract('mfcc') per frame, statics only): ${result.meydaFramesPerSecond} frames/s`);
log(`features alone vs plain meyda: ${result.speedupVsMeyda}× faster`);
log(`resampling 22.05 → 16 kHz (libsamplerate best, ${result.resampleSeconds} s of audio, not in the figures above): ${result.resampleFramesPerSecond} output frames/s`);
if (json) console.log(JSON.stringify(result));
