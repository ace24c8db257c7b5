/**
 * `npx tsx scripts/check-meyda-equivalence.ts CORPUS [--json]`: our MFCCs (createMfccExtractor,
 * the wasm kernel) against `Meyda.extract('mfcc')` on every frame of every audio file of a corpus,
 * with the default feature options, measured both ways the tests bound them:
 * - per frame: |ours − meyda| of c1..c12 over the frame's largest |coefficient| (c0 included),
 *   which test/features/create-mfcc-extractor.test.ts bounds by 1e-6;
 * - per coefficient: |ours − meyda| of c_k over c_k's standard deviation across the utterance,
 *   which the per-coefficient test bounds by 1e-4 (or 1e-5 absolute);
 * plus the largest absolute difference. Reports the worst file and frame of each, and how many
 * files exceed 1e-6 per frame. Exits 1 if any does.
 */
import Meyda from 'meyda';
import { readAudioFile } from '../src/audio/read-audio-file.ts';
import { listCorpus } from '../src/corpus/list-corpus.ts';
import { createMfccExtractor } from '../src/features/create-mfcc-extractor.ts';
import { DEFAULT_FEATURE_CONFIG } from '../src/features/feature-config.ts';
import { frameCount } from '../src/features/frame-count.ts';
import { windowFunction } from '../src/features/window-function.ts';

const args = process.argv.slice(2);
const corpus = args.find((a) => !a.startsWith('--'));
if (!corpus) {
  console.error('usage: check-meyda-equivalence.ts CORPUS [--json]');
  process.exit(2);
}
const cfg = DEFAULT_FEATURE_CONFIG;
type MeydaGlobal = { extract(f: string, s: Float32Array): number[] } & Record<string, unknown>;
const meyda = Meyda as unknown as MeydaGlobal;
Object.assign(meyda, { bufferSize: cfg.fftSize, sampleRate: cfg.sampleRate, windowingFunction: 'rect', melBands: cfg.melBands, numberOfMFCCCoefficients: cfg.numCepstra + 1 });
const window = windowFunction(cfg.window, cfg.windowSize);
const mfcc = createMfccExtractor(cfg);

interface Worst { value: number; file: string; frame: number; coefficient: number }
const worst = (): Worst => ({ value: 0, file: '', frame: -1, coefficient: -1 });
const perFrame = worst();
const perCoefficient = worst();
const absolute = worst();
let files = 0;
let frames = 0;
let filesOver = 0;

const { entries } = await listCorpus(corpus);
for (const { audioPath } of entries) {
  const { samples } = await readAudioFile(audioPath);
  // Pre-emphasis as frameBlocks does it (x[−1] = 0), in Float32 like the blocks.
  const y = new Float32Array(samples.length);
  for (let n = 0; n < samples.length; n++) y[n] = samples[n] - cfg.preEmphasis * (n > 0 ? samples[n - 1] : 0);
  const T = frameCount(y.length, cfg.windowSize, cfg.hopSize);
  const ours = mfcc(y, T);
  const ref: number[][] = [];
  const padded = new Float32Array(cfg.fftSize);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < cfg.windowSize; n++) padded[n] = y[t * cfg.hopSize + n] * cfg.sampleScale * window[n];
    ref.push(meyda.extract('mfcc', padded));
  }
  const spread = new Float64Array(cfg.numCepstra + 1);
  for (let k = 1; k <= cfg.numCepstra; k++) {
    let mean = 0;
    for (const r of ref) mean += r[k] / T;
    let variance = 0;
    for (const r of ref) variance += (r[k] - mean) ** 2 / T;
    spread[k] = Math.sqrt(variance);
  }
  let fileWorst = 0;
  for (let t = 0; t < T; t++) {
    const scale = Math.max(...ref[t].map(Math.abs));
    for (let k = 1; k <= cfg.numCepstra; k++) {
      const diff = Math.abs(ours[t][k - 1] - ref[t][k]);
      const note = (w: Worst, value: number) => {
        if (value > w.value) Object.assign(w, { value, file: audioPath, frame: t, coefficient: k });
      };
      note(perFrame, diff / scale);
      note(perCoefficient, diff / spread[k]);
      note(absolute, diff);
      fileWorst = Math.max(fileWorst, diff / scale);
    }
  }
  if (fileWorst > 1e-6) filesOver++;
  files++;
  frames += T;
}

const result = { corpus, files, frames, filesOverPerFrameTolerance: filesOver, perFrame, perCoefficient, absolute };
const show = (name: string, w: Worst) => console.log(`${name}: ${w.value.toExponential(3)} (${w.file} frame ${w.frame} c${w.coefficient})`);
console.log(`${files} files, ${frames} frames`);
show('worst |ours − meyda| / frame max |c|', perFrame);
show('worst |ours − meyda| / std of c_k over the utterance', perCoefficient);
show('worst |ours − meyda|', absolute);
console.log(`files over 1e-6 per frame: ${filesOver}`);
if (args.includes('--json')) console.log(JSON.stringify(result));
process.exit(filesOver > 0 ? 1 : 0);
