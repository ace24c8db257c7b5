/**
 * `npm run bench:learner [-- --json] [-- --hour] [-- --frames N] [-- --repeats R] [-- --no-reference]`
 *
 * Ours against two PyTorch references (scripts/pytorch-bench.py, per-frame and --lean, Debian's /usr/bin/python3 with
 * python3-torch), side by side in one run, the same job for both: one thread, batch 1, 39 random
 * inputs, LSTM hidden 128, 61 outputs, Adam (lr 1e-3, clip 1), random labels; every frame predicted
 * (softmax, top 3) before the TBPTT(k1, k2) update every k1 frames. Rows: TBPTT(20, 20),
 * TBPTT(10, 40), framewise (an update after every frame: k1 = 1, k2 = 20), the forward-mode algorithms
 * snap1, eprop and uoro (an update after every frame, against PyTorch's framewise job), inference only. Each row runs ours and PyTorch alternately `repeats` times and
 * keeps each side's fastest run (the machine is shared: the minimum is the least disturbed).
 * Then the memory of a long training stream: RSS before and after (`--hour`: 360,000 frames, one
 * hour of 10 ms frames; by default 60,000 frames, ten minutes).
 * With `--json` the last line is `{"backend", "rows": [{"name", "k1", "k2", "msPerFrame",
 * "referenceMsPerFrame", "ratio"}], "memory": {...}}`.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { LearnerAlgorithm } from '../src/learner/learner-config.ts';
import { OnlineLearner } from '../src/learner/online-learner.ts';
import { selectBackend } from '../src/learner/select-backend.ts';

interface Row {
  name: string;
  algorithm: LearnerAlgorithm;
  k1: number;
  k2: number;
  msPerFrame: number;
  /** The faster of the two PyTorch references. */
  referenceMsPerFrame: number | null;
  /** PyTorch doing the same job as ours: a forward per frame, then the TBPTT update. */
  referencePerFrameMsPerFrame: number | null;
  /** PyTorch with one nn.LSTM call per window (no inference-only variant). */
  referenceLeanMsPerFrame: number | null;
  ratio: number | null;
}

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const json = flag('json');
const frames = option('frames', 3000);
const repeats = option('repeats', 3);
const warmup = 200;
const memoryFrames = flag('hour') ? 360_000 : option('memory-frames', 60_000);
const INPUTS = 39;
const HIDDEN = 128;
const OUTPUTS = 61;
const phones = Array.from({ length: OUTPUTS }, (_, i) => `ph${i}`);

/** Deterministic random frames and labels, made before timing. */
function data(n: number, seed: number): { xs: Float32Array[]; labels: string[] } {
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Roughly standard normal (sum of uniforms), like torch.randn.
  const xs = Array.from({ length: n }, () => Float32Array.from({ length: INPUTS }, () => (rand() + rand() + rand() + rand() - 2) * 1.7));
  const labels = Array.from({ length: n }, () => phones[Math.floor(rand() * OUTPUTS)]);
  return { xs, labels };
}

/** Ours: ms per frame over `frames` frames after a warm-up; k1 = 0 is inference only. */
function ours(k1: number, k2: number, algorithm: LearnerAlgorithm): number {
  const train = k1 > 0;
  const schedule = algorithm === 'tbptt' ? { k1, k2 } : { algorithm, k1 };
  const learner = new OnlineLearner({ inputSize: INPUTS, phones, hiddenSize: HIDDEN, ...(train ? schedule : {}), optimizer: 'adam', lr: 1e-3, clip: 1 });
  const stream = learner.openStream('bench', { train, topK: 3 });
  const { xs, labels } = data(warmup + frames, 7);
  for (let i = 0; i < warmup; i++) stream.push(xs[i], train ? labels[i] : undefined);
  const start = performance.now();
  for (let i = warmup; i < warmup + frames; i++) stream.push(xs[i], train ? labels[i] : undefined);
  const ms = (performance.now() - start) / frames;
  learner.dispose();
  return ms;
}

/**
 * PyTorch, ms per frame, or null when python3-torch is missing. `lean`: one nn.LSTM call per
 * window instead of a forward per frame (see scripts/pytorch-bench.py): faster, so the ratio is
 * taken against whichever of the two is faster, the stronger reference.
 */
