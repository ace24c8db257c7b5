/**
 * bench:serve — latency and load of the live prediction server (issue 4, "Latency and load").
 *
 *   npm run bench:serve               human-readable report
 *   npm run bench:serve -- --json     … and a last line with the figures as one JSON object
 *   options: --seconds S (latency runs, default 10), --ramp-seconds S (default 5),
 *            --max-producers N (default 32; steps 1, 2, 4, … 32, 40, 48, 56, 64), --hidden H (default 128), --delay D (default 3),
 *            --format int16|float32 (one producer format only), --skip-latency (ramp only),
 *            --threads LIST (server thread counts to compare in this run, default "1,CORES": each gets
 *            its own server process and the same runs, one after the other)
 *
 * The server (startLiveMicrophone: default features, a fresh LSTM predicting only) runs in a
 * child process, as it would in production; producers and consumers are `ws` clients in this
 * process, so send and receive times are read on one clock. Two producer formats: 16 kHz int16
 * (file-to-socket) and 48 kHz float32 (what the page sends; resampled by the server). Besides
 * latencies, it reports the server process's CPU time per stream, a figure that does not move
 * with the machine's other load the way latency tails and the ramp do, and the server's RSS per
 * live stream: (RSS in the middle of the largest sustained ramp step − RSS before the ramp) / N.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { lastValueFrom, map, of, range, tap, toArray } from 'rxjs';
import { WebSocket } from 'ws';
import { startLiveMicrophone } from '../pipelines/live-microphone.ts';
import { createStreamResampler } from '../src/audio/create-stream-resampler.ts';
import { readAudioFile } from '../src/audio/read-audio-file.ts';
import { DEFAULT_FEATURE_CONFIG } from '../src/features/feature-config.ts';
import { featureDims } from '../src/features/feature-dims.ts';
import { RunningStats } from '../src/features/running-stats.ts';
import { toFeatureFrames } from '../src/features/to-feature-frames.ts';
import { PHONE_SETS } from '../src/labels/phone-sets.ts';
import { OnlineLearner } from '../src/learner/online-learner.ts';
import { selectBackend } from '../src/learner/select-backend.ts';
import type { ServerMessage } from '../src/server/messages.ts';
import { produceStream } from '../src/server/produce-stream.ts';
import { toInt16Pcm } from '../src/server/to-int16-pcm.ts';
import { paceRealtime } from '../src/stream/pace-realtime.ts';

const FIXTURES = ['LJ001-0042', 'LJ001-0174', 'LJ001-0104', 'LJ001-0078', 'LJ001-0002', 'LJ001-0008'].map(
  (id) => `fixtures/corpus/ljspeech/wav/${id}.wav`,
);
const cfg = DEFAULT_FEATURE_CONFIG;
/** Frames of look-ahead the deltas need before a frame's features exist (Θ per delta order). */
const DELTA_LOOKAHEAD = cfg.deltaWindow * cfg.deltaOrder;
/** Frames of a stream's start left out of the steady-state latency (0.5 s). */
const STEADY_FROM_FRAME = 50;
/** The ramp's latency goal: p99 over a step's second half below this (ms). */
const P99_GOAL_MS = 20;

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? Number(args[k + 1]) : fallback;
};
const hidden = option('hidden', 128);
const delay = option('delay', 3);

if (args.includes('--child')) await runServerChild();
else await main();

/* ---------------- the server process ---------------- */

