import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { from, lastValueFrom, takeUntil, tap } from 'rxjs';
import { splitByFile } from '../../corpus/split-by-file.ts';
import { shuffleFiles } from '../../corpus/shuffle-files.ts';
import type { CorpusProblem } from '../../corpus/corpus-entry.ts';
import { DEFAULT_FEATURE_CONFIG, type FeatureConfig } from '../../features/feature-config.ts';
import { featureDims } from '../../features/feature-dims.ts';
import { loadFeatureStats } from '../../features/load-feature-stats.ts';
import { ConfigError, InputError } from '../../errors.ts';
import { RunningStats } from '../../features/running-stats.ts';
import { FeaturePool } from '../../threads/feature-pool.ts';
import type { OnlineLearner } from '../../learner/online-learner.ts';
import type { BackendName } from '../../learner/select-backend.ts';
import type { ReplayEvent } from '../../../pipelines/replay-corpus.ts';
import type { CliCommand } from '../cli-command.ts';
import { assertCorpusPhones } from '../assert-corpus-phones.ts';
import { formatAgreement } from '../format-agreement.ts';
import { discoverCorpusPhones } from '../discover-corpus-phones.ts';
import { LEARNER_OPTION_SPECS, LEARNER_OPTIONS_HELP, learnerOptionsFrom, loadOptionWarnings, loadOverridesFrom } from '../learner-options.ts';
import { listCorpora } from '../list-corpora.ts';
import { checkOutputPaths } from '../check-output-path.ts';
import { choiceOption, numberOption, parseOptions } from '../parse-options.ts';
import { createProgressReporter, formatHeldOutLine, type ProgressSnapshot } from '../progress-reporter.ts';
import { warnOnce } from '../warn-once.ts';
import { watchInterrupt } from '../watch-interrupt.ts';
import { COMBINE_RULES } from '../../cluster/average-params.ts';

const HELP = `Usage: phonestream replay CORPUS... [options]

Replays a labelled corpus as a stream: each 10 ms frame is predicted by the online LSTM, then
learned from by TBPTT(k1, k2). Prints a progress bar (plain lines when not a terminal) and a
summary; held-out files (split by file, fixed seed) are scored after each epoch: accuracy,
Cohen's kappa, and Kappa-Temporal against the no-change classifier (repeat the previous frame's
true label; its accuracy is reported too).

CORPUS is a directory: audio files (.wav, TIMIT .WAV/.sph, .flac, .mp3) with label files of the same stem
(.PHN, .lab, .TextGrid) beside them or in a sibling directory.

Options:
  --epochs N          passes over the training files (default 1)
  --pace max|realtime max: as fast as it goes (default); realtime: 100 frames/s, as if live
  --held-out F        fraction of files held out for evaluation, 0 for none (default 0.1)
  --split-seed N      seed of the held-out split (default 1)
  --score-at P,...    also score the held-out files part-way through a pass, at these points in
                      passes (e.g. 0.25,0.5: after a quarter and half of pass 1); the summary's
                      curve lists every score with the frames seen and the training seconds so far
  --order-seed N      shuffle the training files' order with this seed before the run (the held-out
                      split is unchanged); default: corpus order
  --dims 26|39        26: 12 MFCC + log energy + deltas (default); 39: + delta-deltas
  --stats FILE        normalise with fixed statistics from 'phonestream stats' instead of the
                      running mean and variance of the replay so far
  --load DIR          continue from a checkpoint (its phone set and feature options)
  --save DIR          write the checkpoint at the end (tfjs format + feature options and statistics)
  --summary FILE      write the summary as JSON
  --backend tensorflow|wasm|cpu  (default: the fastest available)
  --threads N         threads in all (default: the cores, ${availableParallelism()} here): N − 1 worker
                      threads read the files and compute the features while the main thread
                      normalises them in corpus order and trains; the results are identical for
                      any N; 1: no workers
  --quiet             no progress display
${LEARNER_OPTIONS_HELP}

Distributed (docs/scale-out.md, Training): the training files spread over N trainer processes
(\`phonestream trainer --nats URL\`, started beforehand, any machines that read CORPUS at the
same path); this process coordinates, scores the held-out files and prints the same summary:
  --nats URL          NATS server with JetStream: train over the cluster's trainers
  --workers N         trainers (shards) to use (default 1); utterance i goes to shard i mod N
  --average-every M   every trainer publishes its weights after M of its own updates and all
                      continue from their combination (default 50)
  --combine sum|mean  a round's rule: sum (default), the round's starting weights plus every
                      trainer's update (each trainer's steps all count, as one learner's over the
                      same frames would); mean, the frame-weighted average of the weights
  --round-timeout S   seconds to wait for every trainer's weights in a round (default 120); then
                      the run fails naming the missing trainer and round
  --join-timeout S    seconds to wait for N trainers to take the job (default 60)
  The final model goes to the object store, announced in the model bucket's key latest (serving
  workers hot-reload it). --threads is per trainer (default 1). Not with --load, --save, --stats,
  --score-at or --pace realtime.

SIGINT or SIGTERM (Ctrl-C) stops the replay after the current update: the summary (marked
interrupted) and, with --save, the checkpoint of the weights as they are are still written, and the
exit code is 0; without --save nothing is saved and the exit code is 130 (SIGINT) or 143 (SIGTERM).

Example:
  phonestream replay ../shared/corpus --epochs 3 --k1 20 --k2 20 --delay 3 --save runs/lj --summary out.json`;

