/**
 * `npm run bench:replay [-- CORPUS] [-- --epochs N] [-- --rounds N] [-- --threads N] [-- --json]`:
 * the replay's throughput single-threaded (`--threads 1`) against threaded (default: the cores),
 * measured in the same run, since this machine is shared and its timings are noisy: only the ratio
 * of two figures taken side by side means much.
 *
 * Each round runs `phonestream replay CORPUS --epochs N --quiet --summary …` once per setting, the
 * order alternating between rounds so neither always runs first (warm file cache, a neighbour's
 * load). Each figure is the CLI's own frames/s (training frames over the replay's wall time,
 * held-out scoring and worker start-up included; process start and TensorFlow.js loading excluded);
 * the best round of each setting is reported, best being least disturbed by other load. The
 * summaries' accuracies and losses must agree exactly between the settings, or the bench fails.
 *
 * Wall-clock rates on a loaded machine mostly measure the neighbours, so on Linux it also samples
 * the replay process's CPU time from /proc (every 100 ms until it exits): the main thread's (the
 * learner's critical path) and the rest of the process's (feature worker, GC and tfjs helpers).
 * Single-threaded main-thread CPU over the threaded run's larger share is the speed-up an otherwise
 * idle machine would allow: an estimate beside the measurement, not a substitute for it.
 * With --json the last line is one JSON object.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const valued = new Set(['--epochs', '--rounds', '--threads']);
const corpus = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? '')) ?? 'fixtures/corpus';
const epochs = Number(option('--epochs') ?? 1);
const rounds = Number(option('--rounds') ?? 3);
const threads = Number(option('--threads') ?? availableParallelism());
if (!Number.isInteger(threads) || threads < 2) throw new Error(`--threads ${threads}: compare 1 against 2 or more`);
const log = (line: string) => (json ? console.error(line) : console.log(line));

interface Summary {
  frames: number;
  framesPerSecond: number;
  seconds: number;
  pass1PrequentialAccuracy: number | null;
  lastPassTrainingAccuracy: number | null;
  heldOutAccuracy: number | null;
  loss: number | null;
  epochs: unknown[];
  threads: number;
}

const dir = await mkdtemp(join(tmpdir(), 'phonestream-bench-replay-'));
let n = 0;
/** CPU seconds of a live process, all threads and its main thread alone; undefined off Linux or once it exited. */
function cpuOf(pid: number): { process: number; main: number } | undefined {
  const ticks = (path: string) => {
    // fields after the parenthesised command name: utime and stime are the 12th and 13th
    const rest = readFileSync(path, 'utf8').split(') ')[1].split(' ');
    return (Number(rest[11]) + Number(rest[12])) / 100; // USER_HZ is 100 on Linux
  };
  try {
    return { process: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return undefined;
  }
}

async function replay(t: number): Promise<Summary & { cpu?: { process: number; main: number } }> {
  const summary = join(dir, `s${n++}.json`);
  const child = run(process.execPath, ['bin/phonestream.js', 'replay', corpus, '--epochs', String(epochs), '--threads', String(t), '--quiet', '--summary', summary], {
    maxBuffer: 64 << 20,
  });
  let cpu: { process: number; main: number } | undefined;
  const sampler = setInterval(() => (cpu = cpuOf(child.child.pid!) ?? cpu), 100);
  try {
    await child;
  } finally {
    clearInterval(sampler);
  }
  return { ...(JSON.parse(await readFile(summary, 'utf8')) as Summary), cpu };
}
/** What must not depend on the thread count. */
const results = (s: Summary) => JSON.stringify([s.frames, s.pass1PrequentialAccuracy, s.lastPassTrainingAccuracy, s.heldOutAccuracy, s.loss, s.epochs]);

const settings = [1, threads];
const fps = new Map<number, number[]>(settings.map((t) => [t, []]));
const cpus = new Map<number, { process: number; main: number }[]>(settings.map((t) => [t, []]));
let reference: string | undefined;
let frames = 0;
try {
  log(`replay of ${corpus}, ${epochs} epoch(s), --threads 1 vs --threads ${threads}, ${rounds} round(s); load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 === 0 ? settings : [...settings].reverse()) {
      const s = await replay(t);
      reference ??= results(s);
      if (results(s) !== reference) throw new Error(`--threads ${t} gave different results:\n${results(s)}\nvs\n${reference}`);
      frames = s.frames;
      fps.get(t)!.push(s.framesPerSecond);
      if (s.cpu) cpus.get(t)!.push(s.cpu);
      const cpu = s.cpu ? `; CPU s: main thread ${s.cpu.main.toFixed(1)}, rest ${(s.cpu.process - s.cpu.main).toFixed(1)}` : '';
      log(`round ${r + 1}: --threads ${t}: ${Math.round(s.framesPerSecond)} frames/s (${s.seconds.toFixed(1)} s${cpu})`);
    }
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
const best = (t: number) => Math.max(...fps.get(t)!);
const ratio = best(threads) / best(1);
log(`best of ${rounds}: --threads 1 ${Math.round(best(1))} frames/s, --threads ${threads} ${Math.round(best(threads))} frames/s: ${ratio.toFixed(2)}x (${frames} frames per run, results identical)`);
// The least CPU each setting needed: the main thread's, and the worker's, taken as what the rest
// of the threaded process used beyond the single-threaded one's rest (GC, compilers, tfjs helpers).
const minOf = (xs: number[]) => (xs.length ? Math.min(...xs) : NaN);
const singleMain = minOf(cpus.get(1)!.map((c) => c.main));
const singleRest = minOf(cpus.get(1)!.map((c) => c.process - c.main));
const threadedMain = minOf(cpus.get(threads)!.map((c) => c.main));
const workerCpu = (minOf(cpus.get(threads)!.map((c) => c.process - c.main)) - singleRest) / (threads - 1);
const threadedPath = Math.max(threadedMain, workerCpu);
const estimate = singleMain / threadedPath;
if (Number.isFinite(estimate)) {
  log(
    `CPU estimate for an idle machine: single-threaded main thread ${singleMain.toFixed(1)} s; threaded main thread ` +
      `${threadedMain.toFixed(1)} s, each worker ~${workerCpu.toFixed(1)} s: ${estimate.toFixed(2)}x (from CPU time, not a measurement)`,
  );
}
log(`load average after: ${loadavg()[0].toFixed(1)} (the machine is shared: other load lowers both figures, and the threaded one more)`);
if (json) {
  console.log(
    JSON.stringify({
      corpus,
      epochs,
      rounds,
      frames,
      threads,
      singleFramesPerSecond: best(1),
      threadedFramesPerSecond: best(threads),
      ratio,
      rounds1: fps.get(1),
      roundsThreaded: fps.get(threads),
      cpu1: cpus.get(1),
      cpuThreaded: cpus.get(threads),
      idleEstimate: Number.isFinite(estimate) ? estimate : null,
      identical: true,
    }),
  );
}