async function runServerChild(): Promise<void> {
  const { backend } = await selectBackend();
  const learner = new OnlineLearner({ inputSize: featureDims(cfg), phones: [...PHONE_SETS.arpabet], hiddenSize: hidden, delay });
  // Warm the running normalisation up on one file first, as a server that has been running would
  // be: otherwise the first 100 frames of every stream wait for their statistics (1 s).
  const runningStats = new RunningStats(featureDims(cfg));
  const warm = await readAudioFile(FIXTURES[1]);
  await lastValueFrom(of(warm.samples).pipe(toFeatureFrames(cfg, { runningStats }), toArray()));
  const threads = option('server-threads', 1);
  const server = await startLiveMicrophone({ port: 0, learner, featureConfig: cfg, normalizationPrior: runningStats, threads });
  process.stdout.write(`${JSON.stringify({ wsUrl: server.wsUrl, backend, hidden, delay, threads })}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
  // The parent asks for this process's CPU time, to tell the server's cost from the machine's load.
  // And its RSS, for the memory per stream.
  process.on('message', () => process.send!({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss }));
}

/* ---------------- the client process ---------------- */

interface Stats {
  n: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

/** What producers send: 16 kHz int16 (file-to-socket) or 48 kHz float32 (what the page's worklet sends). */
interface Format {
  name: string;
  sampleRate: number;
  encoding: 'int16' | 'float32';
  /** The audio at `sampleRate`. */
  samples: Float32Array;
}

interface RampStep {
  producers: number;
  /** Every stream's end arrived and the p99 latency over the run's second half is under 20 ms. */
  keepsUp: boolean;
  /** The looser test the ramp stops on: every end arrived and p95 < 100 ms (no growing backlog). */
  keepsUpP95: boolean;
  median: number;
  p95: number;
  p99: number;
  serverCpuPerStream: number;
  /** The server process's RSS in the middle of the step (MB). */
  serverRssMB: number;
}


async function main(): Promise<void> {
  const list = args.includes('--threads') ? args[args.indexOf('--threads') + 1] : `1,${cpus().length}`;
  const threadCounts = [...new Set(list.split(',').map(Number))];
  if (threadCounts.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--threads: expected a list of integers ≥ 1, got ${list}`);
  const runs: object[] = [];
  for (const threads of threadCounts) {
    console.log(`\n=== server with ${threads} thread(s)${threads > 1 ? ` (main + ${threads - 1} live worker(s))` : ''} ===`);
    runs.push({ threads, ...(await benchServer(threads)) });
  }
  if (args.includes('--json')) console.log(JSON.stringify({ ...runs.at(-1), runs }));
}