export const command: CliCommand = {
  name: 'replay',
  summary: 'train and score the online learner on a replayed corpus',
  help: HELP,
  async run(argv) {
    const { values, positionals } = parseOptions('replay', argv, {
      ...LEARNER_OPTION_SPECS,
      epochs: { type: 'string' },
      pace: { type: 'string' },
      'held-out': { type: 'string' },
      'split-seed': { type: 'string' },
      'order-seed': { type: 'string' },
      'score-at': { type: 'string' },
      dims: { type: 'string' },
      stats: { type: 'string' },
      load: { type: 'string' },
      save: { type: 'string' },
      summary: { type: 'string' },
      backend: { type: 'string' },
      quiet: { type: 'boolean' },
      threads: { type: 'string' },
      nats: { type: 'string' },
      workers: { type: 'string' },
      'average-every': { type: 'string' },
      combine: { type: 'string' },
      'round-timeout': { type: 'string' },
      'join-timeout': { type: 'string' },
    });
    const epochs = numberOption('epochs', values.epochs, { min: 1, max: 10000, integer: true }) ?? 1;
    const pace = choiceOption('pace', values.pace, ['max', 'realtime'] as const) ?? 'max';
    const heldOutFraction = numberOption('held-out', values['held-out'], { min: 0, max: 0.9 }) ?? 0.1;
    const splitSeed = numberOption('split-seed', values['split-seed'], { integer: true }) ?? 1;
    const orderSeed = numberOption('order-seed', values['order-seed'], { integer: true });
    const scoreAt = scoreAtOption(values['score-at'], epochs);
    const dims = choiceOption('dims', values.dims, ['26', '39'] as const);
    const backendName = choiceOption('backend', values.backend, ['tensorflow', 'wasm', 'cpu'] as const) as BackendName | undefined;
    const threads = numberOption('threads', values.threads, { min: 1, max: 256, integer: true }) ?? availableParallelism();
    const learnerOptions = learnerOptionsFrom(values);
    await checkOutputPaths('replay', [
      ['summary', values.summary, 'file'],
      ['save', values.save, 'dir'],
    ]);
    if (typeof values.nats === 'string') {
      for (const k of ['load', 'save', 'stats', 'score-at'] as const) {
        if (values[k] !== undefined) throw new ConfigError(`replay --nats: --${k} is not supported in a distributed replay (the checkpoint goes to the cluster's object store)`);
      }
      if (pace !== 'max') throw new ConfigError('replay --nats: --pace realtime is not supported in a distributed replay');
      const { runDistributedReplay } = await import('../replay-distributed.ts');
      return runDistributedReplay({
        nats: values.nats,
        corpus: positionals,
        workers: numberOption('workers', values.workers, { min: 1, max: 256, integer: true }) ?? 1,
        averageEvery: numberOption('average-every', values['average-every'], { min: 1, integer: true }) ?? 50,
        combine: choiceOption('combine', values.combine, COMBINE_RULES) ?? 'sum',
        roundTimeoutMs: 1000 * (numberOption('round-timeout', values['round-timeout'], { min: 0.1 }) ?? 120),
        joinTimeoutMs: 1000 * (numberOption('join-timeout', values['join-timeout'], { min: 0.1 }) ?? 60),
        heldOutFraction,
        splitSeed,
        orderSeed: orderSeed ?? null,
        epochs,
        learner: learnerOptions,
        features: { ...DEFAULT_FEATURE_CONFIG, deltaOrder: dims === '39' ? 2 : 1 },
        backend: backendName,
        threads: numberOption('threads', values.threads, { min: 1, max: 256, integer: true }) ?? 1,
        summary: typeof values.summary === 'string' ? values.summary : undefined,
        quiet: values.quiet === true,
      });
    }
    for (const k of ['workers', 'average-every', 'combine', 'round-timeout', 'join-timeout'] as const) {
      if (values[k] !== undefined) throw new ConfigError(`replay: --${k} needs --nats URL (a distributed replay)`);
    }

    const problems: CorpusProblem[] = [];
    const onProblem = (p: CorpusProblem) => {
      problems.push(p);
      process.stderr.write(`skipped ${p.file}: ${p.message}\n`);
    };
    const onWarning = warnOnce();
    const listed = await listCorpora(positionals, onProblem);
    // The feature workers boot (tsx and the audio modules: a second or more) while TensorFlow.js
    // loads below, instead of after it.
    const pool = threads > 1 ? new FeaturePool(threads - 1) : undefined;
    try {
      // TensorFlow.js and the learner load only now (seconds): a mistyped option or corpus path
      // is reported at once.
      const [{ selectBackend }, { OnlineLearner }, { loadCheckpoint }, { saveCheckpoint }, { replayCorpus }] = await Promise.all([
        import('../../learner/select-backend.ts'),
        import('../../learner/online-learner.ts'),
        import('../../checkpoint/load-checkpoint.ts'),
        import('../../checkpoint/save-checkpoint.ts'),
        import('../../../pipelines/replay-corpus.ts'),
      ]);
      const { backend } = await selectBackend(backendName);

      let learner: OnlineLearner;
      let features: FeatureConfig;
      let stats: RunningStats;
      let entries = listed;
      if (typeof values.load === 'string') {
        for (const line of loadOptionWarnings(learnerOptions, `--load ${values.load}`)) process.stderr.write(`warning: ${line}\n`);
        const checkpoint = await loadCheckpoint(values.load, loadOverridesFrom(learnerOptions));
        ({ learner, features, stats } = checkpoint);
        try {
          // The checkpoint decides the features; a --dims that disagrees would be silently ignored.
          if (dims !== undefined && Number(dims) !== featureDims(features)) {
            throw new ConfigError(`replay: --dims ${dims}, but the checkpoint ${values.load} takes ${featureDims(features)}-dim features; leave --dims out with --load`);
          }
          entries = await assertCorpusPhones(listed, learner.config.phones, onProblem, positionals.join(', '));
        } catch (err) {
          learner.dispose();
          throw err;
        }
      } else {
        features = { ...DEFAULT_FEATURE_CONFIG, deltaOrder: dims === '39' ? 2 : 1 };
        const discovered = await discoverCorpusPhones(listed, onProblem, positionals.join(', '));
        entries = discovered.entries;
        learner = new OnlineLearner({ ...learnerOptions, inputSize: featureDims(features), phones: discovered.phones });
        stats = new RunningStats(featureDims(features));
      }
      if (typeof values.stats === 'string') {
        const fixed = await loadFeatureStats(values.stats);
        if (fixed.dims !== featureDims(features)) {
          learner.dispose();
          throw new InputError(values.stats, `expected statistics of ${featureDims(features)} dims (the model's features), got ${fixed.dims}`);
        }
        features = { ...features, normalization: { kind: 'fixed', stats: fixed } };
        stats.restore(fixed.frames, fixed.mean, fixed.variance);
      }
      // From here on a signal stops the replay and the results so far are still reported and saved.
      const interrupt = watchInterrupt((line) => process.stderr.write(`${line}\n`));
      try {
        const split = splitByFile(entries, heldOutFraction, splitSeed);
        const heldOut = split.heldOut;
        // Shuffled after the split, so the held-out files are the same whatever the order.
        const train = orderSeed === undefined ? split.train : shuffleFiles(split.train, orderSeed);
        if (train.length === 0) throw new Error('no training files left after the held-out split; lower --held-out');
        const progress = values.quiet ? undefined : createProgressReporter();
        const summary = new ReplaySummary(epochs, train.length, backend, learner, threads);
        const startedAt = performance.now();
        await lastValueFrom(
          replayCorpus({ train, heldOut, learner, features, epochs, pace, runningStats: stats, onProblem, onWarning, pool, scoreAt }).pipe(
            // Updates are synchronous, so stopping between events leaves the last update complete.
            takeUntil(from(interrupt.received)),
            tap((ev) => {
              summary.observe(ev, performance.now() - startedAt);
              // each held-out score on a line of its own, when it is taken
              if (ev.kind === 'score' || ev.kind === 'epoch') {
                const line = formatHeldOutLine(ev, summary.framesSoFar, heldOut.length);
                if (line !== null) progress?.log(line);
              }
              progress?.update(summary.snapshot());
            }),
          ),
          { defaultValue: undefined },
        );
        progress?.stop();
        const signal = interrupt.signal;
        const result = {
          ...summary.toJSON(),
          heldOutFiles: heldOut.length,
          trainFiles: train.length,
          orderSeed: orderSeed ?? null,
          /** The training files' ids in the order they were replayed. */
          trainOrder: train.map((e) => e.id),
          skippedFiles: problems.length,
          interrupted: signal !== undefined,
          ...(signal !== undefined && { signal }),
        };
        process.stdout.write(formatSummary(result));
        if (typeof values.summary === 'string') await writeFile(values.summary, JSON.stringify(result, null, 2) + '\n');
        if (typeof values.save === 'string') {
          await saveCheckpoint(values.save, learner, features, stats);
          if (signal === undefined) process.stdout.write(`saved checkpoint to ${values.save}\n`);
          else process.stderr.write(`interrupted: saved checkpoint to ${values.save} after ${learner.version} updates\n`);
        } else if (signal !== undefined) {
          process.stderr.write('interrupted: nothing saved (no --save DIR)\n');
          return interrupt.exitCode();
        }
        return 0;
      } finally {
        interrupt.dispose();
        learner.dispose();
      }
    } finally {
      await pool?.close();
    }
  },
};

