/**
 * bench:soak — the live server for N minutes under training, live streams and abuse.
 *
 *   npm run bench:soak -- --minutes N [--json]      (--json: a last line with every figure)
 *   options: --corpus PATH (replayed at max pace, default fixtures/corpus), --producers P
 *            (well-behaved live producers, default 3), --consumers C (default 2)
 *
 * The server (startLiveMicrophone on the bundled checkpoint, like `serve`) runs in a child
 * process training on a max-pace replay of the corpus, so its memory figures are its own. In
 * this process: producers stream fixture WAVs at real time one after another; consumers read
 * every stream (one stays, one reconnects every 20 s); abusive clients (malformed messages,
 * never-reading, vanishing mid-stream, floods, oversized, crowds) come and go every 2 s.
 * Each minute it prints the server's tf.memory().numTensors, the kernel arena's bytes in use and
 * high-water mark, RSS, heap and skipped updates; per well-behaved consumer the predictions
 * received vs expected (the frames of the audio sent, over the streams it saw from frame 0 to
 * their end); the producers' complete streams; abuse answered as documented in docs/protocol.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as tf from '@tensorflow/tfjs';
import { filter } from 'rxjs';
import { WebSocket } from 'ws';
import { fileToSocket } from '../pipelines/file-to-socket.ts';
import { startLiveMicrophone } from '../pipelines/live-microphone.ts';
import { replayCorpus } from '../pipelines/replay-corpus.ts';
import { readAudioFile } from '../src/audio/read-audio-file.ts';
import { loadCheckpoint } from '../src/checkpoint/load-checkpoint.ts';
import { BUNDLED_CHECKPOINT } from '../src/cli/commands/serve.ts';
import { listCorpora } from '../src/cli/list-corpora.ts';
import { RunningStats } from '../src/features/running-stats.ts';
import { arenaStats, type ArenaStats } from '../src/learner/kernels/wasm-arena.ts';
import type { LearnerEvent } from '../src/learner/learner-event.ts';
import { selectBackend } from '../src/learner/select-backend.ts';
import { toInt16Pcm } from '../src/server/to-int16-pcm.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 && args[k + 1] !== undefined ? args[k + 1] : fallback;
};
const WAV_DIR = 'fixtures/corpus/ljspeech/wav';
const FILES = readdirSync(WAV_DIR).filter((f) => f.endsWith('.wav')).map((f) => `${WAV_DIR}/${f}`);
const expectedFrames = (n: number) => (n < 400 ? 0 : Math.floor((n - 400) / 160) + 1);

/* ---------------- the server process ---------------- */

interface ServerStats {
  numTensors: number;
  /** The kernel arena's byte counts (null without wasm SIMD). */
  arena: ArenaStats | null;
  rssBytes: number;
  heapUsedBytes: number;
  replayFrames: number;
  replayUtterances: number;
  replayError: string | null;
  learnerVersion: number;
  /** Updates the learner skipped or rolled back (non-finite loss, gradient or weights). */
  skippedUpdates: number;
}

async function runServerChild(): Promise<void> {
  const { backend } = await selectBackend();
  const { learner, features, stats } = await loadCheckpoint(BUNDLED_CHECKPOINT, { trainable: true });
  const entries = await listCorpora([option('corpus', 'fixtures/corpus')], () => {});
  // As serve does: each live stream starts from the checkpoint's statistics weighted as 500 frames.
  const prior = new RunningStats(stats.dims);
  if (stats.count > 0) prior.restore(Math.min(stats.count, 500), stats.mean, stats.toJSON().variance);
  const server = await startLiveMicrophone({ port: 0, learner, featureConfig: features, normalizationPrior: prior });
  const replay = { frames: 0, utterances: 0, error: null as string | null };
  const replaying = replayCorpus({ train: entries, learner, features, epochs: Infinity, pace: 'max', runningStats: stats })
    .pipe(filter((ev): ev is LearnerEvent => ev.kind !== 'epoch' && ev.kind !== 'score'))
    .subscribe({
      next: (ev) => {
        if (ev.kind === 'predictions') replay.frames += ev.frames.length;
        if (ev.kind === 'end') replay.utterances += 1;
        server.publish(ev);
      },
      error: (err: Error) => (replay.error = err.message),
    });
  process.stdout.write(`${JSON.stringify({ wsUrl: server.wsUrl, backend, utterances: entries.length })}\n`);
  process.on('message', () => {
    const memory = process.memoryUsage();
    const reply: ServerStats = {
      numTensors: tf.memory().numTensors,
      arena: arenaStats(),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      replayFrames: replay.frames,
      replayUtterances: replay.utterances,
      replayError: replay.error,
      learnerVersion: learner.version,
      skippedUpdates: learner.skippedUpdates,
    };
    process.send!(reply);
  });
  const stop = () => {
    replaying.unsubscribe();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop); // the parent is gone: leave no server behind

}