/** Every latency run and ramp against one server process with `threads` threads; the figures as one object. */
async function benchServer(threads: number): Promise<object> {
  const seconds = option('seconds', 10);
  const rampSeconds = option('ramp-seconds', 5);
  const maxProducers = option('max-producers', 32);

  const audio16k = await concatenatedFixtures();
  const only = args.includes('--format') ? args[args.indexOf('--format') + 1] : undefined;
  const formats: Format[] = [
    { name: '16 kHz int16', sampleRate: 16000, encoding: 'int16' as const, samples: audio16k },
    { name: '48 kHz float32 (browser-like)', sampleRate: 48000, encoding: 'float32' as const, samples: await upsample(audio16k, 48000) },
  ].filter((f) => only === undefined || f.encoding === only);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', '--server-threads', String(threads), ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const serverStats = async (): Promise<{ cpuMs: number; rssMB: number }> => {
    child.send('stats');
    const [{ cpu, rss }] = (await once(child, 'message')) as [{ cpu: NodeJS.CpuUsage; rss: number }];
    return { cpuMs: (cpu.user + cpu.system) / 1000, rssMB: rss / 1e6 };
  };
  const serverCpuMs = async (): Promise<number> => (await serverStats()).cpuMs;
  try {
    const info = JSON.parse(await firstLine(child)) as { wsUrl: string; backend: string };
    console.log(`bench:serve — server (startLiveMicrophone, ${threads} thread(s)) in a child process, ${info.backend} backend, LSTM hidden ${hidden} predicting only,`);
    console.log(`  target delay ${delay} frames, default features (26 dims, running normalisation pre-warmed), 48 kHz resampled at 'medium' quality`);
    console.log(`  (the FIR decimator), predicting streams batched per event-loop turn;`);
    console.log(`  producers send 20 ms messages at real time.`);
    const load = loadavg().map((x) => x.toFixed(1)).join(' ');
    console.log(`machine: ${cpus().length} cores, load average ${load} at start (other processes share the cores: latency tails and the ramp move with it).`);
    console.log(
      `latency of frame i = arrival of its prediction − sending of the message holding 16 kHz sample 160·(i+${delay}+${DELTA_LOOKAHEAD})+399\n` +
        `  (at 48 kHz, the message holding the matching input sample), i.e. the last sample the prediction can depend on:\n` +
        `  the target delay (${delay} frames) and the delta look-ahead (${DELTA_LOOKAHEAD} frames) are excluded, the resampler's delay is not.\n` +
        `  Tail frames flushed by stop are left out. "after first 0.5 s" leaves out a stream's set-up.`,
    );

    const latency: Record<string, { producer: Stats; producerSteady: Stats; consumers: Stats | null; dropped: number }> = {};
    for (const format of args.includes('--skip-latency') ? [] : formats) {
      for (const consumers of [1, 8]) {
        const run = await latencyRun(info.wsUrl, clip(format, seconds), consumers);
        latency[`${format.sampleRate}-${format.encoding}-consumers${consumers}`] = run;
        console.log(
          `${format.name}, 1 producer + ${consumers} consumer(s), ${seconds} s:\n` +
            `    producer, all frames:        ${fmt(run.producer)}\n` +
            `    producer, after first 0.5 s: ${fmt(run.producerSteady)}\n` +
            `    consumers, all frames:       ${run.consumers ? fmt(run.consumers) : '-'}${run.dropped ? `; ${run.dropped} messages dropped` : ''}`,
        );
      }
    }

    console.log(`capacity: real-time producers (and 1 consumer), ${rampSeconds} s each; "keeps up" = every stream's end arrives,`);
    console.log(`  and the p99 latency over the second half of the run stays under ${P99_GOAL_MS} ms. The ramp goes on until a step falls behind`);
    console.log(`  (an end missing, or p95 ≥ 100 ms: a growing backlog), so one noisy tail on a shared machine does not end it.`);
    console.log(`  server CPU = the server process's CPU time per second of audio per stream (independent of the machine's load).`);
    const ramps: Record<string, { steps: RampStep[]; sustained: number; sustainedP95: number; serverCpuPerStream: number }> = {};
    // RSS with no stream running, after the latency runs warmed the heap up: the base of rssPerStreamMB.
    const idleRssMB = (await serverStats()).rssMB;
    let rssPerStreamMB: number | null = null;
    for (const format of formats) {
      console.log(`  ${format.name}:`);
      const steps: RampStep[] = [];
      let sustained = 0;
      let sustainedP95 = 0;
      for (const producers of [1, 2, 4, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 56, 64].filter((p) => p <= maxProducers)) {
        const cpu0 = await serverCpuMs();
        const rss = new Promise<number>((resolve) => setTimeout(() => void serverStats().then((st) => resolve(st.rssMB)), rampSeconds * 600));
        const step = await capacityRun(info.wsUrl, clip(format, rampSeconds), producers);
        const serverRssMB = await rss;
        const serverCpuPerStream = ((await serverCpuMs()) - cpu0) / (producers * rampSeconds * 1000);
        steps.push({ producers, ...step, serverCpuPerStream, serverRssMB });
        console.log(
          `    ${String(producers).padStart(2)} producers: median ${step.median.toFixed(1)} ms, p95 ${step.p95.toFixed(1)} ms, p99 ${step.p99.toFixed(1)} ms, ` +
            `server CPU ${(serverCpuPerStream * 100).toFixed(1)} % of a core per stream, RSS ${serverRssMB.toFixed(0)} MB → ` +
            `${step.keepsUp ? 'keeps up' : step.keepsUpP95 ? `p99 ≥ ${P99_GOAL_MS} ms` : 'falls behind'}`,
        );
        if (step.keepsUp) sustained = producers;
        if (!step.keepsUpP95) break;
        sustainedP95 = producers;
      }
      // At the most producers that kept up: fixed costs (heartbeat, the consumer) are spread thinnest there.
      const serverCpuPerStream = (steps.filter((r) => r.keepsUp).at(-1) ?? steps[0]).serverCpuPerStream;
      ramps[`${format.sampleRate}-${format.encoding}`] = { steps, sustained, sustainedP95, serverCpuPerStream };
      const top = steps.find((r) => r.producers === sustainedP95);
      // Per live stream, at the most streams that all ran to their end (48 kHz when it runs: the costlier format).
      if (top !== undefined && (format.sampleRate === 48000 || rssPerStreamMB === null)) rssPerStreamMB = (top.serverRssMB - idleRssMB) / top.producers;
      console.log(
        `    sustained ${sustained} concurrent real-time producers with p99 < ${P99_GOAL_MS} ms (goal ≥ 50 at 48 kHz), ${sustainedP95} with p95 < 100 ms; server cost ${(serverCpuPerStream * 100).toFixed(1)} % of one core ` +
          `per stream (all its threads) → about ${Math.floor(1 / serverCpuPerStream)} streams per idle core.`,
      );
    }
    const summary = (key: string) =>
      latency[key] ? `${latency[key].producer.p99.toFixed(1)} ms (all frames), ${latency[key].producerSteady.p99.toFixed(1)} ms (after 0.5 s)` : '(skipped)';
    console.log(`summary (goal: p99 < 20 ms, ≥ 50 streams at 48 kHz; ≤ 5 MB RSS per stream):`);
    console.log(`  server RSS ${idleRssMB.toFixed(0)} MB idle; per live stream ${rssPerStreamMB === null ? '-' : rssPerStreamMB.toFixed(2)} MB`);
    for (const format of formats) {
      const key = `${format.sampleRate}-${format.encoding}`;
      console.log(
        `  ${format.name}: p99 latency 1 producer + 1 consumer ${summary(`${key}-consumers1`)}; + 8 consumers ${summary(`${key}-consumers8`)}; ` +
          `${ramps[key].sustained} concurrent producers sustained`,
      );
    }
    return {
      backend: info.backend,
      hidden,
      delay,
      deltaLookahead: DELTA_LOOKAHEAD,
      loadAverage: loadavg()[0],
      seconds,
      rampSeconds,
      latency,
      ramps,
      idleRssMB,
      rssPerStreamMB,
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

/** The first `seconds` of a format's audio. */
function clip(format: Format, seconds: number): Format {
  return { ...format, samples: format.samples.subarray(0, seconds * format.sampleRate) };
}

/** One producer streaming at real time, `consumers` plain clients listening; latencies in ms. */
async function latencyRun(wsUrl: string, format: Format, consumers: number) {
  const listeners = await Promise.all(Array.from({ length: consumers }, () => listen(wsUrl)));
  const { latencies, sendTimes, stream } = await produce(wsUrl, format);
  await new Promise((r) => setTimeout(r, 200)); // the consumers' last messages
  const consumerLatencies = listeners.flatMap((l) => l.latencies(stream, sendTimes, format));
  const dropped = listeners.reduce((sum, l) => sum + l.dropped, 0);
  for (const l of listeners) l.ws.close();
  return {
    producer: stats(latencies()),
    // Without a stream's first 0.5 s: what a running microphone sees once its stream is set up.
    producerSteady: stats(latencies(STEADY_FROM_FRAME)),
    consumers: consumerLatencies.length ? stats(consumerLatencies) : null,
    dropped,
  };
}

async function capacityRun(wsUrl: string, format: Format, producers: number) {
  const listener = await listen(wsUrl);
  const runs = await Promise.all(
    Array.from({ length: producers }, (_, k) =>
      // Stagger the starts over one message period, as independent microphones would be.
      new Promise((r) => setTimeout(r, (k * 20) / producers)).then(() =>
        produce(wsUrl, format, 10_000).then(
          (run) => ({ ok: true, late: run.latencies().slice(Math.floor(run.latencies().length / 2)) }),
          () => ({ ok: false, late: [] as number[] }),
        ),
      ),
    ),
  );
  listener.ws.close();
  const late = runs.flatMap((r) => r.late);
  const s = late.length ? stats(late) : { median: Infinity, p95: Infinity, p99: Infinity };
  const ended = runs.every((r) => r.ok);
  return { keepsUp: ended && s.p99 < P99_GOAL_MS, keepsUpP95: ended && s.p95 < 100, p95: s.p95, p99: s.p99, median: s.median };
}

/** Streams a format's audio at real time as one producer; the latency of each of its predicted frames. */
async function produce(wsUrl: string, format: Format, endTimeoutMs = 5000) {
  const { samples, sampleRate, encoding } = format;
  const perMessage = sampleRate / 50; // 20 ms
  const sendTimes: number[] = [];
  const pcm$ = range(0, Math.ceil(samples.length / perMessage)).pipe(
    map((k) => samples.subarray(k * perMessage, (k + 1) * perMessage)),
    map((x) => (encoding === 'int16' ? toInt16Pcm(x) : new Uint8Array(Float32Array.from(x).buffer))),
    paceRealtime(50),
    tap(() => sendTimes.push(performance.now())), // right before produceStream's ws.send
  );
  const received: { at: number; message: ServerMessage }[] = [];
  const done = lastValueFrom(
    produceStream(wsUrl, { sampleRate, encoding }, pcm$).pipe(tap((message) => received.push({ at: performance.now(), message }))),
  );
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no end in time')), (samples.length / sampleRate) * 1000 + endTimeoutMs).unref(),
  );
  const end = await Promise.race([done, timeout]);
  const stream = end.type === 'end' ? end.stream : '';
  const latencies = (fromFrame = 0) =>
    received.flatMap(({ at, message }) => frameLatencies(message, at, sendTimes, format, fromFrame));
  return { latencies, sendTimes, stream };
}

/** A consumer: records when each predictions message arrives. */
async function listen(wsUrl: string) {
  const ws = new WebSocket(wsUrl);
  ws.on('error', () => {});
  const arrivals: { at: number; message: ServerMessage }[] = [];
  let dropped = 0;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as ServerMessage;
    if (message.type === 'predictions') arrivals.push({ at: performance.now(), message });
    if (message.type === 'dropped') dropped = message.count;
  });
  await once(ws, 'open');
  return {
    ws,
    get dropped() {
      return dropped;
    },
    latencies: (stream: string, sendTimes: number[], format: Format, fromFrame = 0) =>
      arrivals
        .filter(({ message }) => message.type === 'predictions' && message.stream === stream)
        .flatMap(({ at, message }) => frameLatencies(message, at, sendTimes, format, fromFrame)),
  };
}