/** Accumulates the replay's events into what the progress display and the summary report. */
class ReplaySummary {
  /** Frames and utterances of the passes already finished (each pass is its own learner stream). */
  private framesBefore = 0;
  private skippedBefore = 0;
  private utterances = 0;
  private epoch = 1;
  /** The current pass's figures, from its stream's latest metrics. */
  private pass = { frames: 0, accuracy: null as number | null, loss: null as number | null, skippedUpdates: 0, utterances: 0 };
  private elapsedMs = 0;
  private readonly epochResults: {
    epoch: number;
    /** Pass 1: each frame predicted before it was learned from, and never seen before in this run. */
    prequentialAccuracy: number | null;
    /** Passes 2 and later: the same running score on frames already learned from in earlier passes. */
    trainingAccuracy: number | null;
    heldOutAccuracy: number | null;
    /** Cohen's kappa of the held-out frames: accuracy corrected for chance agreement. */
    heldOutKappa: number | null;
    /** Kappa-Temporal: held-out accuracy measured against the no-change classifier (≤ 0: no better). */
    heldOutKappaTemporal: number | null;
    /** Accuracy of repeating the previous frame's true label (each utterance's first frame a miss). */
    heldOutNoChangeAccuracy: number | null;
    heldOutFrames: number;
    utterances: number;
    skippedUpdates: number;
  }[] = [];
  private heldOutTop: [string, string, number][] = [];
  /** Every held-out score (part-way and at each epoch's end), in order: the learning curve. */
  private readonly curve: {
    passes: number;
    /** Training frames seen when the score was taken. */
    frames: number;
    /** Seconds spent training so far: the replay's time less the held-out scoring's. */
    trainingSeconds: number;
    heldOutAccuracy: number | null;
    heldOutKappa: number | null;
    heldOutKappaTemporal: number | null;
  }[] = [];
  /** Time spent scoring held-out files, and when the last event came (for the scoring's share). */
  private scoringMs = 0;
  private lastEventMs = 0;

