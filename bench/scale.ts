/**
 * bench:scale — one box against two workers (issue 12, "Training at scale" and "Beyond one box").
 *
 *   npm run bench:scale                              fixtures corpus, human-readable report
 *   npm run bench:scale -- --corpus ../shared/corpus --files 60 --json
 *   options: --corpus DIR (default fixtures/corpus), --files N (only the first N files of the
 *            listing), --held-out F (default 0.1), --average-every M (default 50), --combine mean|sum
 *            (default sum),
 *            --step-seconds S (each live ramp step, default 6), --max-streams N (default 64),
 *            --time-cap S (default 840: the live ramps stop stepping after it, and the whole run
 *            is killed 120 s later), --skip-training, --skip-live, --json
 *
 * Training: a real nats-server, N `phonestream trainer --once` child processes and the
 * coordinator (coordinateTraining, what `replay --nats` runs) in this process; one pass over the
 * same training files with N = 1 and N = 2, averaging every M updates. frames/s is the training
 * frames of all trainers over the time from the job's announcement to its last round; the
 * held-out accuracy is the final average's, scored here afterwards (not timed).
 *
 * Live: a `phonestream gateway` child process and N `phonestream worker` child processes (the
 * bundled checkpoint, --fixed-model), 16 partitions; real-time 48 kHz float32 producers (what the
 * page sends) are added in steps until a step fails the bound: every stream's `end` arrives and,
 * over the second half of each stream, the p95 latency stays under P95_BOUND_MS and the p99 under
 * P99_BOUND_MS. A frame's latency: its prediction's arrival at the producer − the send time of the
 * audio message holding the last sample the prediction needs (window, deltas, delay). Per worker:
 * the streams it predicted and its CPU time per stream-second during the largest sustained step.
 *
 * With --json the last line is exactly
 * {"training":{"workers1":{"framesPerSecond","heldOutAccuracy"},"workers2":{…}},"live":{"workers1":{"sustained48k"},"workers2":{…}}}
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg, cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { lastValueFrom, map, range, tap } from 'rxjs';
import { scoreCorpus } from '../pipelines/evaluate-corpus.ts';
import { createStreamResampler } from '../src/audio/create-stream-resampler.ts';
import { readAudioFile } from '../src/audio/read-audio-file.ts';
import { coordinateTraining } from '../src/cluster/coordinate-training.ts';
import { DEFAULT_FEATURE_CONFIG } from '../src/features/feature-config.ts';
import { selectBackend } from '../src/learner/select-backend.ts';
import type { ServerMessage } from '../src/server/messages.ts';
import { produceStream } from '../src/server/produce-stream.ts';
import { paceRealtime } from '../src/stream/pace-realtime.ts';
import { freePort, startNatsServer } from '../test/cluster/nats-server.ts';

/** The live bound: p95 and p99 latency over each stream's second half (ms), through gateway, NATS and worker. */
const P95_BOUND_MS = 150;
const P99_BOUND_MS = 300;
const STEPS = [1, 2, 4, 6, 8, 12, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 128];
const PARTITIONS = 16;
const cfg = DEFAULT_FEATURE_CONFIG;
const DELTA_LOOKAHEAD = cfg.deltaWindow * cfg.deltaOrder;
/** The bundled checkpoint's target delay (frames): its predictions need that many frames more. */
const DELAY = (JSON.parse(readFileSync('fixtures/checkpoint/model.json', 'utf8')) as { userDefinedMetadata: { phonestream: { config: { delay: number } } } }).userDefinedMetadata.phonestream.config.delay;

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : undefined;
};
const num = (name: string, fallback: number) => (option(name) === undefined ? fallback : Number(option(name)));
const corpus = option('corpus') ?? 'fixtures/corpus';
const files = option('files') === undefined ? null : Number(option('files'));
const heldOut = num('held-out', 0.1);
const averageEvery = num('average-every', 50);
const combine = (option('combine') ?? 'sum') as 'mean' | 'sum';
if (!['mean', 'sum'].includes(combine)) throw new Error(`--combine must be mean or sum, got ${combine}`);
const stepSeconds = num('step-seconds', 6);
const maxStreams = num('max-streams', 64);
const timeCap = num('time-cap', 840);
const json = args.includes('--json');
const startedAt = Date.now();
const children = new Set<ChildProcess>();
const say = (line: string) => console.log(line);