/** Upsamples 16 kHz audio (for the browser-like producers; done once, before any timing). */
async function upsample(samples: Float32Array, rate: number): Promise<Float32Array> {
  const resampler = await createStreamResampler(16000, rate, 'best');
  const head = resampler.push(samples);
  const tail = resampler.flush();
  resampler.destroy();
  const out = new Float32Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

/** Latency of each frame of a predictions message that arrived at `at` (ms); see the definition printed. */
function frameLatencies(message: ServerMessage, at: number, sendTimes: number[], format: Format, fromFrame = 0): number[] {
  if (message.type !== 'predictions') return [];
  const ratio = format.sampleRate / cfg.sampleRate;
  const perMessage = format.sampleRate / 50;
  const out: number[] = [];
  for (const frame of message.frames) {
    if (frame.i < fromFrame) continue;
    const lastSample16k = cfg.hopSize * (frame.i + delay + DELTA_LOOKAHEAD) + cfg.windowSize - 1;
    const lastSample = Math.ceil((lastSample16k + 1) * ratio) - 1; // the input sample at that instant
    if (lastSample >= format.samples.length) continue; // predicted on the padding at stop
    const sent = sendTimes[Math.floor(lastSample / perMessage)];
    if (sent !== undefined) out.push(at - sent);
  }
  return out;
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] };
}

function fmt(s: Stats): string {
  return `median ${s.median.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms, max ${s.max.toFixed(1)} ms (${s.n} frames)`;
}

async function concatenatedFixtures(): Promise<Float32Array> {
  const parts = await Promise.all(FIXTURES.map((f) => readAudioFile(f)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.samples.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p.samples, offset);
    offset += p.samples.length;
  }
  return out;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`bench server exited (code ${code}) before it was ready`);
  });
  const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
  return line;
}