  constructor(
    private readonly epochs: number,
    private readonly trainFiles: number,
    private readonly backend: string,
    private readonly learner: OnlineLearner,
    private readonly threads: number,
  ) {
    this.versionAtStart = learner.version;
  }

  /** The learner's update count when the replay started (a loaded checkpoint has its own). */
  private readonly versionAtStart: number;

  observe(ev: ReplayEvent, elapsedMs: number): void {
    this.elapsedMs = elapsedMs;
    // A score event arrives when its scoring is done: the time since the last event was scoring.
    if (ev.kind === 'score' || ev.kind === 'epoch') this.scoringMs += elapsedMs - this.lastEventMs;
    this.lastEventMs = elapsedMs;
    if (ev.kind === 'score' || ev.kind === 'epoch') {
      this.curve.push({
        passes: ev.kind === 'score' ? ev.passes : ev.epoch,
        frames: this.frames,
        trainingSeconds: (elapsedMs - this.scoringMs) / 1000,
        heldOutAccuracy: ev.heldOut?.accuracy() ?? null,
        heldOutKappa: ev.heldOutAgreement?.kappa() ?? null,
        heldOutKappaTemporal: ev.heldOutAgreement?.kappaTemporal() ?? null,
      });
    }
    if (ev.kind === 'metrics') {
      this.pass.frames = ev.frames;
      this.pass.accuracy = ev.accuracy;
      this.pass.loss = ev.loss;
      this.pass.skippedUpdates = ev.skippedUpdates;
    } else if (ev.kind === 'end') {
      this.utterances += 1;
      this.pass.utterances += 1;
    } else if (ev.kind === 'epoch') {
      const first = ev.epoch === 1;
      this.epochResults.push({
        epoch: ev.epoch,
        prequentialAccuracy: first ? this.pass.accuracy : null,
        trainingAccuracy: first ? null : this.pass.accuracy,
        heldOutAccuracy: ev.heldOut?.accuracy() ?? null,
        heldOutKappa: ev.heldOutAgreement?.kappa() ?? null,
        heldOutKappaTemporal: ev.heldOutAgreement?.kappaTemporal() ?? null,
        heldOutNoChangeAccuracy: ev.heldOutAgreement?.noChangeAccuracy() ?? null,
        heldOutFrames: ev.heldOut?.frames ?? 0,
        utterances: this.pass.utterances,
        skippedUpdates: this.pass.skippedUpdates,
      });
      this.heldOutTop = ev.heldOut?.topConfusions(10) ?? [];
      this.framesBefore += this.pass.frames;
      this.skippedBefore += this.pass.skippedUpdates;
      this.pass = { frames: 0, accuracy: null, loss: this.pass.loss, skippedUpdates: 0, utterances: 0 };
      this.epoch = Math.min(ev.epoch + 1, this.epochs);
    }
  }

