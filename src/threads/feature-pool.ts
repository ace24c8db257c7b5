import { Worker } from 'node:worker_threads';
import type { CorpusEntry, CorpusProblem } from '../corpus/corpus-entry.ts';
import type { PreparedUtterance } from '../corpus/prepared-utterance.ts';
import { ConfigError, InputError } from '../errors.ts';
import { RUNS_FROM_SOURCES } from '../package-root.ts';
import type { FeatureConfig } from '../features/feature-config.ts';
import type { FeatureJob, FeatureJobResult, PortableError, PortableLoadOptions } from './feature-job.ts';

/** What a worker made of one corpus entry: the prepared utterance, or the bad file's problem. */
export type PrepareOutcome = { kind: 'utterance'; utterance: PreparedUtterance } | { kind: 'problem'; problem: CorpusProblem };

interface Pending {
  resolve(outcome: PrepareOutcome): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
  /** Why this worker can take no more jobs (it crashed or exited), once it cannot. */
  dead?: Error;
}

// Node starts a worker with its own loader, which cannot run .ts: from the sources the worker
// starts through a plain-JS bootstrap that registers tsx; the build runs the compiled worker.
const BOOTSTRAP = RUNS_FROM_SOURCES ? new URL('./feature-worker-bootstrap.mjs', import.meta.url) : new URL('./feature-worker.js', import.meta.url);

/**
 * Worker threads that read corpus entries and compute their unnormalised features (decode,
 * resample, MFCC, deltas), so the main thread is left to normalise and train. Jobs go to the worker
 * with the fewest outstanding jobs and are queued there, so a worker never waits for the busy main
 * thread to hand it its next job. Results arrive with their feature arrays transferred.
 *
 * A worker is ref'd only while it has jobs: an idle pool never keeps the process alive, while a
 * job awaited with nothing else pending does. `close()` terminates every worker.
 *
 * ## Example
 * ```ts
 * const pool = new FeaturePool(2);
 * try {
 *   const outcome = await pool.prepare(entries[0], DEFAULT_FEATURE_CONFIG);
 * } finally {
 *   await pool.close();
 * }
 * ```
 */
export class FeaturePool {
  private readonly slots: Slot[];
  private nextJob = 0;
  private closed = false;

  /** @param size worker threads to start (an integer ≥ 1) */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new ConfigError(`FeaturePool: size must be an integer ≥ 1, got ${size}`);
    this.slots = Array.from({ length: size }, () => this.start());
  }

  /** Thread ids of the workers (−1 for one that has stopped). */
  get threadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  /**
   * Reads `entry` and computes its unnormalised features on a worker. Resolves with the utterance,
   * or with a problem when the entry is a bad file (an InputError while loading it, as
   * `readCorpus` reports and skips); rejects on any other failure (the feature pipeline's own
   * errors, a crashed worker, a closed pool).
   */
  prepare(entry: CorpusEntry, features: FeatureConfig, load: PortableLoadOptions = {}): Promise<PrepareOutcome> {
    if (this.closed) return Promise.reject(new Error('FeaturePool: closed'));
    const live = this.slots.filter((s) => !s.dead);
    if (live.length === 0) return Promise.reject(this.slots[0].dead);
    const slot = live.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const job = this.nextJob++;
    return new Promise<PrepareOutcome>((resolve, reject) => {
      if (slot.pending.size === 0) slot.worker.ref();
      slot.pending.set(job, { resolve, reject });
      slot.worker.postMessage({ job, entry, features, load } satisfies FeatureJob);
    });
  }

  /** Terminates the workers; outstanding jobs reject. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new Error('FeaturePool: closed');
    for (const slot of this.slots) this.fail(slot, err);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private start(): Slot {
    const worker = new Worker(BOOTSTRAP);
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (result: FeatureJobResult) => {
      const waiting = slot.pending.get(result.job);
      if (!waiting) return; // its pool was closed meanwhile
      slot.pending.delete(result.job);
      if (slot.pending.size === 0) worker.unref();
      if (result.ok) waiting.resolve({ kind: 'utterance', utterance: result.utterance });
      else if (result.phase === 'load' && result.error.name === 'InputError' && result.error.source !== undefined) {
        // readCorpus's own wording: the file, and the problem without the file's name in front
        waiting.resolve({ kind: 'problem', problem: { file: result.error.source, message: result.error.message.slice(result.error.source.length + 2) } });
      } else waiting.reject(revive(result.error));
    });
    worker.on('error', (err) => this.fail(slot, err));
    worker.on('exit', (code) => {
      if (!this.closed) this.fail(slot, new Error(`FeaturePool: a feature worker exited (code ${code})`));
    });
    return slot;
  }

  /** Marks the slot dead and rejects its outstanding jobs. */
  private fail(slot: Slot, err: Error): void {
    slot.dead ??= err;
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    slot.worker.unref();
    for (const p of pending) p.reject(err);
  }
}

/** The worker's error as the class it was, so the CLI reports it as it would without threads. */
function revive(e: PortableError): Error {
  let err: Error;
  if (e.name === 'InputError' && e.source !== undefined) err = new InputError(e.source, e.message.slice(e.source.length + 2));
  else if (e.name === 'ConfigError') err = new ConfigError(e.message);
  else {
    err = new Error(e.message);
    err.name = e.name;
  }
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