// The hard cap: a run that is still going 120 s after the time cap is stopped, children and all.
setTimeout(() => {
  console.error(`bench:scale: still running ${timeCap + 120} s after its start: stopped (raise --time-cap or lower --files)`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
}, (timeCap + 120) * 1000).unref();

const { backend } = await selectBackend();
say(`bench:scale: ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at start (the machine may be shared: every figure moves with its other load)`);
say(`corpus ${corpus}${files === null ? '' : `, first ${files} files`}, held out ${heldOut}, combining (${combine}) every ${averageEvery} updates, backend ${backend} here`);
const nats = await startNatsServer();
try {
  const training: Record<string, Awaited<ReturnType<typeof trainRun>>> = {};
  if (!args.includes('--skip-training')) {
    for (const w of [1, 2]) training[`workers${w}`] = await trainRun(w);
    const [a, b] = [training.workers1!, training.workers2!];
    say(`training: 2 workers ${(b.framesPerSecond / a.framesPerSecond).toFixed(2)}x the frames/s of 1 (goal ≥ 1.8x); held-out accuracy ${pct(b.heldOutAccuracy)} vs ${pct(a.heldOutAccuracy)} ` +
      `(${((b.heldOutAccuracy! - a.heldOutAccuracy!) * 100).toFixed(1)} points; goal within 1)`);
  }
  const live: Record<string, Awaited<ReturnType<typeof liveRun>>> = {};
  if (!args.includes('--skip-live')) {
    const audio = await audio48k(stepSeconds);
    for (const w of [1, 2]) live[`workers${w}`] = await liveRun(w, audio);
    const [a, b] = [live.workers1!, live.workers2!];
    say(`live: 2 workers sustained ${b.sustained48k} streams, 1 worker ${a.sustained48k} (${a.sustained48k > 0 ? (b.sustained48k / a.sustained48k).toFixed(2) : 'n/a'}x; goal ≥ 1.7x)`);
  }
  say(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')} at the end; ${((Date.now() - startedAt) / 1000).toFixed(0)} s in all`);
  if (json) {
    const t = (k: string) => (training[k] ? { framesPerSecond: training[k]!.framesPerSecond, heldOutAccuracy: training[k]!.heldOutAccuracy } : null);
    const l = (k: string) => (live[k] ? { sustained48k: live[k]!.sustained48k } : null);
    console.log(JSON.stringify({ training: { workers1: t('workers1'), workers2: t('workers2') }, live: { workers1: l('workers1'), workers2: l('workers2') } }));
  }
} finally {
  for (const c of children) c.kill('SIGTERM');
  await nats.stop();
}

/* ---------------- training ---------------- */

async function trainRun(workers: number) {
  const trainers = await Promise.all(Array.from({ length: workers }, (_, k) => startChild(['trainer', '--nats', nats.url, '--once', '--id', `bench${workers}-${k}`], /waiting for jobs/)));
  const result = await coordinateTraining({
    nats: nats.url, corpus: [corpus], files, heldOutFraction: heldOut, splitSeed: 1, orderSeed: null, epochs: 1, learner: {},
    features: cfg, workers, averageEvery, combine, roundTimeoutMs: 300_000, joinTimeoutMs: 60_000,
  });
  try {
    const score = result.heldOut.length === 0
      ? null
      : await lastValueFrom(scoreCorpus({ entries: result.heldOut, learner: result.learner, features: { ...cfg, normalization: { kind: 'fixed', stats: result.stats.toJSON() } } }));
    await Promise.all(trainers.map((t) => exited(t.child)));
    const framesPerSecond = result.last.frames / result.seconds;
    const perWorker = result.perTrainer.map((p) => ({ ...p, framesPerSecond: p.frames / result.seconds }));
    say(`training, ${workers} worker${workers === 1 ? '' : 's'}: ${result.last.frames} frames of ${result.train.length} files in ${result.seconds.toFixed(1)} s = ${framesPerSecond.toFixed(0)} frames/s, ` +
      `${result.last.round} rounds; held-out accuracy ${pct(score?.counts.accuracy() ?? null)} (${score?.counts.frames ?? 0} frames, ${result.heldOut.length} files); prequential ${pct(result.last.accuracy)}`);
    for (const p of perWorker) say(`  ${p.trainer} (shard ${p.slot}): ${p.frames} frames, ${p.utterances} utterances, ${p.updates} updates, ${p.framesPerSecond.toFixed(0)} frames/s`);
    return { framesPerSecond, heldOutAccuracy: score?.counts.accuracy() ?? null, frames: result.last.frames, seconds: result.seconds, rounds: result.last.round, perWorker };
  } finally {
    result.learner.dispose();
  }
}

/* ---------------- live ---------------- */

async function liveRun(workers: number, audio: Float32Array) {
  const port = await freePort();
  const gateway = await startChild(['gateway', '--nats', nats.url, '--port', String(port), '--partitions', String(PARTITIONS), '--max-producers', '1024', '--id', `bg${workers}`], /WebSocket (ws:\/\/\S+)\)/);
  const wsUrl = gateway.match[1]!;
  const ws = await Promise.all(Array.from({ length: workers }, (_, k) => startChild(['worker', '--nats', nats.url, '--partitions', String(PARTITIONS), '--fixed-model', '--id', `bw${workers}x${k}`], /^phonestream worker/)));
  try {
    // Leases settle: every worker holds its fair share (they renew every second).
    const fair = Math.floor(PARTITIONS / workers);
    const deadline = Date.now() + 20_000;
    while (ws.some((w) => held(w.lines) < fair) && Date.now() < deadline) await sleep(200);
    say(`live, ${workers} worker${workers === 1 ? '' : 's'}: partitions ${ws.map((w) => held(w.lines)).join(' + ')}; bound: every end arrives, p95 < ${P95_BOUND_MS} ms, p99 < ${P99_BOUND_MS} ms over each stream's second half`);
    let sustained = 0;
    let best: { perWorker: object[] } | null = null;
    for (const n of STEPS.filter((s) => s <= maxStreams)) {
      if ((Date.now() - startedAt) / 1000 > timeCap) {
        say(`  time cap (${timeCap} s) reached: the ramp stops at ${sustained}`);
        break;
      }
      const before = ws.map((w) => ({ cpu: cpuSeconds(w.child.pid!), predicting: predicting(w.lines) }));
      const step = await capacityRun(wsUrl, audio, n);
      const perWorker = ws.map((w, k) => {
        const streams = predicting(w.lines) - before[k]!.predicting;
        const cpu = cpuSeconds(w.child.pid!) - before[k]!.cpu;
        return { worker: `bw${workers}x${k}`, streams, cpuSeconds: cpu, cpuPerStreamSecond: streams > 0 ? cpu / (streams * stepSeconds) : null };
      });
      const ok = step.ended && step.p95 < P95_BOUND_MS && step.p99 < P99_BOUND_MS;
      say(`  ${String(n).padStart(3)} streams: p95 ${step.p95.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, ${step.ended ? 'every end arrived' : `${step.failed} stream(s) without an end`}; ` +
        perWorker.map((p) => `${p.worker} ${p.streams} streams ${p.cpuPerStreamSecond === null ? '' : `${(100 * p.cpuPerStreamSecond).toFixed(1)} % core/stream`}`).join(', ') + (ok ? '' : '  ← fails the bound'));
      if (!ok) break;
      sustained = n;
      best = { perWorker };
    }
    say(`  sustained ${sustained} real-time 48 kHz streams`);
    return { sustained48k: sustained, perWorker: best?.perWorker ?? [] };
  } finally {
    for (const c of [gateway, ...ws]) {
      c.child.kill('SIGTERM');
      await exited(c.child);
    }
  }
}

async function capacityRun(wsUrl: string, audio: Float32Array, producers: number) {
  const runs = await Promise.all(
    Array.from({ length: producers }, (_, k) =>
      sleep((k * 20) / producers).then(() =>
        produce(wsUrl, audio).then(
          (late) => ({ ok: true, late }),
          () => ({ ok: false, late: [] as number[] }),
        ),
      ),
    ),
  );
  const late = runs.flatMap((r) => r.late).sort((a, b) => a - b);
  const q = (p: number) => (late.length === 0 ? Infinity : late[Math.min(late.length - 1, Math.floor(p * late.length))]!);
  const failed = runs.filter((r) => !r.ok).length;
  return { ended: failed === 0, failed, p95: q(0.95), p99: q(0.99) };
}

/** One real-time 48 kHz float32 producer; the latencies (ms) of its second half's frames. */
async function produce(wsUrl: string, samples: Float32Array): Promise<number[]> {
  const rate = 48_000;
  const perMessage = rate / 50;
  const sendTimes: number[] = [];
  const pcm$ = range(0, Math.ceil(samples.length / perMessage)).pipe(
    map((k) => new Uint8Array(Float32Array.from(samples.subarray(k * perMessage, (k + 1) * perMessage)).buffer)),
    paceRealtime(50),
    tap(() => sendTimes.push(performance.now())),
  );
  const latencies: number[] = [];
  const lastFrame = Math.floor((samples.length / 3 - cfg.windowSize) / cfg.hopSize);
  const done = lastValueFrom(
    produceStream(wsUrl, { sampleRate: rate, encoding: 'float32' }, pcm$).pipe(
      tap((m: ServerMessage) => {
        if (m.type !== 'predictions') return;
        const at = performance.now();
        for (const f of m.frames) {
          if (f.i < lastFrame / 2) continue;
          const last16k = cfg.hopSize * (f.i + DELAY + DELTA_LOOKAHEAD) + cfg.windowSize - 1;
          const sent = sendTimes[Math.floor((Math.ceil((last16k + 1) * 3) - 1) / perMessage)];
          if (sent !== undefined) latencies.push(at - sent);
        }
      }),
    ),
  );
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no end in time')), (samples.length / rate) * 1000 + 10_000).unref());
  await Promise.race([done, timeout]);
  return latencies;
}

/** The first `seconds` of the fixtures' audio, upsampled to 48 kHz once, before any timing. */
async function audio48k(seconds: number): Promise<Float32Array> {
  const ids = ['LJ001-0042', 'LJ001-0174', 'LJ001-0104', 'LJ001-0078', 'LJ001-0002', 'LJ001-0008'];
  const parts = await Promise.all(ids.map((id) => readAudioFile(`fixtures/corpus/ljspeech/wav/${id}.wav`)));
  const all = new Float32Array(parts.reduce((n, p) => n + p.samples.length, 0));
  let at = 0;
  for (const p of parts) (all.set(p.samples, at), (at += p.samples.length));
  const r = await createStreamResampler(16_000, 48_000, 'best');
  const head = r.push(all.subarray(0, seconds * 16_000));
  const tail = r.flush();
  r.destroy();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/* ---------------- processes ---------------- */

/** A `phonestream` child process (the TypeScript sources), once its stderr printed `ready`. */
async function startChild(cli: string[], ready: RegExp): Promise<{ child: ChildProcess; lines: string[]; match: RegExpMatchArray }> {
  // The TypeScript sources under test, through tsx.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...cli], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const lines: string[] = [];
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`phonestream ${cli[0]}: not ready within 60 s: ${lines.slice(-5).join(' | ')}`)), 60_000);
    createInterface({ input: child.stderr! }).on('line', (line) => {
      lines.push(line);
      const m = line.match(ready);
      if (m) (clearTimeout(timer), resolve(m));
    });
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`phonestream ${cli[0]} exited (${code}): ${lines.slice(-5).join(' | ')}`))));
  });
  return { child, lines, match };
}

function exited(c: ChildProcess): Promise<void> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r()));
}
/** Partitions a worker holds now, from its log. */
function held(lines: string[]): number {
  return lines.filter((l) => / holds partition /.test(l)).length - lines.filter((l) => / gave up partition /.test(l)).length;
}
/** Distinct streams a worker predicted so far, from its log (a stream it ran twice counts once). */
function predicting(lines: string[]): number {
  return new Set(lines.map((l) => l.match(/: predicting (\S+)/)?.[1]).filter((id) => id !== undefined)).size;
}

/** User + system CPU seconds of a process, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`;
}