  private get frames(): number {
    return this.framesBefore + this.pass.frames;
  }

  /** Training frames seen so far, over all epochs. */
  get framesSoFar(): number {
    return this.frames;
  }

  snapshot(): ProgressSnapshot {
    const fps = this.elapsedMs > 0 ? (1000 * this.frames) / this.elapsedMs : 0;
    // After the last epoch's end its figures stay on show, not the empty next pass's.
    const last = this.epochResults.at(-1);
    const finished = last !== undefined && last.epoch >= this.epochs;
    return {
      epoch: this.epoch,
      epochs: this.epochs,
      frames: this.frames,
      utterances: finished ? last.utterances : this.pass.utterances,
      utterancesPerEpoch: this.trainFiles,
      elapsedSeconds: this.elapsedMs / 1000,
      realTimeFactor: fps / 100,
      accuracy: finished ? (last.prequentialAccuracy ?? last.trainingAccuracy) : this.pass.accuracy,
      loss: this.pass.loss,
    };
  }

  toJSON() {
    const fps = this.elapsedMs > 0 ? (1000 * this.frames) / this.elapsedMs : 0;
    const last = this.epochResults.at(-1);
    const lastTraining = this.epochResults.filter((e) => e.epoch > 1).at(-1);
    return {
      frames: this.frames,
      utterances: this.utterances,
      pass1PrequentialAccuracy: this.epochResults[0]?.prequentialAccuracy ?? (this.epoch === 1 ? this.pass.accuracy : null),
      lastPassTrainingAccuracy: lastTraining?.trainingAccuracy ?? null,
      heldOutAccuracy: last?.heldOutAccuracy ?? null,
      heldOutKappa: last?.heldOutKappa ?? null,
      heldOutKappaTemporal: last?.heldOutKappaTemporal ?? null,
      heldOutNoChangeAccuracy: last?.heldOutNoChangeAccuracy ?? null,
      loss: this.pass.loss,
      skippedUpdates: this.skippedBefore + this.pass.skippedUpdates,
      /** Weight updates this replay applied. */
      updates: this.learner.version - this.versionAtStart,
      updatesPerSecond: this.elapsedMs > 0 ? (1000 * (this.learner.version - this.versionAtStart)) / this.elapsedMs : 0,
      framesPerSecond: fps,
      realTimeFactor: fps / 100,
      seconds: this.elapsedMs / 1000,
      backend: this.backend,
      threads: this.threads,
      epochs: this.epochResults,
      curve: this.curve,
      heldOutTopConfusions: this.heldOutTop,
      config: { ...this.learner.config, k1: finiteOrNull(this.learner.config.k1), k2: finiteOrNull(this.learner.config.k2) },
    };
  }
}