/* ---------------- the client process ---------------- */

/** What the well-behaved producers achieved. */
const producerTally = { streams: 0, complete: 0, incomplete: 0, failed: 0, expectedFrames: 0, receivedFrames: 0, lastFailure: '' };
/** Stream id → the frames its audio makes, for the well-behaved producers' streams only. */
const expectedOf = new Map<string, number>();

/** A consumer counting, per live stream, the frames it received; a stream counts once seen from frame 0 to its end. */
class SoakConsumer {
  expected = 0;
  received = 0;
  streams = 0;
  dropped = 0;
  connections = 0;
  /** Closes this consumer did not ask for, by code: it reconnects, and counts the streams it lost. */
  unexpectedCloses: Record<number, number> = {};
  /** Streams in flight when such a close came: their remaining predictions never reached it. */
  interruptedStreams = 0;
  private frames = new Map<string, number>();
  private closing = false;
  private ws?: WebSocket;

  constructor(readonly name: string, private readonly url: string) {}

  connect(): void {
    this.frames.clear();
    this.closing = false;
    this.connections += 1;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.on('error', () => {});
    ws.on('close', (code) => {
      if (ws !== this.ws || this.closing) return;
      // Not asked for (a heartbeat missed, the server cutting it off): a consumer that did not keep
      // up. Say so, and carry on with a new connection.
      this.unexpectedCloses[code] = (this.unexpectedCloses[code] ?? 0) + 1;
      this.interruptedStreams += this.frames.size;
      setTimeout(() => this.connect(), 100);
    });
    // A reconnect starts afresh: whatever the previous socket still delivers is not counted.
    ws.on('message', (data) => ws === this.ws && this.onMessage(JSON.parse(data.toString())));
  }

  disconnect(): void {
    this.closing = true;
    this.ws?.close(1000);
  }

  private onMessage(m: { type: string; stream?: string; frames?: { i: number }[] | number; count?: number }): void {
    if (m.type === 'dropped') this.dropped = m.count!;
    const stream = m.stream;
    if (stream === undefined || !expectedOf.has(stream)) return; // only the well-behaved producers' streams
    if (m.type === 'predictions') {
      const frames = m.frames as { i: number }[];
      if (!this.frames.has(stream) && frames[0]?.i !== 0) return; // joined mid-stream: not counted
      this.frames.set(stream, (this.frames.get(stream) ?? 0) + frames.length);
    } else if (m.type === 'end' && this.frames.has(stream)) {
      this.streams += 1;
      this.expected += expectedOf.get(stream)!;
      this.received += this.frames.get(stream)!;
      this.frames.delete(stream);
    }
  }
}

/** One well-behaved producer: fixture after fixture at real time until `until`. */
async function producerLoop(url: string, until: number, seed: number): Promise<void> {
  for (let k = seed; Date.now() < until; k += 1) {
    const file = FILES[k % FILES.length];
    const n = expectedFrames((await readAudioFile(file)).samples.length);
    producerTally.streams += 1;
    try {
      const r = await fileToSocket({ url, file, onMessage: (m) => m.type === 'started' && expectedOf.set(m.stream, n) });
      producerTally.expectedFrames += n;
      producerTally.receivedFrames += r.frames.length;
      if (r.frames.length === n && r.end.frames === n) producerTally.complete += 1;
      else producerTally.incomplete += 1;
    } catch (err) {
      producerTally.failed += 1;
      producerTally.lastFailure = (err as Error).message;
    }
  }
}