function reference(k1: number, k2: number, lean: boolean): number | null {
  if (flag('no-reference')) return null;
  const args = ['scripts/pytorch-bench.py', '--k1', String(k1), '--k2', String(k2), '--frames', String(frames), '--warmup', String(warmup)];
  const r = spawnSync('/usr/bin/python3', lean ? [...args, '--lean'] : args, { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`PyTorch reference failed (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}); reporting ours only\n`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!).msPerFrame;
}

function memory(n: number): Record<string, number> {
  const learner = new OnlineLearner({ inputSize: INPUTS, phones, hiddenSize: HIDDEN, k1: 20, k2: 20 });
  const stream = learner.openStream('hour', { train: true });
  const { xs, labels } = data(1000, 11);
  const rssStart = process.memoryUsage().rss;
  // Warm-up: the optimiser creates its slots on the first update, the history ring fills.
  for (let i = 0; i < 1000; i++) stream.push(xs[i], labels[i]);
  stream.end();
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const tensorsBefore = tf.memory().numTensors;
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    stream.push(xs[i % 1000], labels[i % 1000]);
    // Utterances of ~5 s, as a corpus replay would have.
    if (i % 500 === 499) stream.end();
  }
  const seconds = (performance.now() - start) / 1000;
  global.gc?.();
  const out = {
    frames: n,
    streamSeconds: n / 100,
    rssStartMB: rssStart / 2 ** 20,
    rssBeforeMB: rssBefore / 2 ** 20,
    rssAfterMB: process.memoryUsage().rss / 2 ** 20,
    tensorsBefore,
    tensorsAfter: tf.memory().numTensors,
    wallSeconds: seconds,
  };
  learner.dispose();
  return out;
}

const { backend } = await selectBackend();
// The forward-mode rows update after every frame like the framewise row; PyTorch has no such
// method, so their reference is PyTorch's exact framewise job, TBPTT(1, 20) (issue 9's comparison).
// RTRL is not a row: it refuses hidden 128 (its real-time limit is in src/learner/algorithms/rtrl.ts).
const specs: [string, number, number, LearnerAlgorithm][] = [
  ['TBPTT(20, 20)', 20, 20, 'tbptt'], ['TBPTT(10, 40)', 10, 40, 'tbptt'], ['framewise', 1, 20, 'tbptt'],
  ['snap1 (per frame)', 1, 0, 'snap1'], ['eprop (per frame)', 1, 0, 'eprop'], ['uoro (per frame)', 1, 0, 'uoro'],
  ['inference only', 0, 0, 'tbptt'],
];
const rows: Row[] = [];
for (const [name, k1, k2, algorithm] of specs) {
  let best = Infinity;
  let perFrame: number | null = null;
  let lean: number | null = null;
  const min = (a: number | null, b: number | null): number | null => (b === null ? a : Math.min(a ?? Infinity, b));
  const [refK1, refK2] = algorithm === 'tbptt' ? [k1, k2] : [1, 20];
  // The forward-mode rows share the framewise row's PyTorch runs (the same job, already timed in this run).
  const shared = algorithm === 'tbptt' ? undefined : rows.find((r) => r.algorithm === 'tbptt' && r.k1 === 1 && r.k2 === 20);
  for (let r = 0; r < repeats; r++) {
    best = Math.min(best, ours(k1, k2, algorithm));
    if (shared) continue;
    perFrame = min(perFrame, reference(refK1, refK2, false));
    if (k1 > 0) lean = min(lean, reference(refK1, refK2, true));
  }
  if (shared) {
    perFrame = shared.referencePerFrameMsPerFrame;
    lean = shared.referenceLeanMsPerFrame;
  }
  const bestRef = min(perFrame, lean);
  rows.push({
    name, algorithm, k1, k2, msPerFrame: best,
    referenceMsPerFrame: bestRef, referencePerFrameMsPerFrame: perFrame, referenceLeanMsPerFrame: lean,
    ratio: bestRef === null ? null : best / bestRef,
  });
  if (!json) process.stdout.write(`  ${name}: done\n`);
}
const mem = memory(memoryFrames);

const f = (v: number | null, d = 3): string => (v === null ? '—' : v.toFixed(d));
const lines = [
  `learner benchmark — backend ${backend}, ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores), Node ${process.version}`,
  `batch 1, ${INPUTS} inputs, hidden ${HIDDEN}, ${OUTPUTS} outputs, Adam, ${frames} timed frames, best of ${repeats}, one thread each`,
  '',
  '| row | k1 | k2 | ours ms/frame | PyTorch, same job | PyTorch, lean | ratio (ours / faster PyTorch) |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.k1 || '—'} | ${r.k2 || '—'} | ${f(r.msPerFrame)} | ${f(r.referencePerFrameMsPerFrame)} | ${f(r.referenceLeanMsPerFrame)} | ${f(r.ratio, 2)} |`,
  ),
  '',
  'PyTorch, same job: a no-grad forward per frame (the live prediction), then the window with grad every k1 frames.',
  'PyTorch, lean: one nn.LSTM call per window, predictions read from it (no frame-by-frame output).',
  'snap1, eprop, uoro: an update after every frame with no window; their PyTorch columns are the exact framewise job, TBPTT(1, 20).',
  '',
  `memory, ${mem.frames} frames (${(mem.streamSeconds / 60).toFixed(0)} min of stream) of TBPTT(20, 20) training: RSS ${mem.rssBeforeMB.toFixed(1)} MB after a 1,000-frame warm-up → ${mem.rssAfterMB.toFixed(1)} MB at the end (${mem.rssStartMB.toFixed(1)} MB before the learner's first frame), tensors ${mem.tensorsBefore} → ${mem.tensorsAfter}, ${mem.wallSeconds.toFixed(1)} s`,
];
process.stdout.write(`${lines.join('\n')}\n`);
if (json) process.stdout.write(`${JSON.stringify({ backend, rows, memory: mem })}\n`);