/** --score-at: comma-separated points in (0, epochs] passes, or a ConfigError naming the bad one. */
function scoreAtOption(value: string | boolean | undefined, epochs: number): number[] | undefined {
  if (value === undefined) return undefined;
  const parts = typeof value === 'string' ? value.split(',') : [''];
  return parts.map((part) => {
    const p = Number(part.trim());
    if (part.trim() === '' || !(p > 0) || !(p <= epochs)) {
      throw new ConfigError(`--score-at takes comma-separated passes in (0, --epochs = ${epochs}], got ${JSON.stringify(part)} in ${JSON.stringify(value)}`);
    }
    return p;
  });
}

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);
const pct = (x: number | null) => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

function formatSummary(s: ReturnType<ReplaySummary['toJSON']> & { heldOutFiles: number; trainFiles: number; skippedFiles: number; signal?: string }): string {
  const c = s.config;
  const lines = [
    `replay: ${s.utterances} utterances, ${s.frames} frames in ${s.seconds.toFixed(1)} s ` +
      `(${Math.round(s.framesPerSecond)} frames/s, ${s.realTimeFactor.toFixed(1)}x real time) on ${s.backend}, ` +
      `${s.threads} thread${s.threads === 1 ? '' : 's'}`,
    `model: LSTM ${c.layers}x${c.hiddenSize}, ${c.phones.length} phones, ` +
      ((c.algorithm ?? 'tbptt') === 'tbptt'
        ? `${c.preset} k1=${c.k1 ?? 'utterance'} k2=${c.k2 ?? 'utterance'} ${c.truncation === 'per-frame' ? 'per-frame ' : ''}`
        : `${c.algorithm} k1=${c.k1} `) +
      `delay=${c.delay}, ${c.optimizer} lr=${c.lr}`,
    ...s.epochs.map(
      (e) =>
        `epoch ${e.epoch}: ` +
        (e.epoch === 1
          ? `prequential accuracy ${pct(e.prequentialAccuracy)} (each frame predicted before learning from it, first sight)`
          : `training accuracy ${pct(e.trainingAccuracy)} (on frames already learned from in earlier passes)`) +
        `, held-out accuracy ${pct(e.heldOutAccuracy)} ` +
        // nothing held out: one n/a is enough
        (e.heldOutAccuracy === null ? '' : `${formatAgreement(e.heldOutKappa, e.heldOutKappaTemporal, e.heldOutNoChangeAccuracy)} `) +
        `(${e.heldOutFrames} frames, ${s.heldOutFiles} files)`,
    ),
    `mean training loss of the last pass ${s.loss === null ? 'n/a' : s.loss.toFixed(3)}` +
      (s.skippedUpdates > 0 ? `, ${s.skippedUpdates} update(s) skipped (non-finite loss, gradient or weights)` : ''),
  ];
  if (s.heldOutTopConfusions.length > 0) {
    lines.push(`most confused (held out): ${s.heldOutTopConfusions.slice(0, 5).map(([t, p, n]) => `${t}→${p} ${n}`).join(', ')}`);
  }
  if (s.skippedFiles > 0) lines.push(`${s.skippedFiles} file(s) skipped (see above)`);
  if (s.signal !== undefined) lines.push(`interrupted by ${s.signal} after ${s.epochs.length} complete epoch(s)`);
  return lines.join('\n') + '\n';
}