/** Abuse kinds → how many were tried, finished, and (for those with an answer to check) answered as documented. */
const abuseTally = new Map<string, { tried: number; done: number; answered: number | null }>();

/**
 * One abusive client; resolves true when the server answered as docs/protocol.md says, or null
 * when there is no answer to check (it must only not disturb the well-behaved clients).
 */
type Abuse = (url: string, audio: Uint8Array[]) => Promise<boolean | null>;

/** `error` messages the abusive clients received in all, and their closes by code. */
const answers = { errors: 0, closes: {} as Record<number, number> };

/** Opens a socket and collects what it receives; `closed` resolves with the close code. */
function openRaw(url: string) {
  const ws = new WebSocket(url);
  const received: { type: string; message?: string }[] = [];
  ws.on('error', () => {});
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string };
    if (m.type === 'error') answers.errors += 1;
    received.push(m);
  });
  ws.on('close', (code) => (answers.closes[code] = (answers.closes[code] ?? 0) + 1));
  const opened = once(ws, 'open');
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const socket = () => (ws as unknown as { _socket: { pause(): void; destroy(): void } })._socket;
  return { ws, received, opened, closed, socket };
}

const within = <T>(p: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([p, new Promise<T>((r) => setTimeout(() => r(fallback), ms))]);

const ABUSES: [string, Abuse][] = [
  ['malformed messages (5 errors expected)', async (url) => {
    const c = openRaw(url);
    await c.opened;
    c.ws.send('{"type":');
    c.ws.send(JSON.stringify({ type: 'dance' }));
    c.ws.send(new Uint8Array([1, 2]));
    c.ws.send(JSON.stringify({ type: 'start', sampleRate: 16000, encoding: 'mp3' }));
    c.ws.send(JSON.stringify({ type: 'stop' }));
    c.ws.send(JSON.stringify({ type: 'ping' }));
    await within(new Promise<void>((r) => c.ws.on('message', () => c.received.some((m) => m.type === 'pong') && r())), 10_000, undefined);
    c.ws.close();
    return c.received.filter((m) => m.type === 'error').length === 5;
  }],
  ['never-reading consumer for 10 s', async (url) => {
    const c = openRaw(url);
    await c.opened;
    c.socket().pause();
    await new Promise((r) => setTimeout(r, 10_000));
    c.socket().destroy();
    return null;
  }],
  ['producer vanishing mid-stream', async (url, audio) => {
    const c = openRaw(url);
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'start', sampleRate: 16000, encoding: 'int16' }));
    for (const chunk of audio.slice(0, 25)) c.ws.send(chunk);
    await new Promise((r) => setTimeout(r, 200));
    c.socket().destroy();
    return null;
  }],
  ['flood of 3000 tiny messages (close 1008)', async (url) => {
    const c = openRaw(url);
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'start', sampleRate: 16000, encoding: 'int16' }));
    for (let k = 0; k < 3000; k += 1) c.ws.send(new Uint8Array(2));
    return (await within(c.closed, 10_000, 0)) === 1008;
  }],
  ['message beyond maxPayload (close 1009)', async (url) => {
    const c = openRaw(url);
    await c.opened;
    c.ws.send(new Uint8Array(1024 * 1024 + 4));
    return (await within(c.closed, 10_000, 0)) === 1009;
  }],
  ['crowd of 30 connections dropped at once', async (url) => {
    const crowd = Array.from({ length: 30 }, () => openRaw(url));
    await Promise.all(crowd.map((c) => within(c.opened, 10_000, undefined)));
    for (const c of crowd) c.socket()?.destroy();
    return null;
  }],
];

