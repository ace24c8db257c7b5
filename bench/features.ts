/**
 * `npm run bench:features [-- --corpus DIR] [-- --json] [-- --rounds N]`: how fast WAV files
 * become feature frames on one core (the JS main thread), with plain meyda measured side by side
 * in the same run, since this machine's timings are noisy and only ratios compare across runs.
 *
 * Per round, over every file of the corpus (default: the fixtures):
 * - phonestream: readAudioFile (decode, resample if needed) + toFeatureFrames (default 26 dims);
 * - plain meyda: the same framing and window, then `Meyda.extract('mfcc', paddedWindow)` per frame,
 *   which is how meyda is meant to be called (no deltas, no normalisation: a lower bound of its cost).
 * Rates are medians over rounds. With --json the last line is one JSON object.
 */
import { performance } from 'node:perf_hooks';
import Meyda from 'meyda';
import { from } from 'rxjs';
import { readAudioFile } from '../src/audio/read-audio-file.ts';
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

async function decodeAll(): Promise<{ ms: number; signals: Float32Array[] }> {
  const t0 = performance.now();
  const signals: Float32Array[] = [];
  for (const p of paths) signals.push((await readAudioFile(p)).samples);
  return { ms: performance.now() - t0, signals };
}

function ourFeatures(signals: Float32Array[]): { ms: number; frames: number } {
  const t0 = performance.now();
  let frames = 0;
  const op = toFeatureFrames(cfg);
  for (const s of signals) from([s]).pipe(op).subscribe(() => frames++);
  return { ms: performance.now() - t0, frames };
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

const endToEnd: number[] = [];
const featuresOnly: number[] = [];
const meydaOnly: number[] = [];
const decodeShare: number[] = [];
let frames = 0;
for (let r = 0; r < rounds; r++) {
  const decoded = await decodeAll();
  const ours = ourFeatures(decoded.signals);
  const ref = plainMeyda(decoded.signals);
  frames = ours.frames;
  endToEnd.push((ours.frames / (decoded.ms + ours.ms)) * 1000);
  featuresOnly.push((ours.frames / ours.ms) * 1000);
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
  featuresOnlyFramesPerSecond: Math.round(median(featuresOnly)),
  decodeShare: Number(median(decodeShare).toFixed(3)),
  meydaFramesPerSecond: Math.round(median(meydaOnly)),
  speedupVsMeyda: Number((median(featuresOnly) / median(meydaOnly)).toFixed(2)),
};

log(`input: ${corpus} (${result.files} files, ${result.audioSeconds} s of audio, ${frames} frames), median of ${rounds} rounds`);
log(`phonestream WAV → ${cfg.numCepstra + 1}×${1 + cfg.deltaOrder} features: ${result.framesPerSecond} frames/s = ${result.realTimeFactor}× real time (one core)`);
log(`  decoding share of that time: ${(100 * result.decodeShare).toFixed(1)}%; features alone: ${result.featuresOnlyFramesPerSecond} frames/s`);
log(`plain meyda (Meyda.extract('mfcc') per frame, statics only): ${result.meydaFramesPerSecond} frames/s`);
log(`features alone vs plain meyda: ${result.speedupVsMeyda}× faster`);
if (json) console.log(JSON.stringify(result));