async function abuseLoop(url: string, until: number, audio: Uint8Array[]): Promise<void> {
  const running: Promise<void>[] = [];
  for (let k = 0; Date.now() < until; k += 1) {
    const [name, abuse] = ABUSES[k % ABUSES.length];
    const tally = abuseTally.get(name) ?? { tried: 0, done: 0, answered: null };
    abuseTally.set(name, tally);
    tally.tried += 1;
    const finish = (ok: boolean | null) => {
      tally.done += 1;
      if (ok !== null) tally.answered = (tally.answered ?? 0) + (ok ? 1 : 0);
    };
    running.push(abuse(url, audio).then(finish, () => finish(false)));
    await new Promise((r) => setTimeout(r, 2000));
  }
  await Promise.all(running);
}

async function main(): Promise<void> {
  const minutes = Number(option('minutes', '1'));
  const producers = Number(option('producers', '3'));
  const json = args.includes('--json');
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${option('minutes', '')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const info = JSON.parse(await firstLine(child)) as { wsUrl: string; backend: string; utterances: number };
  console.log(`bench:soak — ${minutes} min; server in a child process (${info.backend}), bundled checkpoint training on a max-pace replay of ${info.utterances} utterances;`);
  console.log(`${producers} real-time producers, ${option('consumers', '2')} consumers, one abusive client every 2 s\n`);

  const consumers = Array.from({ length: Number(option('consumers', '2')) }, (_, k) =>
    new SoakConsumer(k === 0 ? 'steady' : `reconnecting-${k}`, info.wsUrl),
  );
  for (const c of consumers) c.connect();
  const reconnect = setInterval(() => {
    for (const c of consumers.slice(1)) {
      c.disconnect();
      c.connect();
    }
  }, 20_000);

  const audio = await readAudioFile(FILES[0]);
  const chunks = Array.from({ length: Math.ceil(audio.samples.length / 320) }, (_, k) => toInt16Pcm(audio.samples.subarray(k * 320, (k + 1) * 320)));
  const t0 = Date.now();
  const until = t0 + minutes * 60_000;
  const reports: object[] = [];
  const report = async (minute: number) => {
    const r = minuteReport(minute, await serverStats(child), consumers);
    reports.push(r);
    printReport(r);
  };
  // Minutes 1 … N−1 while it runs; minute N once every stream and abuse has finished.
  let minute = 0;
  const perMinute = setInterval(() => minute + 1 < minutes && void report(++minute), 60_000);
  await Promise.all([
    ...Array.from({ length: producers }, (_, k) => producerLoop(info.wsUrl, until, k)),
    abuseLoop(info.wsUrl, until, chunks),
  ]);
  clearInterval(perMinute);
  clearInterval(reconnect);
  await new Promise((r) => setTimeout(r, 1000)); // the last ends reach the consumers
  await report(++minute);
  for (const c of consumers) c.disconnect();
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  console.log(`\nserver exited with code ${code} after SIGTERM`);
  const summary = soakSummary(reports as ReturnType<typeof minuteReport>[]);
  console.log(`\nafter minute 1 → end: numTensors ${summary.numTensors.join(' → ')}, kernel arena in use ${summary.arenaUsedMiB.join(' → ')} MiB ` +
    `(high water ${summary.arenaHighWaterMiB.join(' → ')} MiB), RSS ${summary.rssMiB.join(' → ')} MiB (${summary.rssGrowthPercent.toFixed(1)} %), ` +
    `predictions lost by consumers that keep up: ${summary.predictionsLost}, consumer closes not asked for: ${summary.consumerClosesNotAskedFor}, ` +
    `well-behaved producers failed: ${summary.producersFailed}, skipped updates ${summary.skippedUpdates}`);
  if (json) console.log(JSON.stringify({ minutes, backend: info.backend, summary, reports, serverExitCode: code }));
}

/** The goals' figures: minute 1 against the last minute (tensors and arena flat, RSS growth, nothing lost). */
function soakSummary(reports: ReturnType<typeof minuteReport>[]) {
  const first = reports[0].server;
  const last = reports.at(-1)!;
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return {
    numTensors: [first.numTensors, last.server.numTensors],
    arenaUsedMiB: [mib(first.arena?.usedBytes ?? 0), mib(last.server.arena?.usedBytes ?? 0)],
    arenaHighWaterMiB: [mib(first.arena?.highWaterBytes ?? 0), mib(last.server.arena?.highWaterBytes ?? 0)],
    rssMiB: [mib(first.rssBytes), mib(last.server.rssBytes)],
    rssGrowthPercent: (100 * (last.server.rssBytes - first.rssBytes)) / first.rssBytes,
    predictionsLost: last.consumers.reduce((n, c) => n + (c.expected - c.received), 0),
    consumerClosesNotAskedFor: last.consumers.reduce((n, c) => n + Object.values(c.unexpectedCloses).reduce((a, b) => a + b, 0), 0),
    producersFailed: last.producers.failed,
    skippedUpdates: last.server.skippedUpdates,
    replayFrames: last.server.replayFrames,
  };
}

function minuteReport(minute: number, server: ServerStats, consumers: SoakConsumer[]) {
  return {
    minute,
    server,
    consumers: consumers.map((c) => ({
      name: c.name, streams: c.streams, received: c.received, expected: c.expected, dropped: c.dropped, connections: c.connections,
      unexpectedCloses: { ...c.unexpectedCloses }, interruptedStreams: c.interruptedStreams,
    })),
    producers: { ...producerTally },
    abuse: Object.fromEntries([...abuseTally].map(([name, t]) => [name, { ...t }])),
    abuseAnswers: { errors: answers.errors, closes: { ...answers.closes } },
  };
}

function printReport(r: ReturnType<typeof minuteReport>): void {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  const s = r.server;
  const arena = s.arena === null ? 'n/a (no wasm SIMD)' : `${mb(s.arena.usedBytes)} in use, high water ${mb(s.arena.highWaterBytes)}`;
  console.log(`minute ${r.minute}: numTensors ${s.numTensors}, kernel arena ${arena}, ` +
    `RSS ${mb(s.rssBytes)}, heap ${mb(s.heapUsedBytes)}, skipped updates ${s.skippedUpdates}`);
  console.log(`  replay: ${s.replayFrames} frames, ${s.replayUtterances} utterances, learner version ${s.learnerVersion}${s.replayError ? `, STOPPED: ${s.replayError}` : ''}`);
  for (const c of r.consumers) {
    const unasked = Object.entries(c.unexpectedCloses).map(([code, n]) => `${code}×${n}`).join(', ');
    console.log(`  consumer ${c.name}: ${c.received} of ${c.expected} predictions expected over ${c.streams} streams` +
      `${c.received === c.expected ? '' : ' (MISSING)'}, dropped ${c.dropped}, ${c.connections} connections` +
      (unasked ? `, closed by the server ${unasked} (${c.interruptedStreams} streams interrupted)` : ''));
  }
  const p = r.producers;
  const streaming = p.streams - p.complete - p.incomplete - p.failed;
  console.log(`  producers: ${p.complete} of ${p.streams} streams complete (${p.receivedFrames} of ${p.expectedFrames} frames), ` +
    `${p.incomplete} incomplete, ${p.failed} failed, ${streaming} streaming${p.lastFailure ? ` (last failure: ${p.lastFailure})` : ''}`);
  const closes = Object.entries(r.abuseAnswers.closes).map(([code, n]) => `${code}×${n}`).join(', ');
  console.log(`  abusive clients got ${r.abuseAnswers.errors} error messages; their sockets closed with ${closes || 'nothing yet'}`);
  console.log('  abuse (answered as documented / finished / tried):');
  for (const [name, a] of Object.entries(r.abuse)) {
    console.log(`    ${name}: ${a.answered === null ? 'nothing to check' : a.answered} / ${a.done} / ${a.tried}`);
  }
}

async function serverStats(child: ChildProcess): Promise<ServerStats> {
  child.send('stats');
  const [stats] = (await once(child, 'message')) as [ServerStats];
  return stats;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`the server process exited (${code}) before announcing its address`);
  });
  const line = once(lines, 'line').then(([l]) => l as string);
  return Promise.race([line, exited]);
}

// Last, so every class and constant above is initialised before either side runs.
if (args.includes('--child')) await runServerChild();
else await main();
